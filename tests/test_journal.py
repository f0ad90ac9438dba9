"""The audit log as a person reads it: French labels, values as on the record, the
element's name and a link to it; never raw JSON."""

from __future__ import annotations

from helpers import COORD, logged_in, open_page
from portal.admin import journal
from portal.core import audit
from portal.directory import persons


def person_with_a_new_phone(store) -> int:
    person_id, _ = persons.save_person(store, COORD, {
        "last_name": "Faure", "first_name": "Camille", "profession_code": "60",
        "commune_code": "45155", "phone": "02 38 47 55 17"})
    persons.save_person(store, COORD, {
        "last_name": "Faure", "first_name": "Camille", "profession_code": "60",
        "commune_code": "45155", "phone": "02 38 47 55 18"}, person_id)
    return person_id


def test_a_change_reads_as_the_record_shows_it(store):
    person_id = person_with_a_new_phone(store)
    shown = journal.readable(store, audit.history(store, "person", person_id))
    changed, created = shown["Changements"]
    assert changed == "Téléphone : 02 38 47 55 17 → 02 38 47 55 18"
    assert "Nom : Faure" in created and "Commune : Gien" in created
    assert "Profession : Infirmier" in created
    for raw in ("manual_fields", "+33", "null", "{", "name_key"):
        assert raw not in created + changed
    assert list(shown["Action"]) == ["Modification", "Création"]


def test_the_journal_names_each_element_and_links_to_its_page(store):
    person_id = person_with_a_new_phone(store)
    frame = audit.page(store, audit.Filters(entity="person"))
    shown = journal.readable(store, frame)
    assert set(shown["Élément"]) == {"Personne (annuaire) : Faure Camille"}
    assert set(shown["Ouvrir"]) == {f"person?id={person_id}"}
    assert "Ouvrir" not in journal.readable(store, frame, links=False)


def test_the_journal_page_shows_changes_in_french(demo_store):
    person_with_a_new_phone(demo_store)
    at = open_page(logged_in("demo.admin"), "audit_log")
    shown = at.dataframe[0].value
    faure = shown[shown["Élément"] == "Personne (annuaire) : Faure Camille"]
    assert faure["Changements"].iloc[0] == "Téléphone : 02 38 47 55 17 → 02 38 47 55 18"


def test_a_patient_request_is_named_by_its_number_only(store):
    names = journal.Names(store)
    assert journal.element_name("mt_request", "12", names) == "n° 12"
    assert journal.element_name("mt_queue", "12,40,7", names) == "demandes n° 12, 40, 7"


def test_every_field_the_portal_records_has_a_french_label(sparse_store):
    unlabelled = set()
    for row in sparse_store.query("SELECT entity, before, after FROM audit_log"):
        for blob in (row["before"], row["after"]):
            for key in journal._values(blob) or {}:
                if key not in journal.HIDDEN and journal.field_label(row["entity"], key) == key:
                    unlabelled.add((row["entity"], key))
    assert unlabelled == set()
