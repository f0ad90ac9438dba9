"""Socle 4, the crisis plan (SSE): yearly versions started from the one before, frozen once
validated, sent only after validation; its organisation and alert chain read from the
directory; what changed between two versions; the Word plan, the phone tree, the crisis
directory; the reminders and indicators."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import vobject
from dateutil.relativedelta import relativedelta

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
from portal.core.roles import BUREAU, Actor
from portal.directory import persons
from portal.missions import crisis_papers, indicators
from portal.missions import crisis_plan as plan

TODAY = date.today()


def test_the_first_version_has_five_empty_fiches_and_only_editors_write(store):
    with pytest.raises(PermissionDenied):
        plan.create_plan(store, Actor("b", frozenset({BUREAU})), 2026)
    plan_id = plan.create_plan(store, COORD, 2026)
    assert list(plan.fiches(store, plan_id)) == list(plan.CRISIS_TYPES)
    assert plan.get_plan(store, plan_id)["status"] == "brouillon"
    with pytest.raises(PortalError, match="version suivante"):
        plan.create_plan(store, COORD, 2027)


def test_a_version_is_sent_only_once_validated_and_is_then_frozen(store):
    plan_id = plan.create_plan(store, COORD, 2026)
    with pytest.raises(PortalError, match="avant d'être validée") as refused:
        plan.record_follow_up(store, COORD, plan_id, {"sent_ars_on": TODAY})
    assert refused.value.field == "sent_ars_on"
    with pytest.raises(PortalError, match="qui a validé") as refused:
        plan.validate(store, COORD, plan_id, " ", TODAY)
    assert refused.value.field == "validated_by"
    with pytest.raises(PortalError, match="futur"):
        plan.validate(store, COORD, plan_id, "CA", TODAY + timedelta(days=1))
    plan.validate(store, COORD, plan_id, "Conseil d'administration", TODAY)
    version = plan.get_plan(store, plan_id)
    assert version["next_review_on"] == (TODAY + relativedelta(years=1)).isoformat()
    with pytest.raises(PortalError, match="validée le"):
        plan.record_follow_up(store, COORD, plan_id,
                              {"sent_ars_on": TODAY - timedelta(days=1)})
    for write in (lambda: plan.save_texts(store, COORD, plan_id, {"contexte": "Autre"}),
                  lambda: plan.save_fiche(store, COORD, plan_id, "nrbc", {"actions": "X"}),
                  lambda: plan.save_contact(store, COORD, plan_id,
                                            {"role": "externe", "name": "SDIS 45"})):
        with pytest.raises(PortalError, match="est validée"):
            write()
    # A validation typed by mistake goes back to a draft, until the plan was sent.
    plan.reopen(store, COORD, plan_id)
    plan.validate(store, COORD, plan_id, "CA", TODAY)
    plan.record_follow_up(store, COORD, plan_id, {"sent_ars_on": TODAY,
                                                  "sent_cpam_on": TODAY})
    with pytest.raises(PortalError, match="envoyée à l'ARS"):
        plan.reopen(store, COORD, plan_id)
    assert plan.not_sent(store) == []
    audit = store.query("SELECT action FROM audit_log WHERE entity = 'crisis_plan'"
                        " AND entity_id = ?", (str(plan_id),))
    assert [r["action"] for r in audit] == ["create", "validate", "reopen", "validate",
                                            "update"]


def _plan_with_chain(store) -> tuple[int, int, int]:
    referent, nurse = person(store, "Martin"), person(store, "Durand")
    plan_id = plan.create_plan(store, COORD, TODAY.year - 1)
    first = plan.save_contact(store, COORD, plan_id, {"role": "referent", "person_id": referent,
                                                      "alert_rank": 1})
    plan.save_contact(store, COORD, plan_id, {
        "role": "externe", "name": "SDIS 45", "phone": "02 38 52 10 00",
        "function": "Pompiers", "alert_rank": 2, "called_by": first})
    plan.save_resource(store, COORD, plan_id, {"kind": "professionnel", "person_id": nurse})
    plan.save_resource(store, COORD, plan_id, {"kind": "materiel", "label": "Masques FFP2",
                                               "quantity": 500})
    plan.save_texts(store, COORD, plan_id, {"contexte": "Territoire rural le long de la Loire."})
    plan.save_fiche(store, COORD, plan_id, "nrbc", {"actions": "Confiner les patients."})
    return plan_id, referent, nurse


def test_the_alert_chain_refuses_a_caller_after_the_called_and_a_second_referent(store):
    plan_id, referent, _ = _plan_with_chain(store)
    chain = plan.alert_chain(store, plan_id)
    assert chain["name"].tolist() == ["A Martin", "SDIS 45"]
    assert chain["caller"].tolist()[1] == "A Martin"
    first = int(chain["id"][0])
    for values, message, field in (
            ({"role": "referent", "name": "Autre"}, "déjà son référent", "who"),
            ({"role": "cellule", "person_id": referent}, "déjà dans le plan", "who"),
            ({"role": "cellule", "name": "X", "called_by": first}, "rang", "alert_rank"),
            ({"role": "cellule", "name": "X", "alert_rank": 1, "called_by": first},
             "le précéder", "called_by"),
            ({"role": "cellule"}, "un seul des trois", "who"),
            ({"role": "externe", "name": "X", "phone": "12"}, "téléphone invalide", "phone")):
        with pytest.raises(PortalError, match=message) as refused:
            plan.save_contact(store, COORD, plan_id, values)
        assert refused.value.field == field
    # The référent called the SDIS: moving him after it is refused.
    with pytest.raises(PortalError, match="placés avant lui"):
        plan.save_contact(store, COORD, plan_id, {"role": "referent", "person_id": referent,
                                                  "alert_rank": 3}, first)
    assert len(plan.contacts(store, plan_id)) == 2


def test_a_phone_changed_in_the_directory_is_the_plans(store):
    plan_id, referent, _ = _plan_with_chain(store)
    persons.save_person(store, COORD, {**persons.get_person(store, referent),
                                       "phone": "06 12 34 56 78"}, referent)
    frame = crisis_papers.directory_frame(store, plan_id)
    assert frame["Téléphone"].tolist() == ["06 12 34 56 78", "02 38 52 10 00"]
    cards = list(vobject.readComponents(
        io.StringIO(crisis_papers.directory_vcards(store, plan_id).decode())))
    assert [c.tel.value for c in cards] == ["06 12 34 56 78", "02 38 52 10 00"]


def test_the_next_version_copies_the_plan_and_says_what_changed(store):
    plan_id, _, nurse = _plan_with_chain(store)
    plan.add_training(store, COORD, plan_id, {"title": "Formation ORSAN",
                                              "held_on": TODAY, "participants": 12})
    new_id = plan.start_next(store, COORD, plan_id)
    with pytest.raises(PortalError, match="partez de la dernière"):
        plan.start_next(store, COORD, plan_id)
    assert plan.differences(store, plan_id, new_id).empty
    copied = plan.alert_chain(store, new_id)
    assert copied["caller"].tolist() == [None, "A Martin"]
    assert set(copied["id"]).isdisjoint(plan.alert_chain(store, plan_id)["id"])
    assert plan.trainings(store, new_id).empty          # trainings stay in their year
    plan.save_fiche(store, COORD, new_id, "nrbc",
                    {"actions": "Confiner les patients.\nPrévenir le SAMU."})
    resource = int(plan.resources(store, new_id, "professionnel")["id"][0])
    plan.remove_resource(store, COORD, new_id, resource)
    changes = plan.differences(store, plan_id, new_id)
    assert changes.values.tolist() == [
        ["Fiche réflexe : Risque NRBC (nucléaire, radiologique, biologique, chimique)",
         "Actions", "", "Prévenir le SAMU."],
        ["Ressources", "Professionnel mobilisable : A Durand", "(présent)", "(retiré)"]]
    # The old version is untouched.
    assert plan.fiches(store, plan_id)["nrbc"]["actions"] == "Confiner les patients."
    assert len(plan.resources(store, plan_id)) == 2
    _, paper = crisis_papers.plan_docx(store, new_id)
    text = docx_text(paper)
    assert "Prévenir le SAMU." in text and "PROJET" in text and "SDIS 45" in text
    assert "nan" not in text.split() and "None" not in text   # blank commune, e-mail
    assert "02 38 52 10 00" in docx_text(crisis_papers.phone_tree_docx(store, new_id))
    # A draft started by mistake goes; the version it came from stays.
    plan.delete_draft(store, COORD, new_id)
    assert plan.versions(store)["year"].tolist() == [TODAY.year - 1]
    assert nurse in plan.resources(store, plan_id)["person_id"].tolist()


def test_the_census_counts_professionals_by_profession_and_refuses_bad_resources(store):
    plan_id = plan.create_plan(store, COORD, 2026)
    for name, profession in (("Martin", "60"), ("Durand", "60"), ("Petit", "21")):
        plan.save_resource(store, COORD, plan_id, {"kind": "professionnel",
                                                   "person_id": person(store, name,
                                                                       profession)})
    assert dict(zip(*plan.census(store, plan_id).T.values)) == {"Infirmier": 2,
                                                                "Pharmacien": 1}
    for values, message in (({"kind": "professionnel"}, "annuaire"),
                            ({"kind": "lieu"}, "nommez le lieu"),
                            ({"kind": "materiel", "label": "Gants", "quantity": -1},
                             "positive"),
                            ({"kind": "vehicule"}, "type")):
        with pytest.raises(PortalError, match=message):
            plan.save_resource(store, COORD, plan_id, values)


def test_the_home_reminders_and_the_indicators(store):
    assert plan.review_due(store, TODAY) is None
    plan_id = plan.create_plan(store, COORD, TODAY.year - 1)
    plan.validate(store, COORD, plan_id, "CA", TODAY - timedelta(days=320))
    assert plan.not_sent(store) == [TODAY.year - 1]
    due = plan.review_due(store, TODAY)
    assert due["due"] == TODAY - timedelta(days=320) + relativedelta(years=1)
    assert not due["late"] and due["draft_year"] is None
    assert plan.review_due(store, TODAY - timedelta(days=30)) is None
    plan.start_next(store, COORD, plan_id)
    assert plan.review_due(store, TODAY)["draft_year"] == TODAY.year
    plan.record_follow_up(store, COORD, plan_id, {"sent_ars_on": TODAY})
    assert plan.not_sent(store) == []
    sent = indicators.SOURCES["plan_sse_transmis"].compute
    assert sent(store, {}, TODAY, TODAY + timedelta(days=1)) == 1
    assert sent(store, {}, TODAY - timedelta(days=1), TODAY) == 0


def test_the_coordination_changes_a_fiche_of_the_draft_and_sees_it_among_the_changes(
        demo_store):
    at = open_page(logged_in("demo.coordination"), "crisis_plan")
    assert not at.exception and not at.error
    assert at.selectbox(key="crisis_version").value == plan.versions(demo_store)["id"][0]
    assert f"Version {TODAY.year} : brouillon." in texts(at)
    changes = at.dataframe[-1].value
    assert changes.iloc[0].tolist()[:2] == [
        f"Fiche réflexe : {plan.CRISIS_TYPES['epidemie_climat']}", "Actions"]
    assert changes.iloc[0, 3] == "Ouvrir une salle rafraîchie à Gien avec la mairie."
    at.selectbox(key="crisis_fiche_type").set_value("nrbc").run()
    area = widget(at.text_area, "Actions")
    area.input(area.value + "\nFermer les cabinets exposés.")
    next(b for b in at.button if b.label == "Enregistrer la fiche").click().run()
    assert toasts(at) == [f"Fiche réflexe « {plan.CRISIS_TYPES['nrbc']} » enregistrée."]
    assert "Fermer les cabinets exposés." in at.dataframe[-1].value.iloc[:, 3].tolist()
    draft_id = int(plan.versions(demo_store)["id"][0])
    assert plan.fiches(demo_store, draft_id)["nrbc"]["actions"].endswith(
        "Fermer les cabinets exposés.")
    # Last year's version was sent: its follow-up refuses a date before its validation.
    at.selectbox(key="crisis_version").set_value(int(plan.versions(demo_store)["id"][1])).run()
    widget(at.date_input, "Échangée avec l'ARS le").set_value(date(TODAY.year - 2, 1, 1))
    next(b for b in at.button if b.label == "Enregistrer les dates").click().run()
    refusal = (f"Elle a été validée le 10/03/{TODAY.year - 1} : elle ne peut avoir été "
               "échangée avec l'ARS avant.")
    assert shown_errors(at) == [refusal]


def test_the_bureau_reads_the_plan_and_the_home_page_says_the_update_is_late(demo_store):
    at = logged_in("demo.bureau")
    assert "La mise à jour annuelle du plan de crise (SSE) est en retard depuis le 10/03/" \
        in texts(at)
    open_page(at, "crisis_plan")
    assert not at.exception and not at.error
    assert "Le suivi de la version est tenu par la coordination." in texts(at)
    assert not [b for b in at.button if b.label in ("Valider la version", "Ajouter au plan")]
    assert all(area.disabled for area in at.text_area)


def test_a_merged_card_keeps_its_place_in_the_plan(store):
    plan_id, referent, _ = _plan_with_chain(store)
    twin = person(store, "Martin-Bis")
    persons.merge_people(store, COORD, twin, referent)
    chain = plan.alert_chain(store, plan_id)
    assert chain["person_id"].tolist()[0] == twin and chain["caller"].tolist()[1] == "A Martin-Bis"
