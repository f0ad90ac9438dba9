"""Adhérents and cotisations: fees per collège and year, memberships, renewal, payments
that add up and never overshoot, receipts numbered once."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest

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
from portal.association import memberships as ms
from portal.association import receipts
from portal.core import reference
from portal.core.db import MIGRATIONS_DIR, Store
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import MEMBER, TREASURER, Actor
from portal.directory import organizations, persons

TREASURY = Actor("tresorier", frozenset({TREASURER}))
TODAY = date.today()


def organization(store, name: str, staff: int) -> int:
    organization_id, _ = organizations.save_organization(store, COORD, {
        "name": name, "kind": "msp", "sector": "sanitaire"})
    for number in range(staff):
        someone = person(store, f"{name} {number}", member=False)
        with store.write(COORD) as tx:
            tx.execute("INSERT INTO person_organizations VALUES (?, ?)",
                       (someone, organization_id))
            tx.audit("person", someone, "affiliations")
    return organization_id


def figure(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_membership_owes_the_fee_of_its_year_an_organisation_by_its_size(store):
    ms.set_fee(store, COORD, "liberaux", 2026, 1000)
    ms.set_fee(store, COORD, "exercice_coordonne", 2026, 5000, per_professional_cents=500)
    doctor = person(store, "Martin", member=False)
    msp = organization(store, "MSP du Val", staff=3)
    one = ms.add_membership(store, COORD, 2026, "liberaux", person_id=doctor)
    other = ms.add_membership(store, COORD, 2026, "exercice_coordonne", organization_id=msp)
    assert ms.get_membership(store, one)["due_cents"] == 1000
    assert ms.get_membership(store, other)["due_cents"] == 5000 + 3 * 500
    ms.set_fee(store, COORD, "liberaux", 2026, 1500)  # a later change leaves it alone
    assert ms.get_membership(store, one)["due_cents"] == 1000
    with pytest.raises(PortalError, match="Déjà adhérent"):
        ms.add_membership(store, COORD, 2026, "liberaux", person_id=doctor)
    for values, field in (({"college": None, "person_id": doctor}, "college"),
                          ({"college": "liberaux"}, "member"),
                          ({"college": "liberaux", "person_id": doctor,
                            "organization_id": msp}, "member")):
        with pytest.raises(PortalError) as error:
            ms.add_membership(store, COORD, 2026, **values)
        assert error.value.field == field
    with pytest.raises(PortalError) as error:
        ms.set_fee(store, COORD, "liberaux", 2026, -100)
    assert error.value.field == "fee"


def test_ticked_cards_became_members_to_regularise_until_the_fee_is_set(tmp_path):
    """Migration 018: nobody silently stops being a member when the box becomes
    memberships."""
    before = tmp_path / "migrations"
    before.mkdir()
    for script in sorted(MIGRATIONS_DIR.glob("*.sql"))[:17]:
        shutil.copy(script, before)
    old = Store(tmp_path / "portal.db")
    old.migrate(before)
    reference.sync(old)  # the professions a card names
    ticked, unticked = (person(old, name, member=False) for name in ("Ancien", "Autre"))
    with old.write(COORD) as tx:  # the box as version 17 had it
        tx.execute("UPDATE people SET member = 1 WHERE id = ?", (ticked,))
        tx.audit("person", ticked, "update", after={"member": 1})
    old.migrate()
    assert "member" not in {c["name"] for c in old.query("PRAGMA table_info(people)")}
    listed = ms.members(old, ms.Filters(TODAY.year))
    assert listed["person_id"].tolist() == [ticked] and unticked not in listed["person_id"]
    assert listed["status"].tolist() == ["to_regularise"] and listed["to_regularise"][0] == 1
    assert ms.set_fee(old, COORD, "liberaux", TODAY.year, 1000) == 1
    assert ms.members(old, ms.Filters(TODAY.year))["status"].tolist() == ["unpaid"]


def test_payments_add_up_never_beyond_and_receipts_are_never_numbered_twice(store):
    ms.set_fee(store, COORD, "liberaux", 2026, 1000)
    membership = ms.add_membership(store, COORD, 2026, "liberaux",
                                   person_id=person(store, "Petit", member=False))
    with pytest.raises(PermissionDenied):  # the coordination prepares, the treasury records
        ms.record_payment(store, COORD, membership, TODAY, 400, "cheque")
    first, number = ms.record_payment(store, TREASURY, membership, TODAY, 400, "cheque")
    assert ms.get_membership(store, membership)["status"] == "partial"
    with pytest.raises(PortalError, match="reste à payer 6,00 EUR") as error:
        ms.record_payment(store, TREASURY, membership, TODAY, 700, "virement")
    assert error.value.field == "amount"
    for args, field in (((TODAY, 0, "cheque"), "amount"),
                        ((TODAY, None, "cheque"), "amount"),
                        ((None, 100, "cheque"), "paid_on"),
                        ((TODAY + timedelta(days=1), 100, "cheque"), "paid_on"),
                        ((TODAY, 100, "bitcoin"), "method"),
                        ((TODAY, 100, "en_ligne"), "reference")):
        with pytest.raises(PortalError) as error:
            ms.record_payment(store, TREASURY, membership, *args)
        assert error.value.field == field
    second, following = ms.record_payment(store, TREASURY, membership, TODAY, 600, "en_ligne",
                                          "HelloAsso 4821")
    assert following == number + 1
    assert ms.get_membership(store, membership)["status"] == "paid"
    ms.cancel_payment(store, TREASURY, second)  # a mistake: no longer counts
    assert ms.get_membership(store, membership)["paid_cents"] == 400
    with pytest.raises(PortalError, match="déjà annulé"):
        ms.cancel_payment(store, TREASURY, second)
    _, third = ms.record_payment(store, TREASURY, membership, TODAY, 600, "virement")
    assert third == following + 1  # the cancelled payment's number stays used
    _, word = receipts.receipt_docx(store, first)
    text = docx_text(word)
    assert f"n° {number}" in text and "Petit A" in text and "4,00 EUR" in text
    assert "Chèque" in text and "2026" in text and "ANNULÉ" not in text
    assert "ANNULÉ" in docx_text(receipts.receipt_docx(store, second)[1])
    books = ms.payments_between(store, TODAY - timedelta(days=1), TODAY)
    assert books["Reçu n°"].tolist() == [number, following, third]
    assert books["Annulé le"].tolist() == [None, TODAY.strftime("%d/%m/%Y"), None]
    assert ms.payments_summary(store, TODAY, TODAY) == {"count": 2, "cents": 1000}
    audited = store.scalar("SELECT COUNT(*) FROM audit_log"
                           " WHERE entity = 'membership_payment'")
    assert audited == 4  # three payments, one cancellation


def test_renewal_starts_next_year_from_this_years_members_at_the_new_fee(store):
    ms.set_fee(store, COORD, "liberaux", 2025, 1000)
    ms.set_fee(store, COORD, "usagers", 2025, 500)
    people = [person(store, f"Membre {n}", member=False) for n in range(4)]
    made = [ms.add_membership(store, COORD, 2025, "liberaux", person_id=p)
            for p in people[:3]]
    ms.add_membership(store, COORD, 2025, "usagers", person_id=people[3])
    ms.set_fee(store, COORD, "liberaux", 2026, 1200)
    ms.add_membership(store, COORD, 2026, "liberaux", person_id=people[0])  # already in
    assert ms.renew(store, COORD, 2026, college="liberaux") == 2
    assert ms.renew(store, COORD, 2026, college="liberaux") == 0  # nothing twice
    assert ms.renew(store, COORD, 2026, ids=[made[0]]) == 0
    renewed = ms.members(store, ms.Filters(2026))
    assert sorted(renewed["name"]) == ["Membre 0 A", "Membre 1 A", "Membre 2 A"]
    assert set(renewed["due_cents"]) == {1200} and set(renewed["status"]) == {"unpaid"}
    assert ms.renew(store, COORD, 2026) == 1  # the usagers' member, no 2026 fee yet
    assert ms.count_members(store, ms.Filters(2026, status="to_regularise")) == 1
    counts = ms.counts_by_college(store, 2026).set_index("college")
    assert counts.loc["Professionnels de santé libéraux", "members"] == 3
    assert counts.loc["Établissements de santé", "members"] == 0  # every collège listed
    with pytest.raises(PermissionDenied):
        ms.renew(store, Actor("m", frozenset({MEMBER})), 2026)


def test_the_treasurer_records_a_payment_on_the_members_page(demo_store):
    this = TODAY.year
    unpaid = ms.members(demo_store, ms.Filters(this, status="unpaid"))
    assert len(unpaid) > 0  # the demo has members who have not paid yet
    at = open_page(logged_in("demo.bureau2"), "members")  # the demo's treasurer
    assert not at.exception
    assert figure(at, "Adhérents") == str(ms.count_members(demo_store, ms.Filters(this)))
    widget(at.selectbox, "Statut").set_value("unpaid").run()
    table = next(t for t in at.dataframe if "Adhérent" in t.value.columns)
    chosen = unpaid.iloc[0]
    assert table.value["Adhérent"].iloc[0] == chosen["name"]
    at.session_state[f"members_{this}"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert widget(at.number_input, "Montant (EUR)").value == chosen["due_cents"] / 100
    widget(at.number_input, "Montant (EUR)").set_value(chosen["due_cents"] / 100 + 1)
    widget(at.button, "Enregistrer le paiement").click().run()
    assert any("dépasse le montant dû" in e for e in shown_errors(at))
    widget(at.number_input, "Montant (EUR)").set_value(chosen["due_cents"] / 100)
    widget(at.button, "Enregistrer le paiement").click().run()
    assert not at.exception
    number = demo_store.scalar("SELECT MAX(receipt_number) FROM membership_payments")
    assert toasts(at) == [f"Paiement enregistré : reçu n° {number}."]
    assert ms.get_membership(demo_store, int(chosen["id"]))["status"] == "paid"


def test_the_coordination_prepares_next_year_and_cannot_record_payments(demo_store):
    at = open_page(logged_in("demo.coordination"), "members")
    widget(at.selectbox, "Année").set_value(TODAY.year + 1).run()
    assert "Aucun adhérent pour" in texts(at)
    next(s for s in at.selectbox if s.form_id == "fee").set_value("liberaux")
    widget(at.number_input, "Cotisation (EUR)").set_value(12.0)
    widget(at.button, f"Enregistrer la cotisation {TODAY.year + 1}").click().run()
    assert toasts(at) == [f"Cotisation {TODAY.year + 1} enregistrée."]
    assert ms.fees(demo_store, TODAY.year + 1)["liberaux"]["fee_cents"] == 1200
    widget(at.checkbox, f"Je confirme le renouvellement pour {TODAY.year + 1}").check().run()
    widget(at.button, "Renouveler").click().run()
    renewed = ms.count_members(demo_store, ms.Filters(TODAY.year + 1))
    assert renewed == ms.count_members(demo_store, ms.Filters(TODAY.year)) > 0
    assert toasts(at) == [f"{renewed} adhésion(s) {TODAY.year + 1} créée(s)."]
    at.session_state[f"members_{TODAY.year + 1}"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not [b for b in at.button if b.label == "Enregistrer le paiement"]


def test_a_member_reads_their_own_fees_and_receipts_on_my_account(demo_store):
    person = demo_store.scalar("SELECT person_id FROM users WHERE username = 'demo.membre'")
    this_year = ms.of_person(demo_store, person)[0]
    if this_year["status"] != "paid":
        ms.record_payment(demo_store, TREASURY, this_year["id"], TODAY,
                          this_year["due_cents"] - this_year["paid_cents"], "cheque")
    at = open_page(logged_in("demo.membre"), "account")
    assert not at.exception
    mine = ms.of_person(demo_store, person)
    assert [m["year"] for m in mine] == [TODAY.year, TODAY.year - 1]
    page = texts(at)
    assert "Mon adhésion à la CPTS" in page
    for membership in mine:
        assert f"{membership['year']} · Professionnels de santé libéraux" in page
    paid = [p for m in mine for p in m["payments"] if not p["cancelled_at"]]
    buttons = [b for b in at.get("download_button") if b.label == "Reçu (Word)"]
    assert paid and len(buttons) == len(paid)
    stranger = open_page(logged_in("demo.admin"), "account")  # no card: no section
    assert "Mon adhésion à la CPTS" not in texts(stranger)


def test_reminders_fall_around_the_due_day_and_list_who_is_not_up_to_date(store):
    plan = ms.reminders(store, 2026)
    assert plan.due == date(2026, 3, 31)
    assert plan.dates == [date(2026, 3, 16), date(2026, 3, 31), date(2026, 4, 15)]
    assert plan.next_after(date(2026, 3, 20)) == date(2026, 3, 31)
    assert plan.next_after(date(2026, 5, 1)) is None
    ms.set_reminders(store, COORD, date(2026, 1, 31), "30; -10, 0")
    assert ms.reminders(store, 2027).dates == [date(2027, 1, 21), date(2027, 1, 31),
                                               date(2027, 3, 2)]
    for due, offsets, field in ((None, "0", "due"), (date(2028, 2, 29), "0", "due"),
                                (date(2026, 3, 31), "quinze", "offsets"),
                                (date(2026, 3, 31), "", "offsets"),
                                (date(2026, 3, 31), "400", "offsets")):
        with pytest.raises(PortalError) as error:
            ms.set_reminders(store, COORD, due, offsets)
        assert error.value.field == field
    ms.set_fee(store, COORD, "liberaux", 2026, 1000)
    people = [person(store, name, member=False) for name in ("Payé", "Partiel", "Rien")]
    ids = [ms.add_membership(store, COORD, 2026, "liberaux", person_id=p) for p in people]
    ms.record_payment(store, TREASURY, ids[0], TODAY, 1000, "cheque")
    ms.record_payment(store, TREASURY, ids[1], TODAY, 300, "cheque")
    late = ms.late(store, 2026)
    assert late["name"].tolist() == ["Partiel A", "Rien A"] == \
        ms.late_export(store, 2026)["Adhérent"].tolist()
    assert ms.count_late(store, 2026) == 2
    assert list(late["status"]) == ["partial", "unpaid"]


def test_the_board_reads_this_years_members_up_to_date_on_the_home_page(demo_store):
    total = ms.count_members(demo_store, ms.Filters(TODAY.year))
    paid = ms.count_members(demo_store, ms.Filters(TODAY.year, status="paid"))
    assert 0 < paid < total
    home = open_page(logged_in("demo.bureau2"), "home")
    assert figure(home, "Adhérents de l'année à jour") == f"{paid} / {total}"
    member = open_page(logged_in("demo.membre"), "home")
    assert "Adhérents de l'année à jour" not in [m.label for m in member.metric]


def test_merging_two_member_cards_keeps_one_membership_with_every_payment(store):
    ms.set_fee(store, COORD, "liberaux", 2025, 1000)
    ms.set_fee(store, COORD, "liberaux", 2026, 1000)
    kept, dropped = (person(store, name, member=False) for name in ("Durand", "Durand"))
    first = ms.add_membership(store, COORD, 2026, "liberaux", person_id=kept)
    second = ms.add_membership(store, COORD, 2026, "liberaux", person_id=dropped)
    older = ms.add_membership(store, COORD, 2025, "liberaux", person_id=dropped)
    ms.record_payment(store, TREASURY, first, TODAY, 1000, "cheque")
    ms.record_payment(store, TREASURY, second, TODAY, 1000, "virement")  # paid twice
    persons.merge_people(store, COORD, kept, dropped)
    mine = ms.of_person(store, kept)
    assert [(m["year"], m["id"]) for m in mine] == [(2026, first), (2025, older)]
    assert mine[0]["paid_cents"] == 2000  # the double payment stays visible
    assert store.scalar("SELECT COUNT(*) FROM memberships WHERE id = ?", (second,)) == 0


def test_membre_de_la_cpts_is_read_from_the_year_paid_with_a_grace_period(store):
    ms.set_fee(store, COORD, "liberaux", 2025, 1000)
    ms.set_fee(store, COORD, "liberaux", 2026, 1000)
    last_year, unpaid, regularise, nobody = (person(store, n, member=False)
                                             for n in ("Ancien", "Retard", "Régul", "Aucun"))
    paid = ms.add_membership(store, COORD, 2025, "liberaux", person_id=last_year)
    ms.record_payment(store, TREASURY, paid, date(2025, 2, 1), 1000, "cheque")
    late = ms.add_membership(store, COORD, 2026, "liberaux", person_id=unpaid)
    with store.write(COORD) as tx:
        ms.regularise(tx, regularise, 2026)

    def members(on: date) -> set[int]:
        return {r["id"] for r in store.query(
            f"SELECT p.id FROM people p WHERE {ms.member_sql(on)}")}

    assert members(date(2026, 2, 15)) == {last_year, regularise}  # within 90 days
    assert members(date(2026, 5, 1)) == {regularise}
    ms.record_payment(store, TREASURY, late, date(2026, 4, 1), 1000, "virement")
    assert members(date(2026, 5, 1)) == {regularise, unpaid}
    assert unpaid not in members(date(2026, 3, 31))  # not paid yet that day: an AG's quorum
    ms.set_reminders(store, COORD, date(2026, 3, 31), "0", grace_days=30)
    assert last_year not in members(date(2026, 2, 15))
    assert nobody not in members(date(2026, 2, 15))
    with pytest.raises(PortalError) as error:
        ms.set_reminders(store, COORD, date(2026, 3, 31), "0", grace_days=400)
    assert error.value.field == "grace_days"


def test_a_closed_year_takes_no_payment_cancellation_fee_or_member(store):
    year = date.today().year - 1
    ms.set_fee(store, COORD, "liberaux", year, 1000)
    membership = ms.add_membership(store, COORD, year, "liberaux",
                                   person_id=person(store, "Martin", member=False))
    payment, _ = ms.record_payment(store, TREASURY, membership, date(year, 5, 1), 500,
                                   "cheque")
    with pytest.raises(PermissionDenied):
        ms.close_year(store, COORD, year)
    ms.close_year(store, TREASURY, year)
    assert ms.closed_years(store) == {year}
    with pytest.raises(PortalError, match=f"L'exercice {year} est clos") as refused:
        ms.record_payment(store, TREASURY, membership, date(year, 6, 1), 500, "cheque")
    assert refused.value.field == "paid_on"
    for attempt in (lambda: ms.cancel_payment(store, TREASURY, payment),
                    lambda: ms.set_fee(store, COORD, "liberaux", year, 2000),
                    lambda: ms.add_membership(store, COORD, year, "liberaux",
                                              person_id=person(store, "Autre", member=False))):
        with pytest.raises(PortalError, match="est clos"):
            attempt()
    assert ms.get_membership(store, membership)["paid_cents"] == 500
    with pytest.raises(PortalError, match="déjà clos"):
        ms.close_year(store, TREASURY, year)


def test_the_treasurer_closes_last_year_on_the_members_page(demo_store):
    last_year = date.today().year - 1
    at = open_page(logged_in("demo.bureau2"), "members")
    widget(at.selectbox, "Année").set_value(last_year).run()
    assert widget(at.button, "Clôturer").disabled
    widget(at.checkbox, f"Je confirme la clôture de l'exercice {last_year}").check().run()
    widget(at.button, "Clôturer").click().run()
    assert toasts(at) == [f"Exercice {last_year} clos."]
    assert f"Exercice {last_year} clos" in texts(at)
    at.session_state[f"members_{last_year}"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not [b for b in at.button if b.label in ("Enregistrer le paiement", "Clôturer")]
    assert ms.closed_years(demo_store) == {last_year}


def test_an_organisation_joins_from_its_search_which_is_blank_again_after(demo_store):
    this = TODAY.year
    msp = organizations.list_organizations(demo_store, "", limit=1)[0].iloc[0]
    at = open_page(logged_in("demo.coordination"), "members")
    widget(at.radio, "Adhérent").set_value("Une structure").run()
    widget(at.text_input, "Structure").set_value(msp["name"]).run()
    widget(at.selectbox, "Structure trouvée").set_value(int(msp["id"])).run()
    next(s for s in at.selectbox if s.label == "Collège" and s.key
         and s.key.startswith("member_college")).set_value("exercice_coordonne").run()
    widget(at.button, f"Ajouter pour {this}").click().run()
    assert toasts(at) == ["Adhérent ajouté."]
    assert widget(at.text_input, "Structure").value == ""
    joined = ms.members(demo_store, ms.Filters(this, text=msp["name"]))
    assert joined["organization_id"].tolist() == [msp["id"]]
    # A period ending before it starts says so, next to the dates.
    widget(at.date_input, "Au").set_value(date(this - 1, 1, 1)).run()
    assert "Indiquez une période dont la fin suit le début." in shown_errors(at)


def test_a_membership_year_may_start_on_another_day_than_the_first_of_january(store):
    ms.set_fee(store, COORD, "liberaux", 2025, 1000)
    ms.set_fee(store, COORD, "liberaux", 2026, 1000)
    doctor, nurse = (person(store, n, member=False) for n in ("Martin", "Durand"))
    for year, who in ((2025, doctor), (2026, nurse)):
        paid = ms.add_membership(store, COORD, year, "liberaux", person_id=who)
        ms.record_payment(store, TREASURY, paid, date(year, 9, 15), 1000, "cheque")

    def members(on: date) -> set[int]:
        return {r["id"] for r in store.query(
            f"SELECT p.id FROM people p WHERE {ms.member_sql(on)}")}

    assert members(date(2026, 10, 1)) == {nurse}  # civil year: 2025's grace is over
    with pytest.raises(PortalError, match="existe chaque année") as refused:
        ms.set_reminders(store, COORD, date(2026, 3, 31), "0", 30, starts=date(2028, 2, 29))
    assert refused.value.field == "starts"
    ms.set_reminders(store, COORD, date(2026, 10, 31), "-15, 0", 30, starts=date(2026, 9, 1))
    assert ms.period(store, 2025) == (date(2025, 9, 1), date(2026, 8, 31))
    assert ms.current_year(store, date(2026, 8, 31)) == 2025
    assert ms.current_year(store, date(2026, 9, 1)) == 2026
    # 15/08/2026 is in year 2025 (01/09/2025 – 31/08/2026): its member is the doctor.
    assert members(date(2026, 8, 15)) == {doctor}
    assert members(date(2026, 9, 20)) == {doctor, nurse}  # 2025's, within 30 days
    assert members(date(2026, 10, 5)) == {nurse}
    assert ms.reminders(store, 2026).due == date(2026, 10, 31)
    ms.set_reminders(store, COORD, date(2026, 3, 31), "0", 30, starts=date(2026, 9, 1))
    assert ms.reminders(store, 2026).due == date(2027, 3, 31)  # the first after the start
    imported = person(store, "Importée", member=False)
    with store.write(COORD) as tx:  # a spreadsheet's "Membre": today's membership year
        ms.regularise(tx, imported)
    assert ms.of_person(store, imported)[0]["year"] == ms.current_year(store)
