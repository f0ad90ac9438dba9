"""Supporting documents (pièces justificatives) for indicator values, checked and stored
by `core.files`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from ..core import files, roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.files import MAX_BYTES
from ..core.roles import Actor
from ..core.transactions import iso, now
from . import indicators


def add(store: Store, actor: Actor, files_dir: Path, indicator_id: int, filename: str,
        data: bytes, period: date | None = None, max_bytes: int = MAX_BYTES) -> int:
    """Check and store one document for an indicator (and a period of it)."""
    roles.require(actor, *indicators.EDITORS)
    indicator = indicators.get_indicator(store, indicator_id)
    if indicator is None:
        raise PortalError("Indicateur introuvable.")
    kept = files.keep(files_dir, filename, data, max_bytes)
    start = indicators.period_start(period, indicator["period"]).isoformat() if period else None
    with store.write(actor) as tx:
        return tx.insert("evidence", {
            "indicator_id": indicator_id, "period_start": start, **kept,
            "uploaded_by": actor.username, "uploaded_at": iso(now())}, entity="evidence")


def listing(store: Store, indicator_id: int) -> pd.DataFrame:
    return store.frame(
        "SELECT id, filename, period_start, size, uploaded_by, uploaded_at, mime, sha256"
        " FROM evidence WHERE indicator_id = ? ORDER BY period_start DESC, id DESC",
        (indicator_id,))


def remove(store: Store, actor: Actor, files_dir: Path, evidence_id: int) -> None:
    """Withdraw a document put on the wrong indicator, or holding what it should not.

    The file goes too once no other row points to it (backups keep their own copy)."""
    roles.require(actor, *indicators.EDITORS)
    with store.write(actor) as tx:
        row = tx.delete("evidence", evidence_id, "evidence", "Ce document a déjà été retiré.")
        shared = tx.one("SELECT 1 FROM evidence WHERE sha256 = ?", (row["sha256"],))
    if shared is None:
        files.path_for(files_dir, row["sha256"]).unlink(missing_ok=True)


def for_year(store: Store, year: int) -> pd.DataFrame:
    """The documents supporting a year: those of one of its periods, or those without a
    period that were put in during the year."""
    return store.frame(
        "SELECT m.title AS mission, i.name AS indicator, e.filename, e.period_start, e.size,"
        " e.uploaded_by, e.uploaded_at, e.sha256 FROM evidence e"
        " JOIN indicators i ON i.id = e.indicator_id JOIN missions m ON m.code = i.mission_code"
        " WHERE (e.period_start >= :y0 AND e.period_start < :y1) OR (e.period_start IS NULL"
        " AND e.uploaded_at >= :y0 AND e.uploaded_at < :y1)"
        " ORDER BY m.position, i.name, e.period_start, e.filename",
        {"y0": f"{year}-01-01", "y1": f"{year + 1}-01-01"})
