"""Parcours (socle 2): pathways, their actors, protocols with dated adherences, patients
included (counted, never identified), case reviews; the indicators they feed."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest
from openpyxl import load_workbook

from helpers import (
    COORD,
    docx_text,
    logged_in,
    meeting,
    open_page,
    person,
    shown_errors,
    texts,
    toasts,
    unescaped,
    widget,
)
from portal.core import tabular
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import MEMBER, Actor
from portal.meetings import attendance
from portal.missions import pathways, report

TODAY = date.today()


def pathway(store, **values) -> int:
    return pathways.save_pathway(store, COORD, {
        "title": "Insuffisance cardiaque", "pathway_theme": "insuffisance_cardiaque",
        "status": "en_cours", **values})[0]


def test_a_pathway_needs_a_title_and_theme_and_members_come_once(store):
    with pytest.raises(PortalError, match="intitulé") as refused:
        pathways.save_pathway(store, COORD, {"title": " ", "pathway_theme": "autre",
                                             "status": "projet"})
    assert refused.value.field == "title"
    with pytest.raises(PortalError, match="thème"):
        pathways.save_pathway(store, COORD, {"title": "P", "status": "projet"})
    with pytest.raises(PermissionDenied):
        pathways.save_pathway(store, Actor("m", frozenset({MEMBER})), {})
    pathway_id = pathway(store)
    nurse = person(store, "Durand")
    pathways.add_member(store, COORD, pathway_id, nurse, role="Infirmière de suivi")
    with pytest.raises(PortalError, match="Déjà dans ce parcours"):
        pathways.add_member(store, COORD, pathway_id, nurse)
    listed = pathways.members(store, pathway_id)
    assert listed[["name", "what", "role"]].values.tolist() == [
        ["A Durand", "Infirmier", "Infirmière de suivi"]]
    assert pathways.get_pathway(store, pathway_id)["members"] == 1


def test_an_adherence_falls_within_its_protocol_and_a_protocol_cannot_start_after_it(store):
    pathway_id = pathway(store)
    with pytest.raises(PortalError, match="La fin suit le début") as refused:
        pathways.save_protocol(store, COORD, {
            "pathway_id": pathway_id, "title": "Suivi", "kind": "cooperation_nationale",
            "started_on": date(2026, 3, 1), "ended_on": date(2026, 2, 1)})
    assert refused.value.field == "ended_on"
    values = {"pathway_id": pathway_id, "title": "Suivi infirmier",
              "kind": "cooperation_nationale", "started_on": date(2026, 3, 1)}
    protocol = pathways.save_protocol(store, COORD, values)
    doctor, nurse = person(store, "Martin", profession="10"), person(store, "Durand")
    with pytest.raises(PortalError, match="une adhésion ne peut le précéder") as refused:
        pathways.adhere(store, COORD, protocol, doctor, "delegant", date(2026, 2, 28))
    assert refused.value.field == "adhered_on"
    pathways.adhere(store, COORD, protocol, doctor, "delegant", date(2026, 3, 1))
    pathways.adhere(store, COORD, protocol, nurse, "delegue", date(2026, 3, 5))
    with pytest.raises(PortalError, match="adhère déjà"):
        pathways.adhere(store, COORD, protocol, nurse, "delegue", date(2026, 3, 6))
    with pytest.raises(PortalError, match="ne peut commencer après") as refused:
        pathways.save_protocol(store, COORD, {**values, "started_on": date(2026, 3, 2)},
                               protocol)
    assert refused.value.field == "started_on"
    adherents = pathways.protocols(store, pathway_id)[0]["adherents"]
    assert [(a["side"], a["adhered_on"]) for a in adherents] == [
        ("delegant", "2026-03-01"), ("delegue", "2026-03-05")]
    with pytest.raises(PortalError, match="a des protocoles"):
        pathways.delete_pathway(store, COORD, pathway_id)
    pathways.remove_adherent(store, COORD, protocol, nurse)  # recorded by mistake
    assert [a["side"] for a in pathways.protocols(store, pathway_id)[0]["adherents"]] == [
        "delegant"]
    with pytest.raises(PortalError, match="déjà été retirée"):
        pathways.remove_adherent(store, COORD, protocol, nurse)
    pathways.delete_protocol(store, COORD, protocol)
    pathways.delete_pathway(store, COORD, pathway_id)
    assert pathways.get_pathway(store, pathway_id) is None


def test_inclusions_are_counts_per_month_never_negative_nor_ahead(store):
    pathway_id = pathway(store)
    with pytest.raises(PortalError, match="positif ou nul"):
        pathways.set_inclusions(store, COORD, pathway_id, date(2026, 3, 14), -1)
    with pytest.raises(PortalError, match="pas commencé"):
        pathways.set_inclusions(store, COORD, pathway_id, TODAY + timedelta(days=40), 2)
    pathways.set_inclusions(store, COORD, pathway_id, date(2026, 3, 14), 3)
    pathways.set_inclusions(store, COORD, pathway_id, date(2026, 3, 2), 5)  # replaces
    pathways.set_inclusions(store, COORD, pathway_id, date(2026, 4, 1), 2)
    assert pathways.inclusions(store, pathway_id).values.tolist() == [
        ["2026-04-01", 2], ["2026-03-01", 5]]
    first_quarter = (date(2026, 1, 1), date(2026, 4, 1))
    assert pathways.patients_included(store, {}, *first_quarter) == 5


def test_case_reviews_and_coordination_hours_come_from_the_linked_meetings(store):
    pathway_id = pathway(store)
    review = meeting(store, kind="concertation", title="Concertation",
                     day=date(2026, 3, 10), start=time(13), end=time(14, 30))
    present = [person(store, "Martin"), person(store, "Durand")]
    attendance.invite(store, COORD, review, present)
    attendance.record_attendance(store, COORD, review, {
        int(r.id): ("present", None) for r in attendance.attendees(store, review).itertuples()})
    assert review in pathways.meeting_choices(store, pathway_id)
    with pytest.raises(PortalError, match="positif ou nul"):
        pathways.link_meeting(store, COORD, pathway_id, review, -2)
    pathways.link_meeting(store, COORD, pathway_id, review, 6)
    assert review not in pathways.meeting_choices(store, pathway_id)
    listed = pathways.meetings(store, pathway_id).iloc[0]
    assert (listed["cases_reviewed"], listed["hours"], listed["present"]) == (6, 1.5, 2)
    quarter = (date(2026, 1, 1), date(2026, 4, 1))
    assert pathways.cases_reviewed(store, {}, *quarter) == 6
    assert pathways.coordination_hours(store, {}, *quarter) == 3.0  # 2 present × 1 h 30
    assert pathways.active(store, {}, *quarter) == 1
    pathways.unlink_meeting(store, COORD, pathway_id, review)  # linked by mistake
    assert pathways.meetings(store, pathway_id).empty
    assert pathways.cases_reviewed(store, {}, *quarter) == 0


def test_the_coordination_creates_a_pathway_and_a_member_reads_the_visible_ones(demo_store):
    at = open_page(logged_in("demo.coordination"), "pathway", new=1)
    assert not at.exception
    widget(at.text_input, "Intitulé").set_value("Plaies chroniques")
    widget(at.button, "Enregistrer").click().run()
    assert any("thème" in e for e in shown_errors(at))
    widget(at.selectbox, "Thème").set_value("plaies_chroniques")
    widget(at.button, "Enregistrer").click().run()
    assert not at.exception
    assert toasts(at) == ["Parcours enregistré."]
    assert "Plaies chroniques" in texts(at)
    listed = open_page(logged_in("demo.membre"), "pathways")
    grid = next(t for t in listed.dataframe if "Parcours" in t.value.columns).value
    assert "Plaies chroniques" in set(grid["Parcours"]) and len(grid) == 3
    assert not [b for b in listed.button if b.label == "Nouveau parcours"]
    heart = open_page(logged_in("demo.membre"), "pathway", id=1)
    assert not heart.exception
    assert "Suivi infirmier de l'insuffisance cardiaque" in texts(heart)
    assert not [b for b in heart.button if b.label == "Enregistrer l'adhésion"]


def test_the_yearly_report_lists_the_pathways_with_the_years_figures(demo_store):
    content = report.gather(demo_store, TODAY.year)
    text = docx_text(report.docx(content))
    assert "Parcours pluriprofessionnels" in text
    heart = pathways.for_year(demo_store, TODAY.year).set_index("id").loc[1]
    assert heart["protocols"] == 1 and heart["adherents"] == 2 and heart["included"] > 0
    assert "Insuffisance cardiaque : le retour à domicile après une hospitalisation" in text
    sheet = load_workbook(io.BytesIO(report.xlsx(content)))["Parcours"]
    assert [row[0] for row in sheet.values][1:] == content.pathways["title"].tolist()


def test_inclusions_are_imported_from_a_spreadsheet_all_or_nothing(store):
    pathway_id = pathway(store)
    good = tabular.read(b"Mois;Patients inclus\n01/2026;3\n2026-02;4\n15/03/2026;2\n"
, "inclusions.csv")
    mapping = tabular.guess_mapping(list(good.frame.columns), pathways.INCLUSION_COLUMNS)
    assert mapping == {"month": "Mois", "count": "Patients inclus"}
    bad = tabular.read(b"Mois;Patients inclus\n04/2026;2\n13/2026;1\n05/2026;-1\n",
                       "inclusions.csv")
    report = pathways.import_inclusions(store, COORD, pathway_id, bad, mapping)
    negative = "Ligne 4 : Nombre de patients « -1 » : un nombre entier positif ou nul."
    assert report.errors == ["Ligne 3 : Mois « 13/2026 » inexistant.", negative]
    assert pathways.inclusions(store, pathway_id).empty  # nothing of the bad file
    assert pathways.import_inclusions(store, COORD, pathway_id, good, mapping).created == 3
    assert pathways.inclusions(store, pathway_id)["count"].tolist() == [2, 4, 3]
    with pytest.raises(PortalError, match="colonne du mois"):
        pathways.import_inclusions(store, COORD, pathway_id, good, {"month": "Mois"})


def test_a_protocol_beside_any_pathway_is_kept_on_the_pathways_page(demo_store):
    at = open_page(logged_in("demo.coordination"), "pathways")
    assert "Aucun protocole hors parcours." in texts(at)
    widget(at.text_input, "Intitulé du protocole").set_value("Vaccination par l'infirmier")
    widget(at.button, "Créer le protocole").click().run()
    assert toasts(at) == ["Protocole créé."]
    beside = pathways.protocols(demo_store, None)
    assert [p["title"] for p in beside] == ["Vaccination par l'infirmier"]
    assert "Vaccination par l'infirmier" in texts(at)


def test_a_theme_typed_with_markdown_reads_as_typed(demo_store):
    pathways.THEMES.save(demo_store, COORD, {"insuffisance_cardiaque": {
        "label": "*Cœur* [lien](http://x.fr)", "active": True}})
    at = open_page(logged_in("demo.coordination"), "pathway", id=1)
    caption = next(c.value for c in at.caption if "Cœur" in c.value)
    assert unescaped(caption).startswith("*Cœur* [lien](http://x.fr) · En cours")
    assert caption.startswith("\\*Cœur\\*")
