"""Indicators: configuration, periods, typed and computed values, prorated targets, pages."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import logged_in, open_page, shown_errors, texts, widget
from portal.admin import demo
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import COORDINATOR, MEMBER, Actor
from portal.missions import actions, indicators

COORD = Actor("coord", frozenset({COORDINATOR}))
NAN = float("nan")


def indicator(store, **values):
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "Patients aidés", "mission_code": "socle_1", "kind": "resultat",
        "period": "month", "target": 120, "direction": "higher", **values})
    return indicators.get_indicator(store, indicator_id)


@pytest.mark.parametrize("day, period, start", [
    (date(2026, 5, 17), "month", date(2026, 5, 1)),
    (date(2026, 5, 17), "quarter", date(2026, 4, 1)),
    (date(2026, 12, 31), "quarter", date(2026, 10, 1)),
    (date(2026, 5, 17), "year", date(2026, 1, 1)),
])
def test_period_of_a_day(day, period, start):
    assert indicators.period_start(day, period) == start


def test_configuration_rules(store):
    for values, field in (({"name": ""}, "name"), ({"kind": "x"}, "kind"),
                          ({"period": "week"}, "period"), ({"target": "beaucoup"}, "target"),
                          ({"mission_code": "socle_9"}, "mission_code"),
                          ({"source": "inconnue"}, "source")):
        with pytest.raises(PortalError) as error:
            indicator(store, **values)
        assert error.value.field == field
    with pytest.raises(PermissionDenied):
        indicators.save_indicator(store, Actor("m", frozenset({MEMBER})), {})


def test_typed_values_replace_per_period_and_targets_are_prorated(store):
    monthly = indicator(store)
    indicators.record_value(store, COORD, monthly["id"], date(2026, 1, 20), "10")
    indicators.record_value(store, COORD, monthly["id"], date(2026, 2, 3), "12,5", "CPAM")
    indicators.record_value(store, COORD, monthly["id"], date(2026, 2, 28), "14", "corrigé")
    frame = indicators.values_for_year(store, monthly, 2026)
    assert len(frame) == 12
    assert frame["value"].tolist()[:2] == [10.0, 14.0]
    assert frame["value"].isna().tolist()[2:] == [True] * 10  # nothing typed after February
    assert frame["to_date"].tolist()[:2] == [10.0, 24.0]
    assert frame["comment"].tolist()[1] == "corrigé"
    assert frame["expected"].tolist()[:3] == [10.0, 20.0, 30.0]
    with pytest.raises(PortalError) as error:
        indicators.record_value(store, COORD, monthly["id"], date(2026, 3, 1), "dix")
    assert error.value.field == "value"
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'indicator'"
                        " AND action = 'value'") == 3


@pytest.mark.parametrize("aggregation, to_date, expected", [
    ("sum", [80.0, NAN, 170.0], [22.5, 45.0, 67.5]),
    ("last", [80.0, NAN, 90.0], [90.0] * 3),
    ("mean", [80.0, NAN, 85.0], [90.0] * 3),
])
def test_the_year_adds_up_by_the_indicators_aggregation(store, aggregation, to_date, expected):
    rate = indicator(store, period="quarter", target=90, aggregation=aggregation)
    indicators.record_value(store, COORD, rate["id"], date(2026, 2, 1), 80)
    indicators.record_value(store, COORD, rate["id"], date(2026, 8, 1), 90)
    frame = indicators.values_for_year(store, rate, 2026)
    assert frame["to_date"].tolist()[:3] == pytest.approx(to_date, nan_ok=True)
    assert frame["expected"].tolist()[:3] == expected


def test_a_state_counted_now_is_a_latest_value(store):
    with pytest.raises(PortalError, match="Dernière valeur") as error:
        indicator(store, source="actions_en_cours", aggregation="sum")
    assert error.value.field == "aggregation"
    assert indicator(store, source="actions_en_cours")["aggregation"] == "last"


def test_computed_sources_count_from_the_portal_and_refuse_typing(store):
    actions.save_action(store, COORD, {"number": 1, "title": "A", "status": "en_cours"},
                        missions=["socle_1"])
    actions.save_action(store, COORD, {"number": 2, "title": "B", "status": "en_cours"},
                        missions=["socle_1"])
    running = indicator(store, source="actions_en_cours", period="quarter", target=None)
    frame = indicators.values_for_year(store, running, date.today().year)
    current = indicators.period_label(indicators.period_start(date.today(), "quarter"),
                                      "quarter")
    known = frame.dropna(subset=["value"])
    assert known["period"].tolist() == [current] and known["value"].tolist() == [2]
    updated = indicator(store, source="fiches_mises_a_jour", period="year", target=None)
    this_year = indicators.values_for_year(store, updated, date.today().year)
    assert this_year["value"].tolist() == [2]
    with pytest.raises(PortalError, match="calculé"):
        indicators.record_value(store, COORD, running["id"], date.today(), 3)


def test_indicator_page_shows_values_and_takes_a_new_one(demo_store):
    frame = indicators.list_indicators(demo_store)
    helped = int(frame[frame["name"].str.startswith("Patients fragiles")]["id"].iloc[0])
    at = open_page(logged_in("demo.coordination"), "indicator", id=helped)
    assert not at.exception
    assert "objectif annuel : 219 patients" in texts(at)
    widget(at.text_input, "Valeur").input("vingt")
    widget(at.button, "Enregistrer la valeur").click()
    at.run()
    assert "La valeur est un nombre (ex. : 12 ou 12,5)." in shown_errors(at)
    widget(at.text_input, "Valeur").input("21")
    widget(at.button, "Enregistrer la valeur").click()
    at.run().run()
    this_month = indicators.period_start(date.today(), "month").isoformat()
    assert demo_store.scalar("SELECT value FROM indicator_values WHERE indicator_id = ?"
                             " AND period_start = ?", (helped, this_month)) == 21


def test_members_read_indicators_without_entry(demo_store):
    at = open_page(logged_in("demo.membre"), "indicators")
    assert len(at.dataframe[0].value) == len(demo.missions.INDICATORS)
    helped = int(indicators.list_indicators(demo_store).iloc[0]["id"])
    at = open_page(at, "indicator", id=helped)
    assert not at.exception
    assert not [t for t in at.text_input if t.label == "Valeur"]
