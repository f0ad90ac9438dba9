"""Prevention (socle 3): events with their professionals, partners and people reached,
counted never identified; the year's calendar and figures; the indicators they feed."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from helpers import (
    COORD,
    docx_text,
    logged_in,
    open_page,
    person,
    shown_errors,
    texts,
    toasts,
    widget,
)
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import MEMBER, Actor
from portal.directory import organizations
from portal.missions import actions, documents, indicators, prevention, report

TODAY = date.today()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_event_to_come_reaches_nobody_yet_and_counts_are_never_negative(store):
    tomorrow = TODAY + timedelta(days=1)
    for values, message, field in (
            ({"held_on": tomorrow, "reached": 10}, "pas encore eu lieu", "reached"),
            ({"held_on": TODAY, "reached": -1}, "positif ou nul", "reached"),
            ({"held_on": TODAY, "theme_code": None}, "thème", "theme_code"),
            ({"held_on": TODAY, "format": "kermesse"}, "format", "format"),
            ({"held_on": TODAY, "title": " "}, "intitulé", "title"),
            ({"held_on": TODAY, "duration_minutes": 0}, "durée positive", "duration_minutes")):
        with pytest.raises(PortalError, match=message) as refused:
            prevention.save_event(store, COORD, {
                "title": "Stand", "theme_code": "vaccination", "format": "stand", **values})
        assert refused.value.field == field
    with pytest.raises(PortalError, match="doivent être égaux") as refused:
        prevention.save_event(store, COORD, {
            "title": "Stand", "theme_code": "vaccination", "format": "stand",
            "held_on": TODAY, "reached": 10}, reach={("18-39", "f"): 4, ("40-64", "m"): 5})
    assert refused.value.field == "reach"
    with pytest.raises(PermissionDenied):
        prevention.save_event(store, Actor("m", frozenset({MEMBER})), {})
    assert prevention.count_events(store, prevention.Filters(TODAY.year)) == 0


def test_an_event_keeps_its_runners_partners_and_reach_then_goes_with_its_links(store):
    runners = [person(store, "Martin"), person(store, "Durand")]
    partner, _ = organizations.save_organization(store, COORD, {
        "name": "Mairie de Gien", "kind": "autre", "sector": "social"})
    event_id, _ = prevention.save_event(store, COORD, {
        "title": "Stand", "theme_code": "vaccination", "format": "stand", "held_on": TODAY,
        "reached": 9, "commune_code": "45155"}, people=runners, partners=[partner],
        reach={("18-39", "f"): 4, ("40-64", "m"): 5})
    saved = prevention.get_event(store, event_id)
    assert sorted(saved["people"]) == sorted(runners) and saved["partners"] == [partner]
    assert saved["reach"] == {("18-39", "f"): 4, ("40-64", "m"): 5}
    assert saved["people_names"] == ["A Durand (Infirmier)", "A Martin (Infirmier)"]
    prevention.save_event(store, COORD, {**{k: saved[k] for k in (
        "title", "theme_code", "format", "commune_code")}, "held_on": TODAY, "reached": 9,
        "visible": False}, event_id, people=runners[:1], partners=[], reach={})
    saved = prevention.get_event(store, event_id)
    assert saved["people"] == runners[:1] and saved["reach"] == {} and not saved["visible"]
    assert prevention.get_event(store, event_id, members_view=True) is None
    prevention.delete_event(store, COORD, event_id)
    assert prevention.get_event(store, event_id) is None
    assert store.scalar("SELECT COUNT(*) FROM prevention_event_people") == 0


def test_the_years_figures_count_each_event_and_professional_once(store):
    runners = [person(store, "Martin"), person(store, "Durand")]
    year = TODAY.year - 1
    for month, theme, reached in ((3, "depistage_cancers", 40), (10, "depistage_cancers", 60),
                                  (11, "addictions", 20)):
        prevention.save_event(store, COORD, {
            "title": "Action", "theme_code": theme, "format": "stand", "reached": reached,
            "held_on": date(year, month, 10), "commune_code": "45155"}, people=runners)
    filters = prevention.Filters(year)
    assert prevention.summary(store, filters) == {
        "held": 3, "planned": 0, "reached": 120, "communes": 1, "professionals": 2}
    themes = prevention.by_theme(store, filters).set_index("theme")
    assert themes.loc["Dépistage des cancers", ["held", "reached", "professionals"]].tolist() \
        == [2, 100, 2]
    months = prevention.calendar_of(store, filters)
    assert months["held"].tolist() == [0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0]
    assert months["campaigns"][9] == "Octobre rose (cancer du sein)"
    assert prevention.campaign_dates(2026)["semaine_vaccination"] == (date(2026, 4, 20),
                                                                      date(2026, 4, 26))


def test_the_indicators_read_the_events_of_their_fiche_action(store):
    fiche, _ = actions.save_action(store, COORD, {"number": 3, "title": "Prévention"},
                                   missions=["socle_3"])
    year = TODAY.year - 1
    runner = person(store, "Martin")
    prevention.save_event(store, COORD, {
        "title": "Avec fiche", "theme_code": "vaccination", "format": "stand",
        "held_on": date(year, 2, 1), "reached": 30, "action_id": fiche}, people=[runner])
    prevention.save_event(store, COORD, {
        "title": "Sans fiche", "theme_code": "nutrition", "format": "atelier",
        "held_on": date(year, 2, 2), "reached": 12, "commune_code": "45155"})
    start, end = date(year, 1, 1), date(year, 4, 1)
    every, own = {"action_id": None}, {"action_id": fiche}
    assert prevention.events_held(store, every, start, end) == 2
    assert prevention.events_held(store, own, start, end) == 1
    assert prevention.people_reached(store, every, start, end) == 42
    assert prevention.people_reached(store, own, start, end) == 30
    assert prevention.professionals_mobilised(store, every, start, end) == 1
    assert prevention.communes_covered(store, every, start, end) == 1
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "Personnes touchées", "mission_code": "socle_3", "kind": "resultat",
        "period": "quarter", "direction": "higher", "aggregation": "sum",
        "source": "prevention_personnes"})
    values = indicators.values_for_year(store, indicators.get_indicator(store, indicator_id),
                                        year, TODAY)
    assert values["value"].iloc[0] == 42


def test_a_sign_in_sheet_is_checked_by_content(store, tmp_path):
    event_id, _ = prevention.save_event(store, COORD, {
        "title": "Atelier", "theme_code": "nutrition", "format": "atelier", "held_on": TODAY})
    with pytest.raises(PortalError, match="programme"):
        documents.add(store, COORD, tmp_path, "prevention_event", event_id, "emargement.pdf",
                      b"MZ\x90")
    document = documents.add(store, COORD, tmp_path, "prevention_event", event_id,
                             "emargement.pdf", PDF)
    listed = documents.listing(store, "prevention_event", event_id)
    assert listed["filename"].tolist() == ["emargement.pdf"]
    documents.remove(store, COORD, document)
    assert documents.listing(store, "prevention_event", event_id).empty
    document = documents.add(store, COORD, tmp_path, "prevention_event", event_id, "a.pdf", PDF)
    prevention.delete_event(store, COORD, event_id)  # its documents go with it
    assert documents.listing(store, "prevention_event", event_id).empty


def test_the_coordination_records_an_event_and_a_member_reads_only_visible_ones(demo_store):
    at = open_page(logged_in("demo.coordination"), "prevention_event", new=1)
    assert not at.exception
    widget(at.text_input, "Intitulé").set_value("Atelier sommeil")
    widget(at.selectbox, "Thème").set_value("sante_mentale")
    widget(at.number_input, "Personnes touchées (une fois l'événement tenu)").set_value(25)
    widget(at.button, "Enregistrer").click().run()
    assert any("format" in e.lower() for e in shown_errors(at))
    widget(at.selectbox, "Format").set_value("atelier")
    widget(at.button, "Enregistrer").click().run()
    assert not at.exception
    assert toasts(at) == ["Événement enregistré."]
    assert "Atelier sommeil" in texts(at) and "Personnes touchées : 25" in texts(at)
    created = prevention.events(demo_store, prevention.Filters(TODAY.year))
    hidden = created[created["title"] == "Atelier sommeil"].iloc[0]
    prevention.save_event(demo_store, COORD, {
        "title": "Atelier sommeil", "theme_code": "sante_mentale", "format": "atelier",
        "held_on": TODAY, "reached": 25, "visible": False}, int(hidden["id"]))
    member = open_page(logged_in("demo.membre"), "prevention")
    assert not member.exception
    listed = next(t for t in member.dataframe if "Intitulé" in t.value.columns).value
    assert "Atelier sommeil" not in set(listed["Intitulé"]) and len(listed) == 8
    assert not [b for b in member.button if b.label == "Nouvel événement"]
    refused = open_page(logged_in("demo.membre"), "prevention_event", id=int(hidden["id"]))
    assert "Choisissez un événement" in texts(refused)


def test_the_yearly_report_lists_the_prevention_events(demo_store):
    content = report.gather(demo_store, TODAY.year)
    text = docx_text(report.docx(content))
    assert "Événements de prévention" in text
    figures = prevention.summary(demo_store, prevention.Filters(TODAY.year), TODAY)
    assert f"{figures['held']} événements tenus" in text
    assert "Octobre rose : mammographie, parlons-en" in text
    sheet = load_workbook(io.BytesIO(report.xlsx(content)))["Prévention"]
    assert len(list(sheet.values)) == 1 + 8


def test_the_coordination_keeps_its_own_list_of_themes(demo_store):
    at = open_page(logged_in("demo.coordination"), "prevention")
    widget(at.text_input, "Nouveau thème").set_value("Santé bucco-dentaire")
    widget(at.button, "Ajouter le thème").click().run()
    assert toasts(at) == ["Thème ajouté."]
    assert prevention.THEMES.offered(demo_store)["sante_bucco-dentaire"] == \
        "Santé bucco-dentaire"
    used = {r["code"]: r["used"] for r in prevention.THEMES.rows(demo_store)}
    assert used["depistage_cancers"] == 2  # Mars bleu and Octobre rose
    prevention.THEMES.save(demo_store, COORD, {"canicule": {"label": "Canicule",
                                                            "active": False}})
    assert "canicule" not in prevention.THEMES.offered(demo_store)
    member = open_page(logged_in("demo.membre"), "prevention")
    assert not [t for t in member.text_input if t.label == "Nouveau thème"]
