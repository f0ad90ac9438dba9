"""Where each indicator stands against its target: the verdicts of the dashboard and of
the yearly report, from one aggregate query over the year's values.

A period counts once it is over, or earlier when its value is already in. A sum is held
against the target prorated to the periods counted; a latest value or a mean against
the whole target. Within MARGIN of what is expected, an indicator is at risk, not yet
off track.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta

from ..core.db import Store
from . import indicators
from .indicators import MONTHS_IN, SOURCES

STATUSES = {"on_track": "En bonne voie", "at_risk": "À surveiller", "off_track": "En retard",
            "no_value": "Aucune valeur", "no_target": "Sans objectif"}
COLORS = {"on_track": "#2e7d32", "at_risk": "#ef6c00", "off_track": "#c62828",
          "no_value": "#757575", "no_target": "#9e9e9e"}
MARGIN = 0.2
DECIMALS = 2  # a mean rate to the hundredth; sums of counts stay whole


def verdict(actual: float | None, expected: float | None, direction: str) -> str:
    if actual is None:
        return "no_value"
    if expected is None:
        return "no_target"
    if direction == "lower":
        actual, expected = -actual, -expected
    if actual >= expected:
        return "on_track"
    return "at_risk" if actual >= expected - MARGIN * abs(expected) else "off_track"


def first_open_period(year: int, today: date) -> dict[str, date]:
    """Per periodicity, the start of the first period of `year` not over at `today`."""
    if year != today.year:
        edge = date(year + 1 if year < today.year else year, 1, 1)
        return dict.fromkeys(MONTHS_IN, edge)
    return {period: indicators.period_start(today, period) for period in MONTHS_IN}


def standings(store: Store, year: int, today: date | None = None, mission: str | None = None,
              indicator_id: int | None = None) -> pd.DataFrame:
    """One row per indicator: its value for the year so far (`actual`), what the target
    expects by now (`expected`), the gap, completed periods left without a value
    (`missing`) and the verdict (`status`, a key of STATUSES)."""
    today = today or date.today()
    edges = first_open_period(year, today)
    filters = {"i.mission_code = :mission": mission, "i.id = :indicator": indicator_id}
    where = " AND ".join(f for f, value in filters.items() if value is not None)
    rows = store.query(
        "SELECT i.id, i.name, i.mission_code, m.title AS mission, i.unit, i.period, i.target,"
        " i.direction, i.aggregation, i.source, COUNT(v.id) AS n_values, SUM(v.value) AS total,"
        " AVG(v.value) AS mean, COALESCE(SUM(v.period_start < CASE i.period"
        " WHEN 'month' THEN :month WHEN 'quarter' THEN :quarter ELSE :year END), 0)"
        " AS completed_values, (SELECT l.value FROM indicator_values l"
        " WHERE l.indicator_id = i.id AND l.period_start >= :y0 AND l.period_start < :y1"
        " ORDER BY l.period_start DESC LIMIT 1) AS last"
        " FROM indicators i JOIN missions m ON m.code = i.mission_code"
        " LEFT JOIN indicator_values v ON v.indicator_id = i.id"
        " AND v.period_start >= :y0 AND v.period_start < :y1"
        + (f" WHERE {where}" if where else "") +
        " GROUP BY i.id ORDER BY m.position, i.name",
        {**{p: d.isoformat() for p, d in edges.items()}, "y0": f"{year}-01-01",
         "y1": f"{year + 1}-01-01", "mission": mission, "indicator": indicator_id})
    return pd.DataFrame([_assess(store, row, year, today, edges[row["period"]])
                         for row in rows], columns=COLUMNS)


COLUMNS = ["id", "name", "mission_code", "mission", "unit", "period", "aggregation",
           "direction", "target", "actual", "expected", "gap", "missing", "status"]


def _assess(store: Store, row: dict, year: int, today: date, edge: date) -> dict:
    if row["source"] in SOURCES:
        row.update(_computed_aggregates(store, row, year, today, edge))
    step = MONTHS_IN[row["period"]]
    elapsed = relativedelta(edge, date(year, 1, 1))
    completed = (elapsed.years * 12 + elapsed.months) // step
    counted = completed + row["n_values"] - row["completed_values"]
    actual = round(row[{"sum": "total", "last": "last", "mean": "mean"}[row["aggregation"]]],
                   DECIMALS) if row["n_values"] else None
    expected = indicators.expected(row, counted, 12 // step) if counted else None
    return {**{k: row[k] for k in COLUMNS if k in row}, "actual": actual,
            "expected": expected,
            "gap": None if actual is None or expected is None
            else round(actual - expected, DECIMALS),
            # Only a typed indicator can miss a value: the portal computes the others.
            "missing": 0 if row["source"] in SOURCES else completed - row["completed_values"],
            "status": verdict(actual, expected, row["direction"])}


def _computed_aggregates(store: Store, row: dict, year: int, today: date, edge: date) -> dict:
    """The same aggregates as the query's, for an indicator the portal computes."""
    frame = indicators.values_for_year(store, row, year, today).dropna(subset=["value"])
    values = frame["value"].astype(float)
    return {"n_values": len(values), "total": values.sum(), "mean": values.mean(),
            "last": values.iloc[-1] if len(values) else None,
            "completed_values": int((frame["start"] < edge).sum())}


LABELS = {"mission": "Mission", "name": "Indicateur", "status": "État",
          "actual": "Réalisé", "expected": "Attendu", "gap": "Écart",
          "target": "Objectif annuel", "unit": "Unité", "missing": "Périodes sans valeur"}


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Standings with French headers and the verdict in words, numbers left as numbers
    (for a table on a page, or a sheet)."""
    return frame.assign(status=frame["status"].map(STATUSES))[list(LABELS)].rename(
        columns=LABELS)
