"""Missions and the contract: reference data, deadlines at month ends, signed missions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpers import logged_in, open_page, texts, unescaped, widget
from portal.admin import demo
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import ADMIN, COORDINATOR, Actor
from portal.directory import territory
from portal.missions import aci, indicators, progress

ADMIN_ACTOR = Actor("admin", frozenset({ADMIN}))


def test_the_six_missions_are_loaded_in_order(store):
    found = aci.all_missions(store)
    assert [m["code"] for m in found] == ["socle_1", "socle_2", "socle_3", "socle_4",
                                          "complementaire_1", "complementaire_2"]
    assert [(m["start_months"], m["full_months"]) for m in found[:4]] == [
        (6, 18), (12, 24), (12, 24), (6, 18)]


def test_deadlines_from_the_signature_keep_month_ends(store):
    found = aci.all_missions(store)
    by_code = {d.mission: d for d in aci.deadlines(date(2025, 8, 31), found)}
    assert by_code["socle_1"].start_by == date(2026, 2, 28)     # no 31 February
    assert by_code["socle_1"].full_by == date(2027, 2, 28)
    assert by_code["socle_2"].start_by == date(2026, 8, 31)
    assert by_code["socle_3"].full_by == date(2027, 8, 31)
    leap = {d.mission: d for d in aci.deadlines(date(2023, 8, 31), found)}
    assert leap["socle_4"].start_by == date(2024, 2, 29)
    assert by_code["complementaire_1"].start_by is None  # set by each contract
    assert all(d.start_by is None for d in aci.deadlines(None, found))


def test_complementary_missions_count_only_when_signed(store):
    aci.save_contract(store, ADMIN_ACTOR, date(2025, 1, 15), ["complementaire_2"], 2)
    contract = aci.contract(store)
    signed = [m["code"] for m in aci.all_missions(store) if contract.signed(m)]
    assert signed == ["socle_1", "socle_2", "socle_3", "socle_4", "complementaire_2"]
    assert contract.signed_on == date(2025, 1, 15) and contract.size == 2


def test_contract_rules(store):
    with pytest.raises(PermissionDenied):
        aci.save_contract(store, Actor("c", frozenset({COORDINATOR})), None, [], None)
    with pytest.raises(PortalError) as error:
        aci.save_contract(store, ADMIN_ACTOR, date.today() + timedelta(days=1), [], 1)
    assert error.value.field == "signed_on"
    with pytest.raises(PortalError) as error:
        aci.save_contract(store, ADMIN_ACTOR, None, ["socle_1"], 1)
    assert error.value.field == "complementary"


def test_size_is_suggested_from_the_territory(store):
    assert aci.suggested_size(store) is None
    territory.add_communes(store, ADMIN_ACTOR, ["45234"])  # Orléans, about 117,000
    assert aci.suggested_size(store) == 3


def test_contract_page_saves_and_shows_deadlines(demo_store):
    at = open_page(logged_in("demo.admin"), "contract")
    assert "Taille suggérée d'après la population du territoire : 2." in texts(at)
    widget(at.checkbox, "Le contrat est signé").check()
    widget(at.date_input, "Date de signature").set_value(date(2025, 8, 31))
    widget(at.multiselect, "Missions complémentaires retenues").select("complementaire_1")
    widget(at.button, "Enregistrer").click()
    at.run()
    assert "Contrat enregistré." in texts(at)
    rows = at.dataframe[0].value
    assert rows["Démarrage au plus tard"].tolist()[:2] == ["28/02/2026", "31/08/2026"]
    assert len(rows) == 5
    page = open_page(at, "missions")
    assert "Démarrage au plus tard : 28/02/2026 (dépassée)" in texts(page)


def test_deadlines_are_the_signed_missions_passed_and_next_twelve_months(store):
    all_missions = aci.all_missions(store)
    contract = aci.Contract(date(2025, 8, 31), frozenset(), None)
    coming = aci.due(contract, all_missions, date(2026, 3, 1))
    # Access and crises were to start by 28/02/2026 (passed); parcours and prevention
    # are fully due on 31/08/2027, beyond the twelve months.
    assert [(day.isoformat(), title, what, passed) for day, title, what, passed in coming] == [
        ("2026-02-28", "Accès aux soins", "démarrage", True),
        ("2026-02-28", "Crises sanitaires graves", "démarrage", True),
        ("2026-08-31", "Parcours pluriprofessionnels", "démarrage", False),
        ("2026-08-31", "Prévention", "démarrage", False),
        ("2027-02-28", "Accès aux soins", "déploiement complet", False),
        ("2027-02-28", "Crises sanitaires graves", "déploiement complet", False)]
    assert aci.due(aci.Contract(None, frozenset(), None), all_missions,
                   date(2026, 3, 1)) == []


def test_missions_page_links_each_missions_indicators_with_their_state(demo_store):
    at = open_page(logged_in("demo.membre"), "missions")
    assert not at.exception
    links = [link.label for link in at.get("page_link")]
    prevention = progress.standings(demo_store, date.today().year, mission="socle_3").iloc[0]
    assert (f"Indicateur : Actions de prévention menées "
            f"({progress.STATUSES[prevention['status']].lower()})") in links
    indicators = sum(label.startswith("Indicateur : ") for label in links)
    assert indicators == len(demo.missions.INDICATORS)


def test_a_mission_with_many_indicators_shows_those_behind_and_links_to_all(demo_store):
    coordinator = Actor("c", frozenset({COORDINATOR}))
    for number in range(12):  # no value yet, except one well ahead
        indicator_id, _ = indicators.save_indicator(demo_store, coordinator, {
            "name": f"Suivi n° {number:02}", "mission_code": "socle_4", "kind": "resultat",
            "period": "year", "target": 10, "direction": "higher"})
    indicators.record_value(demo_store, coordinator, indicator_id, date.today(), 50)
    standing = progress.standings(demo_store, date.today().year, mission="socle_4")
    at = open_page(logged_in("demo.membre"), "missions")
    assert not at.exception
    counts = standing["status"].value_counts()
    assert (f"{len(standing)} indicateurs : {counts['on_track']} en bonne voie, "
            f"{counts['no_value']} sans valeur.") in texts(at)
    links = [unescaped(link.label) for link in at.get("page_link")]
    order = ["off_track", "at_risk", "no_value", "on_track", "no_target"]
    first = standing.assign(rank=standing["status"].map(order.index)).sort_values(
        "rank", kind="stable").head(6)
    assert "Suivi n° 11" not in first["name"].tolist()  # the one ahead waits its turn
    for row in first.itertuples():
        assert (f"Indicateur : {row.name} ({progress.STATUSES[row.status].lower()})"
                in links)
    assert "Indicateur : Suivi n° 11 (en bonne voie)" not in links
    assert f"Voir les {len(standing)} indicateurs" in links
    listing = open_page(at, "indicators", mission="socle_4")
    assert widget(listing.selectbox, "Mission").value == "socle_4"
    assert len(listing.dataframe[0].value) == len(standing)
