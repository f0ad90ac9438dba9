"""Fiches action: rules, links, referents, the Word export, pages."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from helpers import logged_in, open_page, shown_errors, texts, widget
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import BUREAU, COORDINATOR, Actor
from portal.directory import persons
from portal.missions import actions

COORD = Actor("coord", frozenset({COORDINATOR}))


def action(store, number=1, title="Soins non programmés", missions=("socle_1",), **values):
    extra = {k: values.pop(k) for k in ("referents", "partners", "links") if k in values}
    action_id, _ = actions.save_action(store, COORD, {"number": number, "title": title,
                                                      **values}, missions=missions, **extra)
    return action_id


def test_rules_of_a_fiche(store):
    action(store)
    for values, field in (({"number": 1}, "number"), ({"number": 0}, "number"),
                          ({"number": 2, "title": " "}, "title"),
                          ({"number": 2, "progress": 120}, "progress"),
                          ({"number": 2, "start_on": date(2026, 5, 1),
                            "end_on": date(2026, 4, 1)}, "end_on")):
        with pytest.raises(PortalError) as error:
            actions.save_action(store, COORD, {"title": "X", **values}, missions=["socle_1"])
        assert error.value.field == field, values
    with pytest.raises(PortalError) as error:
        actions.save_action(store, COORD, {"number": 3, "title": "X"}, missions=[])
    assert error.value.field == "missions"
    with pytest.raises(PermissionDenied):
        actions.save_action(store, Actor("b", frozenset({BUREAU})), {"number": 4, "title": "X"},
                            missions=["socle_1"])


def test_links_partners_referents_and_missions_filter(store):
    person_id, _ = persons.save_person(store, COORD, {"last_name": "Roux", "first_name": "Léa",
                                                      "civility": "Dr"})
    first = action(store, 1, partners=["ARS", "SAS"], referents=[person_id])
    second = action(store, 2, "Parcours", missions=("socle_2", "socle_3"), links=[first])
    saved = actions.get_action(store, second)
    assert [a["number"] for a in saved["links"]] == [1]
    assert [m["code"] for m in saved["missions"]] == ["socle_2", "socle_3"]
    assert actions.get_action(store, first)["partners"] == ["ARS", "SAS"]
    assert list(actions.list_actions(store, "socle_3")["number"]) == [2]
    assert list(actions.list_actions(store, status="projet")["number"]) == [1, 2]
    rows = dict(actions.fiche_rows(actions.get_action(store, first)))
    assert rows["Personnes référentes de l'action"] == "Dr Léa Roux"
    assert rows["Partenaires"] == "ARS\nSAS"


def test_a_merged_referent_moves_to_the_record_kept(store):
    keep, _ = persons.save_person(store, COORD, {"last_name": "Roux", "first_name": "Léa"})
    drop, _ = persons.save_person(store, COORD, {"last_name": "ROUX", "first_name": "lea"})
    action_id = action(store, referents=[drop])
    persons.merge_people(store, COORD, keep, drop)
    assert [r["id"] for r in actions.get_action(store, action_id)["referents"]] == [keep]


def test_changes_are_audited_field_by_field(store):
    action_id = action(store)
    current = actions.get_action(store, action_id)
    actions.save_action(store, COORD, {**current, "status": "en_cours", "progress": 30},
                        action_id, missions=["socle_1"])
    update = store.query_one("SELECT before, after FROM audit_log WHERE entity = 'action'"
                             " AND action = 'update'")
    assert update["before"] == '{"progress": 0, "status": "projet"}'
    assert update["after"] == '{"progress": 30, "status": "en_cours"}'


def test_word_export_has_one_fiche_per_action_laid_out_like_the_fiche(store):
    ids = [action(store, 1, context="Les urgences débordent."),
           action(store, 2, "Prévention", missions=("socle_3",), start_on="2026-01-01")]
    document = Document(io.BytesIO(actions.fiches_docx(store, ids, "CPTS test")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Action n°1 : Soins non programmés", "Action n°2 : Prévention"]
    first = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert first["Mission(s) ACI"] == "Accès aux soins"
    assert first["Contexte de l'action"] == "Les urgences débordent."
    assert first["Statut"] == "En projet — avancement 0 %"
    second = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows}
    assert second["Calendrier prévisionnel"] == "À partir du 01/01/2026"


def test_demo_carries_the_seven_actions_of_the_health_project(demo_store):
    frame = actions.list_actions(demo_store)
    assert list(frame["number"]) == [1, 2, 3, 4, 5, 6, 7]
    assert frame.iloc[2]["title"] == "Organisation de la réponse aux soins non programmés"


def test_coordinator_creates_an_action_from_the_page(demo_store):
    at = open_page(logged_in("demo.coordination"), "action", new=1)
    widget(at.text_input, "Intitulé").input("Accueil des internes")
    widget(at.button, "Enregistrer").click()
    at.run()
    assert "Rattachez l'action à au moins une mission." in shown_errors(at)
    widget(at.multiselect, "Mission(s) ACI").select("complementaire_2")
    widget(at.button, "Enregistrer").click()
    at.run()
    assert not at.exception
    assert actions.list_actions(demo_store).iloc[-1]["title"] == "Accueil des internes"


def test_members_read_fiches_without_editing(demo_store):
    at = open_page(logged_in("demo.membre"), "actions")
    assert not [b for b in at.button if b.label == "Nouvelle action"]
    assert len(at.dataframe[0].value) == 7
    at = open_page(at, "action", id=3)
    assert at.title[0].value.startswith("Action n°3")
    assert "Une réponse dans les 24 heures" in texts(at)
    assert not [e for e in at.expander if e.label == "Modifier la fiche"]
    mission_page = open_page(at, "missions")
    assert not mission_page.exception
