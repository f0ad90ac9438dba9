"""Verdicts against the target: prorated sums, latest values, means, missing periods."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from portal.core.roles import COORDINATOR, Actor
from portal.missions import actions, indicators, progress

COORD = Actor("coord", frozenset({COORDINATOR}))
TODAY = date(2026, 5, 17)


@pytest.mark.parametrize("actual, expected, direction, status", [
    (100, 100, "higher", "on_track"),
    (80, 100, "higher", "at_risk"),
    (79.9, 100, "higher", "off_track"),
    (120, 100, "lower", "at_risk"),
    (121, 100, "lower", "off_track"),
    (0, 0, "lower", "on_track"),
    (1, 0, "lower", "off_track"),
    (None, 100, "higher", "no_value"),
    (5, None, "higher", "no_target"),
])
def test_verdict(actual, expected, direction, status):
    assert progress.verdict(actual, expected, direction) == status


def add(store, name, values, period="month", target=120, direction="higher",
        aggregation="sum", mission="socle_1"):
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": name, "mission_code": mission, "kind": "resultat", "period": period,
        "target": target, "direction": direction, "aggregation": aggregation})
    for day, value in values:
        indicators.record_value(store, COORD, indicator_id, day, value)
    return indicator_id


def plain(value):
    return None if pd.isna(value) else value


def months(*values, year=2026):
    return [(date(year, month, 1), value) for month, value in enumerate(values, start=1)]


def test_standings_on_a_known_fixture(store):
    add(store, "A cumul à l'heure", months(10, 10, 10, 10))
    add(store, "B deux mois manquants", [(date(2026, 1, 1), 10), (date(2026, 3, 1), 5)])
    add(store, "C mai déjà saisi", months(9, 9, 9, 9, 9))
    add(store, "D taux trimestriel", [(date(2026, 2, 1), 85)], period="quarter", target=90,
        aggregation="mean")
    add(store, "E stock à faire baisser", [(date(2026, 1, 1), 4120)], period="year",
        target=3800, direction="lower", aggregation="last")
    add(store, "F plan de crise", [], period="year", target=1, aggregation="last")
    add(store, "G sans objectif", months(3, 4), target=None)
    add(store, "H incidents", months(1, 1, 1, 1), target=12, direction="lower",
        mission="socle_3")
    frame = progress.standings(store, 2026, TODAY).set_index("name")
    expected = {  # name: (actual, expected, missing, status)
        "A cumul à l'heure": (40, 40, 0, "on_track"),
        "B deux mois manquants": (15, 40, 2, "off_track"),
        "C mai déjà saisi": (45, 50, 0, "at_risk"),
        "D taux trimestriel": (85, 90, 0, "at_risk"),
        "E stock à faire baisser": (4120, 3800, 0, "at_risk"),
        "F plan de crise": (None, None, 0, "no_value"),
        "G sans objectif": (7, None, 2, "no_target"),
        "H incidents": (4, 4, 0, "on_track"),
    }
    for name, (actual, target, missing, status) in expected.items():
        row = frame.loc[name]
        assert (row["status"], row["missing"]) == (status, missing), name
        assert (plain(row["actual"]), plain(row["expected"])) == (actual, target), name
    assert frame.loc["B deux mois manquants", "gap"] == -25
    only = progress.standings(store, 2026, TODAY, mission="socle_3")
    assert only["name"].tolist() == ["H incidents"]


def test_a_past_year_is_judged_whole_and_a_future_one_waits(store):
    helped = add(store, "Aidés", months(10, 10, 10, year=2025))
    past = progress.standings(store, 2025, TODAY, indicator_id=helped).iloc[0]
    assert (past["actual"], past["expected"], past["missing"], past["status"]) == (
        30, 120, 9, "off_track")
    empty = progress.standings(store, 2026, TODAY, indicator_id=helped).iloc[0]
    assert (empty["missing"], empty["status"]) == (4, "no_value")
    future = progress.standings(store, 2027, TODAY, indicator_id=helped).iloc[0]
    assert (future["missing"], future["status"]) == (0, "no_value")


def test_a_computed_state_is_judged_on_its_current_value(store):
    for number in (1, 2):
        actions.save_action(store, COORD, {"number": number, "title": f"Action {number}",
                                           "status": "en_cours"}, missions=["socle_2"])
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "Fiches en cours", "mission_code": "socle_2", "kind": "moyens",
        "period": "quarter", "target": 3, "direction": "higher",
        "source": "actions_en_cours"})
    row = progress.standings(store, 2026, TODAY, indicator_id=indicator_id).iloc[0]
    assert (row["actual"], row["expected"], row["missing"], row["status"]) == (
        2, 3, 0, "off_track")
