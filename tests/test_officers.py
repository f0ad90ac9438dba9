"""Dirigeants: the board on a day as the préfecture asks for it, the details the directory
lacks (for the board only), and each change of the board to declare within three months."""

from __future__ import annotations

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
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import BUREAU, Actor
from portal.directory import persons
from portal.meetings import bodies, officers

BOARD_MEMBER = Actor("bureau", frozenset({BUREAU}))


def test_the_list_holds_each_person_once_with_every_function_bureau_first(store):
    chair, member, former = (person(store, n) for n in ("Martin", "Durand", "Ancien"))
    start = date(2026, 1, 10)
    bodies.add_mandate(store, COORD, member, "ca", "membre", start)
    bodies.add_mandate(store, COORD, chair, "ca", "membre", start)
    bodies.add_mandate(store, COORD, chair, "bureau", "president", start)
    bodies.add_mandate(store, COORD, former, "ca", "membre", start, date(2026, 2, 1))
    listed = officers.officers(store, date(2026, 3, 1))
    assert listed["last_name"].tolist() == ["Martin", "Durand"]
    assert listed["function"].tolist() == [
        "Président(e) (bureau), membre du conseil d'administration",
        "Membre du conseil d'administration"]
    assert officers.missing(listed) == 2  # no address, no nationality yet
    with pytest.raises(PermissionDenied):
        officers.save_details(store, BOARD_MEMBER, chair, "", "Française", "1 rue A")
    with pytest.raises(PortalError, match="aucun mandat"):
        officers.save_details(store, COORD, person(store, "Sans mandat"), "", "", "")
    officers.save_details(store, COORD, chair, "Jean Pierre Marie", " Française ",
                          "3 rue de la Fontaine, 45500 Gien")
    row = officers.officers(store, date(2026, 3, 1)).iloc[0]
    assert (row["first_names"], row["nationality"], row["home_address"]) == (
        "Jean Pierre Marie", "Française", "3 rue de la Fontaine, 45500 Gien")
    assert officers.readable(listed).columns.tolist() == [
        "Nom", "Prénoms", "Profession", "Adresse", "Nationalité", "Fonction"]
    paper = docx_text(officers.officers_docx(store, date(2026, 3, 1)))
    assert "Liste des dirigeants au 01/03/2026" in paper and "Jean Pierre Marie" in paper
    assert "Ancien" not in paper
    # Erased on request, a dirigeant's private details go with the card.
    persons.erase_person(store, COORD, chair)
    assert officers.details(store, chair) == {}


def test_each_start_and_end_is_a_change_to_declare_within_three_months(store):
    first, second = person(store, "Martin"), person(store, "Durand")
    bodies.add_mandate(store, COORD, first, "bureau", "president", date(2026, 1, 10))
    mandate = bodies.add_mandate(store, COORD, second, "bureau", "tresorier",
                                 date(2026, 1, 10))
    bodies.end_mandate(store, COORD, mandate, date(2026, 5, 31))
    pending = officers.changes(store)
    assert [(c.name, c.text, c.due) for c in pending] == [
        ("A Martin", "Entrée : Président(e) (bureau)", date(2026, 4, 10)),
        ("A Durand", "Entrée : Trésorier(ère) (bureau)", date(2026, 4, 10)),
        ("A Durand", "Sortie : Trésorier(ère) (bureau)", date(2026, 8, 31))]
    keys = [c.key for c in pending]
    with pytest.raises(PortalError, match="ne peut le précéder") as refused:
        officers.mark_declared(store, COORD, keys, date(2026, 2, 1))
    assert refused.value.field == "declared_on"
    assert len(officers.changes(store)) == 3  # all or nothing
    with pytest.raises(PortalError, match="dans le futur"):
        officers.mark_declared(store, COORD, keys[:2], date.today() + timedelta(days=1))
    with pytest.raises(PortalError, match="Sélectionnez"):
        officers.mark_declared(store, COORD, [], date(2026, 2, 1))
    assert officers.mark_declared(store, COORD, keys[:2], date(2026, 2, 1)) == 2
    assert [c.key for c in officers.changes(store)] == [keys[2]]
    with pytest.raises(PortalError, match="déjà déclaré"):
        officers.mark_declared(store, COORD, keys[:1], date(2026, 2, 1))
    declared = [c for c in officers.changes(store, undeclared_only=False) if c.declared_on]
    assert [c.declared_on for c in declared] == [date(2026, 2, 1)] * 2


def test_the_coordination_marks_the_demos_new_ca_member_declared(demo_store):
    at = open_page(logged_in("demo.coordination"), "officers")
    assert not at.exception
    assert "1 changement(s) à déclarer en préfecture" in texts(at)
    pending = officers.changes(demo_store)
    at.session_state["to_declare"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    widget(at.date_input, "Déclarés le").set_value(pending[0].on - timedelta(days=1))
    widget(at.button, "Marquer déclarés (1)").click().run()
    assert any("ne peut le précéder" in e for e in shown_errors(at))
    widget(at.date_input, "Déclarés le").set_value(date.today())
    widget(at.button, "Marquer déclarés (1)").click().run()
    assert toasts(at) == [f"1 changement(s) marqué(s) déclaré(s) le {date.today():%d/%m/%Y}."]
    assert "Tous les changements du bureau et du CA sont déclarés." in texts(at)
    grid = next(t for t in at.dataframe if "Nationalité" in t.value.columns).value
    assert len(grid) == len(officers.officers(demo_store, date.today()))
    assert (grid["Adresse"] == "à compléter").sum() == len(grid) - 4
    assert {b.label for b in at.get("download_button")} == {"Liste imprimable (Word)",
                                                            "Classeur XLSX"}
    incomplete = officers.officers(demo_store, date.today()).iloc[4]
    widget(at.selectbox, "Dirigeant").set_value(int(incomplete["person_id"])).run()
    widget(at.text_area, "Adresse personnelle (domicile)").set_value("8 rue Neuve, 45500 Gien")
    widget(at.button, "Enregistrer").click().run()
    name = f"{incomplete['last_name']} {incomplete['first_names']}"
    assert toasts(at) == [f"Dirigeant complété : {name}."]
    assert officers.details(demo_store, int(incomplete["person_id"]))["home_address"] == \
        "8 rue Neuve, 45500 Gien"


def test_the_bureau_reads_the_list_and_cannot_change_it(demo_store):
    at = open_page(logged_in("demo.bureau"), "officers")
    assert not at.exception
    assert "à déclarer en préfecture" in texts(at)
    assert not [b for b in at.button if b.label.startswith("Marquer déclarés")]
    assert not [e for e in at.expander if e.label == "Compléter un dirigeant"]
