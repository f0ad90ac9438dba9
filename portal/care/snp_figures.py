"""Soins non programmés in figures: requests per period, channel, profession or motive,
the share seen within 24 hours, the slots' places used and offered, and the indicator
sources. Counts only: no request's details."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..core.db import Store
from . import unscheduled_care

# Period -> (French label, the SQL giving the first day of a request's period, how
# that day names the period). Weeks run Monday to Sunday, as French calendars do.
PERIODS = {"day": ("Jour", "date(received_at)", "%d/%m/%Y"),
           "week": ("Semaine", "date(received_at, 'weekday 0', '-6 days')",
                    "semaine du %d/%m/%Y"),
           "month": ("Mois", "date(received_at, 'start of month')", "%m/%Y"),
           "year": ("Année", "date(received_at, 'start of year')", "%Y")}


def _share_24h(delay: str) -> str:
    """SQL: the % of the group's requests seen within 24 hours, to one decimal (NULL for
    none), the same figure for the indicator, the tables and the home page."""
    return (f"ROUND(100.0 * COUNT(*) FILTER (WHERE {delay} <= {unscheduled_care.DAY_MINUTES})"
            " / COUNT(*), 1)")


def statistics(store: Store, start: date, end: date, period: str = "month") -> pd.DataFrame:
    """Per period (day, week, month or year) of receipt in [start, end): its first day
    and French name, requests, those with an appointment within 24 hours and their
    share, SAS requests and honoured ones."""
    frame = store.frame(
        f"SELECT {PERIODS[period][1]} AS period, COUNT(*) AS received,"
        f" COUNT(*) FILTER (WHERE delay_minutes <= {unscheduled_care.DAY_MINUTES}) AS within_24h,"
        f" {_share_24h('delay_minutes')} AS share_24h,"
        " COUNT(*) FILTER (WHERE outcome IS NULL) AS pending,"
        " COUNT(*) FILTER (WHERE channel = 'sas') AS sas,"
        " COUNT(*) FILTER (WHERE sas_status = 'honore') AS sas_honoured FROM snp_requests"
        " WHERE received_at >= ? AND received_at < ? GROUP BY period ORDER BY period",
        (start.isoformat(), end.isoformat()))
    frame.insert(1, "label", [date.fromisoformat(d).strftime(PERIODS[period][2])
                              for d in frame["period"]])
    return frame


def breakdown(store: Store, start: date, end: date, by: str) -> pd.DataFrame:
    """Requests and share within 24 hours per channel, profession sought or motive."""
    column = {"channel": "r.channel", "profession": "pr.label", "motive": "m.label"}[by]
    return store.frame(
        f"SELECT {column} AS grp, COUNT(*) AS received,"
        f" COUNT(*) FILTER (WHERE r.delay_minutes <= {unscheduled_care.DAY_MINUTES}) AS within_24h,"
        f" {_share_24h('r.delay_minutes')} AS share_24h FROM snp_requests r"
        " JOIN professions pr ON pr.code = r.profession_code"
        " JOIN snp_motives m ON m.code = r.motive_code"
        " WHERE r.received_at >= ? AND r.received_at < ? GROUP BY grp ORDER BY received DESC",
        (start.isoformat(), end.isoformat()))


def slots_use(store: Store, start: date, end: date) -> dict:
    """Places offered by the slots between start and end (each weekly slot counted on
    every matching day), and places used by requests sent to a slot."""
    offered = 0
    for slot in store.query("SELECT * FROM snp_slots WHERE valid_from < ?"
                            " AND (valid_until IS NULL OR valid_until >= ?)",
                            (end.isoformat(), start.isoformat())):
        first = max(start, date.fromisoformat(slot["valid_from"]))
        last = min(end - timedelta(days=1), date.fromisoformat(slot["valid_until"])
                   if slot["valid_until"] else end - timedelta(days=1))
        if slot["on_day"]:
            days = 1 if first <= date.fromisoformat(slot["on_day"]) <= last else 0
        else:
            first_match = first + timedelta(days=(slot["weekday"] - first.weekday()) % 7)
            days = (last - first_match).days // 7 + 1 if first_match <= last else 0
        offered += days * slot["capacity"]
    used = store.scalar("SELECT COUNT(*) FROM snp_requests r WHERE r.slot_id IS NOT NULL"
                        " AND r.slot_day >= ? AND r.slot_day < ?"
                        f" AND {unscheduled_care.HOLDS_PLACE}",
                        (start.isoformat(), end.isoformat()))
    return {"offered": offered, "used": used}


def requests_received(store: Store, indicator: dict | None, start: date, end: date) -> float:
    """Indicator source: SNP requests received in the period."""
    return store.scalar("SELECT COUNT(*) FROM snp_requests WHERE received_at >= ?"
                        " AND received_at < ?", (start.isoformat(), end.isoformat()))


def share_within_24h(store: Store, indicator: dict | None, start: date,
                     end: date) -> float | None:
    """Indicator source: % of the period's requests seen within 24 hours of receipt."""
    return store.scalar(f"SELECT {_share_24h('delay_minutes')} FROM snp_requests"
                        " WHERE received_at >= ? AND received_at < ?",
                        (start.isoformat(), end.isoformat()))


def sas_honoured(store: Store, indicator: dict | None, start: date, end: date) -> float:
    """Indicator source: SAS requests of the period whose appointment was honoured."""
    return store.scalar("SELECT COUNT(*) FROM snp_requests WHERE channel = 'sas'"
                        " AND sas_status = 'honore' AND received_at >= ? AND received_at < ?",
                        (start.isoformat(), end.isoformat()))
