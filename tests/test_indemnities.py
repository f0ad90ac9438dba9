"""Indemnisation: rates by period that never overlap, time read from meetings attended and
SNP slots held, typed lines with their document, statements frozen once validated, the
yearly cap."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest

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
from portal.association import indemnities as ind
from portal.association import statement_papers as papers
from portal.care import unscheduled_care as snp
from portal.core.errors import PermissionDenied, PortalError
from portal.core.formats import euros
from portal.core.roles import TREASURER, Actor
from portal.meetings import attendance, bodies

TREASURY = Actor("tresorier", frozenset({TREASURER}))
PDF = b"%PDF-1.4 attestation"
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def present(store, meeting_id: int, *people: int) -> None:
    attendance.invite(store, COORD, meeting_id, list(people))
    rows = attendance.attendees(store, meeting_id)
    attendance.record_attendance(store, COORD, meeting_id, {
        int(r.id): ("present", None) for r in rows.itertuples()})


@pytest.fixture
def paid(store, monkeypatch):
    """Rates of 2026, "today" the 30/06/2026; a CA of 2 h on 29/03 attended by two."""
    monkeypatch.setattr(ind, "today", lambda: date(2026, 6, 30))
    ind.add_rate(store, TREASURY, "reunion", 6000, date(2026, 1, 1), date(2026, 3, 31))
    ind.add_rate(store, TREASURY, "reunion", 9000, date(2026, 4, 1))
    ind.add_rate(store, TREASURY, "snp", 5000, date(2026, 1, 1))
    ind.add_rate(store, TREASURY, "acte", 2500, date(2026, 1, 1))
    doctor, nurse = person(store, "Martin"), person(store, "Durand", profession="60")
    present(store, meeting(store, missions=["socle_2"]), doctor, nurse)
    return doctor, nurse


def test_a_rate_overlapping_another_of_its_kind_is_refused_naming_it(store):
    ind.add_rate(store, TREASURY, "reunion", 6000, date(2026, 1, 1))
    with pytest.raises(PortalError, match="s'applique déjà du 01/01/2026 sans fin") as refused:
        ind.add_rate(store, TREASURY, "reunion", 8000, date(2026, 6, 1))
    assert refused.value.field == "starts_on"
    ind.add_rate(store, TREASURY, "snp", 8000, date(2026, 6, 1))  # another kind is free
    with pytest.raises(PortalError, match="il ne peut finir avant"):
        ind.end_rate(store, TREASURY, int(ind.rates(store)["id"].iloc[0]), date(2025, 1, 1))
    running = int(ind.rates(store).query("kind == 'reunion'")["id"].iloc[0])
    ind.end_rate(store, TREASURY, running, date(2026, 5, 31))
    ind.add_rate(store, TREASURY, "reunion", 8000, date(2026, 6, 1))
    assert ind.rate_on(store, "reunion", date(2026, 5, 31)) == 6000
    assert ind.rate_on(store, "reunion", date(2026, 6, 1)) == 8000
    assert ind.rate_on(store, "fonction", date(2026, 6, 1)) is None
    for amount in (-1, None):
        with pytest.raises(PortalError, match="positif"):
            ind.add_rate(store, TREASURY, "acte", amount, date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        ind.add_rate(store, COORD, "acte", 100, date(2026, 1, 1))


def test_time_to_pay_is_read_from_meetings_attended_and_slots_held(store, paid):
    doctor, nurse = paid
    # Weekly on Mondays from Monday 01/06/2026, 2 h: held 01, 08, 15, 22 and 29 June;
    # what comes after today (30/06) is not held yet.
    snp.open_slot(store, COORD, nurse, time(17), time(19), 3, weekday=0,
                  valid_from=date(2026, 6, 1))
    absent = person(store, "Absent")
    other = meeting(store, day=date(2026, 5, 12), title="Groupe de travail", kind="groupe_travail")
    attendance.invite(store, COORD, other, [absent])  # invited, never marked present
    pending = ind.pending_by_person(store, *YEAR).set_index("person_id")
    assert set(pending.index) == {doctor, nurse}
    assert pending.loc[doctor, "meeting_minutes"] == 120
    assert pending.loc[doctor, "amount_cents"] == 12000        # 2 h at 60 EUR (March's rate)
    assert pending.loc[nurse, "snp_minutes"] == 5 * 120
    assert pending.loc[nurse, "amount_cents"] == 12000 + 5 * 2 * 5000
    assert pending["total"].tolist() == [2, 2]


def test_a_statement_holds_the_lines_at_their_rate_and_is_frozen_once_validated(store, paid):
    doctor, _ = paid
    number, = ind.prepare(store, COORD, *YEAR, people=[doctor])
    statement = ind.statements(store, 2026, doctor).iloc[0]
    assert (statement["number"], statement["amount_cents"], statement["lines"]) == (
        number, 12000, 1)
    line = ind.statement_lines(store, int(statement["id"])).iloc[0]
    assert (line["source"], line["mission"], line["rate_cents"]) == (
        "meeting", "Parcours pluriprofessionnels", 6000)
    # The meeting is paid once: nothing left to pay for the doctor.
    assert doctor not in set(ind.pending_by_person(store, *YEAR)["person_id"])
    with pytest.raises(PortalError, match="Aucun temps à indemniser"):
        ind.prepare(store, COORD, *YEAR, people=[doctor])
    # Withdrawn before validation, its time is to pay again.
    ind.withdraw(store, COORD, int(statement["id"]))
    assert doctor in set(ind.pending_by_person(store, *YEAR)["person_id"])
    ind.prepare(store, COORD, *YEAR, people=[doctor])
    statement = ind.statements(store, 2026, doctor).iloc[0]
    with pytest.raises(PermissionDenied):
        ind.validate(store, COORD, int(statement["id"]))
    ind.validate(store, TREASURY, int(statement["id"]))
    with pytest.raises(PortalError, match="ne se retire plus"):
        ind.withdraw(store, COORD, int(statement["id"]))
    with pytest.raises(PortalError, match="déjà validé"):
        ind.validate(store, TREASURY, int(statement["id"]))
    # A rate changed afterwards leaves the frozen statement as it was.
    ind.end_rate(store, TREASURY, int(ind.rates(store).query("amount_cents == 6000")["id"]
                                      .iloc[0]), date(2026, 3, 28))
    assert ind.get_statement(store, int(statement["id"]))["amount_cents"] == 12000
    # The withdrawn statement keeps its number, empty; numbers are never given twice.
    listed = ind.statements(store, 2026, doctor)
    assert listed["number"].tolist() == [number + 1, number]
    assert listed["amount_cents"].tolist() == [12000, 0]
    assert listed["withdrawn_at"].notna().tolist() == [False, True]
    with pytest.raises(PortalError, match="a été retiré"):
        ind.validate(store, TREASURY, int(listed["id"].iloc[1]))
    assert ind.of_person(store, doctor)["number"].tolist() == [number + 1]


def test_typed_lines_need_a_reason_a_rate_and_a_document_corrections_do_not(store, paid,
                                                                            tmp_path):
    doctor, _ = paid
    add = ind.add_line
    with pytest.raises(PortalError, match="motif") as refused:
        add(store, COORD, tmp_path, doctor, "acte", date(2026, 5, 2), 3, "socle_1", " ")
    assert refused.value.field == "reason"
    with pytest.raises(PortalError, match="Aucun taux « Heure de fonction"):
        add(store, COORD, tmp_path, doctor, "fonction", date(2026, 5, 2), 60, None, "Bureau")
    with pytest.raises(PortalError, match="pièce justificative"):
        add(store, COORD, tmp_path, doctor, "acte", date(2026, 5, 2), 3, "socle_1", "Vaccins")
    with pytest.raises(PortalError, match="programme"):
        add(store, COORD, tmp_path, doctor, "acte", date(2026, 5, 2), 3, "socle_1", "Vaccins",
            "liste.pdf", b"MZ\x90\x00")
    with pytest.raises(PortalError, match="non nulle"):
        add(store, COORD, tmp_path, doctor, "acte", date(2026, 5, 2), 0, "socle_1", "Vaccins")
    typed = add(store, COORD, tmp_path, doctor, "acte", date(2026, 5, 2), 3, "socle_1",
                "Vaccinations au centre éphémère", "liste.pdf", PDF)
    assert ind.waiting_lines(store)["id"].tolist() == [typed]
    ind.prepare(store, COORD, *YEAR, people=[doctor])
    statement = ind.statements(store, 2026, doctor).iloc[0]
    assert statement["amount_cents"] == 12000 + 3 * 2500
    with pytest.raises(PortalError, match="figure sur un relevé"):
        ind.remove_line(store, COORD, typed)
    ind.validate(store, TREASURY, int(statement["id"]))
    # One act too many: a negative line, on the next statement.
    add(store, COORD, tmp_path, doctor, "acte", date(2026, 5, 2), -1, "socle_1",
        "Correction du relevé : un acte compté deux fois")
    ind.prepare(store, COORD, *YEAR, people=[doctor])
    assert ind.statements(store, 2026, doctor)["amount_cents"].tolist() == [-2500, 19500]

    assert ind.statements(store, 2026, doctor)["amount_cents"].sum() == 17000


def test_the_cap_flags_a_yearly_total_above_it_and_members_only_leaves_others_out(store, paid):
    doctor, nurse = paid
    with pytest.raises(PortalError, match="plafond positif"):
        ind.set_rules(store, TREASURY, 0, False)
    ind.set_rules(store, TREASURY, 10000, False)
    ind.prepare(store, COORD, *YEAR)
    assert ind.over_cap(store, 2026)["person_id"].tolist() == [nurse, doctor]  # by name
    by_kind = ind.totals(store, 2026).iloc[0]
    assert (by_kind["mission"], by_kind["kind"], by_kind["amount_cents"],
            by_kind["validated_cents"]) == ("Parcours pluriprofessionnels", "reunion", 24000, 0)
    outsider = person(store, "Pas adhérent", member=False)
    present(store, meeting(store, day=date(2026, 4, 2)), outsider, doctor)
    ind.set_rules(store, TREASURY, 10000, True)
    assert ind.pending_by_person(store, *YEAR)["person_id"].tolist() == [doctor]


def test_a_period_ending_before_it_starts_or_without_time_is_refused(store, paid):
    with pytest.raises(PortalError, match="suit son début") as refused:
        ind.prepare(store, COORD, date(2026, 5, 1), date(2026, 4, 1))
    assert refused.value.field == "period"
    with pytest.raises(PortalError, match="Aucun temps à indemniser du 01/01/2025"):
        ind.prepare(store, COORD, date(2025, 1, 1), date(2025, 12, 31))
    assert ind.count_statements(store, 2025) == 0


def test_the_coordination_prepares_statements_and_the_treasurer_validates_one(demo_store):
    this = ind.today().year
    waiting = len(ind.pending_by_person(demo_store, date(this, 1, 1), ind.today()))
    assert waiting > 0  # the demo leaves time to pay
    at = open_page(logged_in("demo.coordination"), "indemnities")
    assert not at.exception
    table = next(t for t in at.dataframe if "Professionnel" in t.value.columns
                 and "Réunions" in t.value.columns)
    assert len(table.value) == min(waiting, 50)
    widget(at.button, f"Préparer les relevés de tous ({waiting})").click().run()
    assert not at.exception
    assert toasts(at)[0].startswith(f"{waiting} relevé(s) préparé(s), n° 2 à {waiting + 1}")
    assert ind.pending_by_person(demo_store, date(this, 1, 1), ind.today()).empty
    assert "Rien à indemniser" in texts(at)
    # The coordination cannot validate; the treasurer can, once ticked.
    at.session_state[f"statements_{this}"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not [b for b in at.button if b.label == "Valider le relevé"]
    newest = ind.statements(demo_store, this).iloc[0]
    treasury = open_page(logged_in("demo.bureau2"), "indemnities")
    treasury.session_state[f"statements_{this}"] = {"selection": {"rows": [0], "columns": []}}
    treasury.run()
    assert f"Relevé n° {newest['number']} – {newest['name']}" in texts(treasury)
    assert widget(treasury.button, "Valider le relevé").disabled
    widget(treasury.checkbox,
           "J'ai vérifié ce relevé : il ne pourra plus être modifié").check().run()
    widget(treasury.button, "Valider le relevé").click().run()
    assert toasts(treasury) == [f"Relevé n° {newest['number']} validé."]
    assert ind.get_statement(demo_store, int(newest["id"]))["validated_by"] == "demo.bureau2"
    assert not [b for b in treasury.button if b.label == "Valider le relevé"]


def test_a_rate_overlapping_is_refused_next_to_its_field_on_the_page(demo_store):
    at = open_page(logged_in("demo.bureau2"), "indemnities")
    next(s for s in at.selectbox if s.form_id.startswith("rate")).set_value("reunion")
    widget(at.number_input, "Montant (EUR, par heure ou par acte)").set_value(80.0)
    widget(at.button, "Ajouter le taux").click().run()
    assert any("s'applique déjà" in e for e in shown_errors(at))
    assert len(ind.rates(demo_store)) == 4


def test_a_member_reads_their_validated_statement_on_my_account(demo_store):
    at = open_page(logged_in("demo.bureau"), "account")
    assert not at.exception
    mine = ind.of_person(demo_store, demo_store.scalar(
        "SELECT person_id FROM users WHERE username = 'demo.bureau'"))
    assert len(mine) == 1
    assert "Mes relevés d'indemnisation" in texts(at)
    assert [b.label for b in at.get("download_button")].count("Relevé (Word)") == 1
    data = papers.statement_docx(demo_store, int(mine["id"][0]))[1]
    text = docx_text(data)
    assert f"Relevé d'indemnisation n° {mine['number'][0]}" in text
    lines = ind.statement_lines(demo_store, int(mine["id"][0]))
    assert len(lines) > 1 and set(lines["source"]) == {"meeting", "snp"}
    for line in lines.itertuples():
        assert line.label in text
    assert "Total" in text and euros(int(mine["amount_cents"][0])) in text
    assert "PROJET" not in text


def test_the_treasurers_workbook_holds_statements_lines_and_totals(demo_store):
    from openpyxl import load_workbook
    workbook = load_workbook(io.BytesIO(papers.year_workbook(demo_store, ind.today().year)))
    assert workbook.sheetnames == ["Relevés", "Lignes", "Par mission", "Au-delà du plafond"]
    statements = list(workbook["Relevés"].values)
    assert statements[0][0] == "N°" and statements[1][5] == "Validé"
    lines = list(workbook["Lignes"].values)
    total = sum(row[9] for row in lines[1:])
    assert total == statements[1][6] > 0


def test_the_page_warns_once_of_those_above_the_cap_and_lists_them(demo_store):
    this = ind.today().year
    ind.prepare(demo_store, COORD, date(this, 1, 1), ind.today())
    ind.set_rules(demo_store, TREASURY, 10000, False)  # 100 EUR
    capped = ind.over_cap(demo_store, this)
    assert len(capped) > 5
    at = open_page(logged_in("demo.bureau2"), "indemnities")
    warnings = [unescaped(w.value) for w in at.warning if "plafond" in w.value]
    assert len(warnings) == 1
    assert f"{len(capped)} professionnel(s) au-delà du plafond de 100,00 EUR" in warnings[0]
    listed = next(t for t in at.dataframe if "Total de l'année" in t.value.columns).value
    assert listed["Professionnel"].tolist() == capped["name"].tolist()


def test_the_treasurer_ends_a_rate_once_ticked_on_the_page(demo_store):
    at = open_page(logged_in("demo.bureau2"), "indemnities")
    widget(at.button, "Terminer un taux").click().run()
    assert any("Cochez la case" in e for e in shown_errors(at))
    assert ind.rates(demo_store)["ends_on"].isna().all()  # nothing ended
    widget(at.checkbox, "Je confirme : terminer un taux").check()
    widget(at.button, "Terminer un taux").click().run()
    assert toasts(at) == ["Taux terminé."]
    assert ind.rates(demo_store)["ends_on"].notna().sum() == 1


def test_a_mandate_ends_once_ticked_on_the_bodies_page(demo_store):
    before = len(bodies.mandates(demo_store, date.today()))
    at = open_page(logged_in("demo.coordination"), "bodies")
    widget(at.checkbox, "Je confirme : terminer un mandat").check()
    widget(at.button, "Terminer un mandat").click().run()
    assert toasts(at) == ["Mandat terminé."]
    # Ended today, it still runs today; tomorrow the board has one mandate less.
    assert len(bodies.mandates(demo_store, date.today() + timedelta(days=1))) == before - 1
