"""Financement ACI: the amounts due per part and mission, the payments received, the other
spending, and how the funds were used (with the validated statements' indemnities), in
the yearly report."""

from __future__ import annotations

import io
from datetime import date, timedelta

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
    toasts,
    widget,
)
from portal.admin.demo.association import CONTRACT
from portal.association import funding
from portal.association import indemnities as ind
from portal.core.errors import PermissionDenied, PortalError
from portal.core.formats import euros
from portal.core.roles import TREASURER, Actor
from portal.meetings import attendance
from portal.missions import report

TREASURY = Actor("tresorier", frozenset({TREASURER}))


def test_an_amount_due_is_one_per_part_and_mission_a_retyped_one_replaces_it(store):
    with pytest.raises(PortalError, match="n'a pas de mission") as refused:
        funding.set_expected(store, COORD, 2026, "fonctionnement", "socle_1", 100)
    assert refused.value.field == "mission"
    with pytest.raises(PortalError, match="en a une"):
        funding.set_expected(store, COORD, 2026, "variable", None, 100)
    with pytest.raises(PortalError, match="positif ou nul"):
        funding.set_expected(store, COORD, 2026, "fixe", "socle_1", -1)
    funding.set_expected(store, COORD, 2026, "fonctionnement", None, 6_500_000)
    funding.set_expected(store, COORD, 2026, "fixe", "socle_1", 2_000_000)
    funding.set_expected(store, COORD, 2026, "fixe", "socle_1", 2_500_000)  # replaces
    listed = funding.expected(store, 2026)
    assert listed[["part", "mission_code", "expected_cents"]].values.tolist() == [
        ["fonctionnement", None, 6_500_000], ["fixe", "socle_1", 2_500_000]]
    funding.remove_expected(store, COORD, int(listed["id"].iloc[1]))
    assert len(funding.expected(store, 2026)) == 1


def test_payments_received_are_the_treasurys_dated_and_positive(store):
    with pytest.raises(PermissionDenied):
        funding.record_payment(store, COORD, 2026, date(2026, 5, 20), 100, "Avance")
    for day, cents, label, message in (
            (None, 100, "Avance", "date du versement"),
            (date.today() + timedelta(days=1), 100, "Avance", "futur"),
            (date(2026, 5, 20), 0, "Avance", "montant positif"),
            (date(2026, 5, 20), 100, " ", "ce que ce versement paie")):
        with pytest.raises(PortalError, match=message):
            funding.record_payment(store, TREASURY, 2026, day, cents, label)
    funding.record_payment(store, TREASURY, 2026, date(2026, 5, 20), 10_800_000, "Avance")
    assert funding.received(store, 2026) == 10_800_000
    assert funding.received(store, 2025) == 0


def test_the_use_of_funds_counts_validated_indemnities_and_spending_per_mission(store):
    ind.add_rate(store, TREASURY, "reunion", 6000, date(2026, 1, 1))
    doctor = person(store, "Martin")
    held = meeting(store, missions=["socle_2"])
    attendance.invite(store, COORD, held, [doctor])
    attendance.record_attendance(store, COORD, held, {
        int(attendance.attendees(store, held)["id"].iloc[0]): ("present", None)})
    ind.prepare(store, COORD, date(2026, 1, 1), date(2026, 12, 31))
    uses = funding.use_of_funds(store, 2026).set_index("mission_code", drop=False)
    assert uses["indemnities_cents"].sum() == 0  # prepared, not validated yet
    ind.validate(store, TREASURY, int(ind.statements(store, 2026)["id"].iloc[0]))
    funding.add_spending(store, COORD, 2026, None, "Salaire de la coordinatrice", 2_400_000,
                         date(2026, 6, 30))
    with pytest.raises(PortalError, match="Indiquez la dépense"):
        funding.add_spending(store, COORD, 2026, None, "", 100, date(2026, 6, 30))
    funding.set_expected(store, COORD, 2026, "variable", "socle_2", 1_750_000)
    uses = funding.use_of_funds(store, 2026)
    assert uses["mission"].iloc[0] == funding.RUNNING and len(uses) == 7  # every mission
    running, parcours = uses.iloc[0], uses.set_index("mission_code").loc["socle_2"]
    assert (running["spending_cents"], running["indemnities_cents"]) == (2_400_000, 0)
    assert (parcours["indemnities_cents"], parcours["variable_cents"]) == (12000, 1_750_000)
    frame = report.funds_frame(uses)
    assert frame.iloc[-1].tolist() == ["Total", 0, 1_750_000, 12000, 2_400_000, 2_412_000]


def test_the_yearly_report_holds_the_means_and_use_of_funds(demo_store):
    year = date.today().year - 1
    content = report.gather(demo_store, year)
    text = docx_text(report.docx(content))
    assert "Moyens et utilisation des fonds" in text
    due = sum(euros_due for _, _, euros_due in CONTRACT) * 100
    assert f"Financement ACI attendu : {euros(due)} ; reçu : {euros(due)}" in text
    sheet = load_workbook(io.BytesIO(report.xlsx(content)))["Utilisation des fonds"]
    rows = list(sheet.values)
    assert rows[0][0] == "Mission" and rows[-1][0] == "Total"
    assert rows[-1][1] + rows[-1][2] == due / 100


def test_the_treasurer_records_a_payment_the_coordination_a_spending(demo_store):
    this = date.today().year
    at = open_page(logged_in("demo.bureau2"), "funding")
    assert not at.exception
    amount = next(n for n in at.number_input if n.form_id.startswith("aci_payment"))
    amount.set_value(1000.0)
    widget(at.button, "Enregistrer le versement").click().run()
    assert any("ce que ce versement paie" in e for e in shown_errors(at))
    assert next(n for n in at.number_input if n.form_id.startswith("aci_payment")).value == \
        1000.0  # what was typed stays after the refusal
    widget(at.text_input, "Objet").set_value("Complément")
    widget(at.button, "Enregistrer le versement").click().run()
    assert toasts(at) == ["Versement enregistré."]
    assert funding.payments(demo_store, this)["label"].iloc[-1] == "Complément"
    coordination = open_page(logged_in("demo.coordination"), "funding")
    assert not [b for b in coordination.button if b.label == "Enregistrer le versement"]
    next(n for n in coordination.number_input if n.form_id.startswith("spending")).set_value(120.0)
    widget(coordination.text_input, "Dépense").set_value("Location de salle")
    widget(coordination.button, "Enregistrer la dépense").click().run()
    assert toasts(coordination) == ["Dépense enregistrée."]
    assert funding.spending(demo_store, this)["label"].iloc[-1] == "Location de salle"
