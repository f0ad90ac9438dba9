"""The yearly activity report: open the Word and Excel files and check the figures."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from helpers import logged_in, meeting, open_page, person, texts, widget
from portal.admin import demo
from portal.association import memberships
from portal.core import exports
from portal.core.roles import COORDINATOR, TREASURER, Actor
from portal.meetings import attendance
from portal.missions import actions, evidence, indicators, report

COORD = Actor("coord", frozenset({COORDINATOR}))
TODAY = date(2026, 3, 10)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def year_2025(store, env):
    """Two actions, three indicators valued over 2025, one supporting document."""
    actions.save_action(store, COORD, {"number": 1, "title": "Accès au médecin traitant",
                                       "status": "en_cours", "progress": 60},
                        missions=["socle_1"])
    actions.save_action(store, COORD, {"number": 2, "title": "Plan de crise",
                                       "status": "realisee", "progress": 100},
                        missions=["socle_4"])
    helped, _ = indicators.save_indicator(store, COORD, {
        "name": "Patients aidés", "mission_code": "socle_1", "kind": "resultat",
        "unit": "patients", "period": "quarter", "target": 200, "direction": "higher"})
    for month, value in ((1, 40), (4, 50), (7, 45), (10, 55)):
        indicators.record_value(store, COORD, helped, date(2025, month, 1), value)
    rate, _ = indicators.save_indicator(store, COORD, {
        "name": "SNP sous 24 h", "mission_code": "socle_1", "kind": "resultat", "unit": "%",
        "period": "quarter", "target": 90, "direction": "higher", "aggregation": "mean"})
    for month, value in ((1, 80), (4, 60)):  # two quarters left without a value
        indicators.record_value(store, COORD, rate, date(2025, month, 1), value)
    plan, _ = indicators.save_indicator(store, COORD, {
        "name": "Plan transmis", "mission_code": "socle_4", "kind": "moyens", "period": "year",
        "target": 1, "direction": "higher", "aggregation": "last"})
    indicators.record_value(store, COORD, plan, date(2025, 6, 1), 1)
    evidence.add(store, COORD, env.files_dir, plan, "accuse-ars.pdf", PDF, date(2025, 6, 1))
    evidence.add(store, COORD, env.files_dir, plan, "autre-annee.pdf", PDF + b" ",
                 date(2024, 6, 1))
    return store


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_word_report_holds_actions_indicators_charts_and_documents(year_2025):
    content = report.gather(year_2025, 2025, TODAY)
    document = Document(io.BytesIO(report.docx(content)))
    tables = [rows(t) for t in document.tables]
    indicator_rows = {r[0]: r[1:] for t in tables if t[0][:2] == ["Indicateur", "Objectif annuel"]
                      for r in t[1:]}
    assert indicator_rows["Patients aidés (patients)"] == ["200", "190", "200", "-10",
                                                           "À surveiller"]
    assert indicator_rows["SNP sous 24 h (%)"] == ["90", "70", "90", "-20", "En retard"]
    assert indicator_rows["Plan transmis"] == ["1", "1", "1", "0", "En bonne voie"]
    assert ["1", "Accès au médecin traitant", "En cours", "60 %"] in [
        r for t in tables for r in t]
    assert tables[-1] == [["Indicateur", "Document", "Période", "Déposé le"],
                          ["Plan transmis", "accuse-ars.pdf", "01/01/2025",
                           tables[-1][1][3]]]
    assert len(document.inline_shapes) == 1 + 3  # the summary chart, one per indicator
    text = "\n".join(p.text for p in document.paragraphs)
    assert "3 indicateurs : 1 en bonne voie, 1 à surveiller, 1 en retard." in text


def test_excel_report_holds_the_same_figures(year_2025):
    workbook = openpyxl.load_workbook(io.BytesIO(report.xlsx(report.gather(year_2025, 2025,
                                                                           TODAY))))
    assert workbook.sheetnames == ["Indicateurs", "Actions", "Valeurs par période",
                                   "Réunions par mission", "Parcours", "Prévention",
                                   "Utilisation des fonds",
                                   "Pièces justificatives", "Graphiques"]
    sheet = list(workbook["Indicateurs"].iter_rows(values_only=True))
    header = sheet[0]
    helped = dict(zip(header, next(r for r in sheet if r[1] == "Patients aidés")))
    assert (helped["Réalisé"], helped["Attendu"], helped["Écart"], helped["État"]) == (
        190, 200, -10, "À surveiller")
    snp = dict(zip(header, next(r for r in sheet if r[1] == "SNP sous 24 h")))
    assert (snp["Réalisé"], snp["Périodes sans valeur"]) == (70, 2)
    values = list(workbook["Valeurs par période"].iter_rows(values_only=True))
    assert len(values) == 1 + 4 + 4 + 1  # header, two quarterly indicators, one yearly
    assert ("Accès aux soins", "Patients aidés", "T3 2025", 45, 135, 150, None) in values
    documents = list(workbook["Pièces justificatives"].iter_rows(values_only=True))
    assert [d[2] for d in documents[1:]] == ["accuse-ars.pdf"]
    assert documents[1][3] == "01/01/2025"  # dates as French people write them
    assert len(workbook["Graphiques"]._images) == 4
    # One row per action, its missions in a column; columns as wide as their content.
    sheet = workbook["Actions"]
    listed = list(sheet.iter_rows(values_only=True))
    assert [r[:3] for r in listed[1:]] == [(1, "Accès au médecin traitant", "Accès aux soins"),
                                           (2, "Plan de crise", "Crises sanitaires graves")]
    assert sheet.column_dimensions["B"].width == len("Accès au médecin traitant") + 2


def test_word_report_tells_the_years_story_per_mission(year_2025):
    action = actions.list_actions(year_2025)["id"].iloc[0]
    actions.save_action(year_2025, COORD, {
        "number": 1, "title": "Accès au médecin traitant", "status": "en_cours",
        "progress": 60, "objectives": "Trouver un médecin aux patients fragiles",
        "description": "Une file d'attente partagée", "results": "42 patients orientés"},
        int(action), missions=["socle_1", "complementaire_1"])
    helped = int(indicators.list_indicators(year_2025, "socle_1")["id"].iloc[0])
    indicators.record_value(year_2025, COORD, helped, date(2025, 4, 1), 50,
                            "Deux généralistes de plus")
    meeting_id = meeting(year_2025, missions=["socle_1"], day=date(2025, 5, 12))
    attendance.invite(year_2025, COORD, meeting_id, [person(year_2025, "Martin"),
                                                     person(year_2025, "Roux", member=False)])
    attendance.record_attendance(year_2025, COORD, meeting_id, {
        int(i): ("present", None) for i in attendance.attendees(year_2025, meeting_id)["id"]})
    memberships.set_fee(year_2025, COORD, "liberaux", 2025, 1000)
    for name in ("Lucas", "Perrin"):
        memberships.add_membership(year_2025, COORD, 2025, "liberaux",
                                   person_id=person(year_2025, name, member=False))
    paid = memberships.members(year_2025, memberships.Filters(2025))["id"].iloc[0]
    memberships.record_payment(year_2025, Actor("t", frozenset({TREASURER})), int(paid),
                               date(2025, 2, 1), 1000, "cheque")
    document = Document(io.BytesIO(report.docx(report.gather(year_2025, 2025, TODAY))))
    text = "\n".join(p.text for p in document.paragraphs)
    for said in ("Trouver un médecin aux patients fragiles", "Une file d'attente partagée",
                 "42 patients orientés", "2 adhérents en 2025, dont 1 à jour de cotisation",
                 "1 réunion (2 h), 2 professionnels présents, 4 heures de présence",
                 "Mission non retenue dans le contrat"):
        assert said in text, said
    colleges = next(rows(t) for t in document.tables if rows(t)[0][0] == "Collège")
    assert colleges[1] == ["Professionnels de santé libéraux", "2", "1"] and len(colleges) == 6
    comments = [rows(t) for t in document.tables if rows(t)[0] == ["Indicateur", "Période",
                                                                   "Commentaire"]]
    assert comments == [[["Indicateur", "Période", "Commentaire"],
                         ["Patients aidés", "T2 2025", "Deux généralistes de plus"]]]


def test_word_tables_keep_their_header_and_their_words_whole(year_2025):
    document = Document(io.BytesIO(report.docx(report.gather(year_2025, 2025, TODAY))))
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header.find(qn("w:tblHeader")) is not None  # repeated on each page
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
        for column in table.columns:
            longest = max(len(w) for c in column.cells for w in c.text.split() or [""])
            assert column.width >= Cm(longest * exports.CHAR_CM)  # no word broken


def test_report_command_writes_both_files(year_2025, env, tmp_path):
    out = tmp_path / "rapport"
    done = subprocess.run([sys.executable, "-m", "portal", "report", "--year", "2025",
                           "--output", str(out)], cwd=Path(__file__).resolve().parent.parent,
                          text=True, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "3 indicateurs, 1 pièces justificatives" in done.stdout
    assert Document(out / "rapport-activite-2025.docx").tables
    assert openpyxl.load_workbook(out / "rapport-activite-2025.xlsx")["Actions"].max_row == 3


def test_report_page_offers_both_files(demo_store):
    at = open_page(logged_in("demo.bureau"), "report")
    assert not at.exception
    count = len(demo.missions.INDICATORS)
    assert f"{count} indicateur(s), 0 pièce(s) justificative(s)" in texts(at)
    assert not at.get("download_button")
    widget(at.button, "Préparer le rapport").click()
    at.run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["Rapport (Word)",
                                                            "Chiffres (Excel)"]
