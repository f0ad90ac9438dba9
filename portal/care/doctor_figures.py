"""The médecin traitant mission in figures: counts only, never an identity, for every role
that follows socle 1 (home page, Accès aux soins : chiffres) and as indicator sources."""

from __future__ import annotations

import statistics
from datetime import date

import pandas as pd

from ..core.db import Store
from . import doctor_requests


def waiting(store: Store) -> int:
    """How many patients are still looking for a médecin traitant today (a count)."""
    marks = ", ".join("?" for _ in doctor_requests.OPEN)
    return store.scalar(f"SELECT COUNT(*) FROM mt_requests WHERE status IN ({marks})",
                        doctor_requests.OPEN)


def figures(store: Store, start: date, end: date) -> dict:
    """Counts for everyone who may see the mission's figures (no identity)."""
    span = (start.isoformat(), end.isoformat())
    waits = [r["days"] for r in store.query(
        "SELECT julianday(accepted_on) - julianday(received_on) AS days FROM mt_requests"
        " WHERE accepted_on >= ? AND accepted_on < ?", span)]
    return {
        "received": received(store, None, start, end),
        "waiting": waiting(store),
        "found": len(waits),
        "fragile_found": fragile_found(store, None, start, end),
        "median_wait": statistics.median(waits) if waits else None,
    }


def by_criterion(store: Store, start: date, end: date) -> pd.DataFrame:
    """Requests received in [start, end) per priority criterion (70 or more as on the day
    of the request): counts, no identity."""
    span = {"start": start.isoformat(), "end": end.isoformat()}
    return store.frame(
        "SELECT c.label, c.fragile, (SELECT COUNT(*) FROM mt_requests r WHERE"
        " r.received_on >= :start AND r.received_on < :end AND (CASE WHEN c.code = 'age70'"
        " THEN r.aged_70 = 1 ELSE EXISTS (SELECT 1 FROM mt_request_criteria x WHERE"
        " x.request_id = r.id AND x.code = c.code) END)) AS requests"
        " FROM mt_criteria c ORDER BY c.position", span)


def fragile_received(store: Store, indicator: dict | None, start: date, end: date) -> float:
    """Indicator source: requests received in the period from fragile patients."""
    return store.scalar(
        "SELECT COUNT(*) FROM mt_requests r WHERE r.received_on >= ? AND r.received_on < ?"
        f" AND {doctor_requests.FRAGILE}", (start.isoformat(), end.isoformat()))


def received(store: Store, indicator: dict | None, start: date, end: date) -> float:
    """Indicator source: requests received in the period."""
    return store.scalar("SELECT COUNT(*) FROM mt_requests WHERE received_on >= ?"
                        " AND received_on < ?", (start.isoformat(), end.isoformat()))


def fragile_found(store: Store, indicator: dict | None, start: date, end: date) -> float:
    """Indicator source: fragile patients (ALD, 70 or more, CSS/AME) who found a médecin
    traitant in the period."""
    return store.scalar(
        "SELECT COUNT(*) FROM mt_requests r WHERE r.accepted_on >= ? AND r.accepted_on < ?"
        f" AND {doctor_requests.FRAGILE}",
        (start.isoformat(), end.isoformat()))


def median_wait(store: Store, indicator: dict | None, start: date,
                end: date) -> float | None:
    """Indicator source: median days from request to médecin traitant, for the requests
    accepted in the period."""
    value = figures(store, start, end)["median_wait"]
    return None if value is None else round(value, 1)

