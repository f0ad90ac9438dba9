"""Tableau de bord and charts: the board's view of missions, actions and indicators."""

from __future__ import annotations

import sqlite3
from datetime import date

from helpers import logged_in, open_page, texts
from portal.admin import demo
from portal.missions import charts, indicators, progress
from portal.ui import verdicts


def test_dashboard_shows_where_each_mission_stands(demo_store):
    at = open_page(logged_in("demo.bureau"), "dashboard")
    assert not at.exception
    standings = progress.standings(demo_store, date.today().year)
    counts = standings["status"].value_counts()
    metrics = {m.label: m.value for m in at.metric}
    for status in ("on_track", "at_risk", "off_track", "no_value"):
        assert metrics[verdicts.label(status)] == str(counts.get(status, 0))
    shown = sum(int(v) for v in metrics.values()) + counts.get("no_target", 0)
    assert shown == len(demo.missions.INDICATORS)
    # One table per mission that has indicators, each row a verdict in words.
    assert len(at.dataframe) == standings["mission_code"].nunique() == 4
    access = at.dataframe[0].value
    assert set(access["État"]) <= set(progress.STATUSES.values())
    assert access["Indicateur"].tolist() == standings[
        standings["mission_code"] == "socle_1"]["name"].tolist()
    page = texts(at)
    assert "Actions : 2 en cours" in page
    assert "Aucun indicateur pour cette mission." in page


def test_dashboard_says_what_to_do_when_there_is_nothing_yet(demo_store):
    with sqlite3.connect(demo_store.path) as conn:
        conn.execute("DELETE FROM indicator_values")
        conn.execute("DELETE FROM indicators")
    at = open_page(logged_in("demo.admin"), "dashboard")
    assert not at.exception and not at.metric
    assert at.info[0].value.startswith("Aucun indicateur : ajoutez ceux de votre contrat ACI")


def test_charts_are_drawn_as_png_offline(demo_store):
    helped = indicators.get_indicator(demo_store, int(indicators.list_indicators(
        demo_store, "socle_1").query("name.str.startswith('Patients fragiles')")["id"].iloc[0]))
    year = date.today().year
    chart = charts.indicator_chart(indicators.values_for_year(demo_store, helped, year), helped)
    for image in (charts.png_bytes(chart),
                  charts.png_bytes(charts.status_chart(progress.standings(demo_store, year)))):
        assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) > 10_000
    empty = charts.indicator_chart(indicators.values_for_year(demo_store, helped, 2020), helped)
    assert empty is None
