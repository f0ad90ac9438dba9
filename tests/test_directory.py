"""Directory services on a real SQLite file: search, filters, duplicates, merge, erase."""

from __future__ import annotations

import json
from datetime import date

import pytest
import vobject

from portal.association import memberships
from portal.core import exports, validation
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import ADMIN, BUREAU, COORDINATOR, MEMBER, Actor
from portal.directory import organizations, persons, territory
from portal.directory.search import (
    Filters,
    count_people,
    counts_by_profession,
    search_people,
    vcard_contacts,
)

COORD = Actor("julie.lefevre", frozenset({COORDINATOR}))
MEMBER_ACTOR = Actor("paul", frozenset({MEMBER}))
GIEN, BRIARE, AUBIGNY = "45155", "45053", "18015"
ALL = Filters(include_hidden=True)


def rpps(body: str) -> str:
    return next(body + d for d in "0123456789" if validation.luhn_ok(body + d))


def org(store, name="MSP des Bords de Loire", sector="sanitaire", kind="msp", commune=GIEN):
    org_id, _ = organizations.save_organization(store, COORD, {
        "name": name, "kind": kind, "sector": sector, "commune_code": commune})
    return org_id


def person(store, last="Lefèvre", first="Julie", **values):
    """A card; `member=True` makes it a member of the CPTS this year (to regularise)."""
    orgs = values.pop("organizations", ())
    tags = values.pop("tags", ())
    member = values.pop("member", False)
    person_id, _ = persons.save_person(store, COORD, {
        "last_name": last, "first_name": first, "profession_code": "60",
        "commune_code": GIEN, **values}, organization_ids=orgs, tags=tags)
    if member:
        with store.write(COORD) as tx:
            memberships.regularise(tx, person_id, date.today().year)
    return person_id


def names(frame) -> list[str]:
    return [f"{r.last_name} {r.first_name}" for r in frame.itertuples()]


def test_search_ignores_accents_and_case_across_names_organisations_and_tags(store):
    msp = org(store)
    person(store, organizations=[msp], tags=["Plaies chroniques", "ETP diabète"])
    person(store, "Martin", "Paul")
    for text in ("lefevre", "LEFÈVRE", "julie lef", "plaie", "diabete", "bords loire",
                 "Lefèvre MSP"):
        assert names(search_people(store, ALL.replace(text=text))) == \
            ["Lefèvre Julie"], text
    assert count_people(store, ALL.replace(text="martin")) == 1


def test_search_finds_a_person_by_rpps_or_e_mail(store):
    number = rpps("1000000001")
    person(store, rpps=number, email="julie.lefevre@example.org")
    person(store, "Martin", "Paul", email="paul.martin@example.org")
    for text in (number, f" {number} ", "Julie.Lefevre@example.org"):
        assert names(search_people(store, ALL.replace(text=text))) == ["Lefèvre Julie"], text
    assert count_people(store, ALL.replace(text="99999999999")) == 0  # exactly that RPPS
    assert count_people(store, ALL.replace(text="lefevre@example.org")) == 0


@pytest.mark.parametrize("text", ['"', "*", "lefevre OR", "NEAR(", "a-b", "l'hôpital", ")"])
def test_search_survives_fts_syntax_typed_by_users(store, text):
    person(store)
    search_people(store, ALL.replace(text=text))


def test_filters_combine_and_members_see_only_visible_people(store):
    hospital = org(store, "Centre hospitalier", kind="centre_hospitalier")
    ccas = org(store, "CCAS de Gien", sector="social", kind="ccas")
    person(store, "Roux", "Hélène", profession_code="10", specialty_code="SM54",
           accepts_patients="yes", snp=True, member=True, organizations=[hospital])
    person(store, "Blanc", "Marc", profession_code="10", specialty_code="SM54",
           accepts_patients="no", commune_code=BRIARE, visible=False)
    person(store, "Petit", "Anne", profession_code="41", organizations=[ccas], member=True)
    assert names(search_people(store, ALL.replace(profession="10"))) == \
        ["Blanc Marc", "Roux Hélène"]
    assert names(search_people(store, ALL.replace(accepts="yes", snp=True))) == \
        ["Roux Hélène"]
    assert names(search_people(store, ALL.replace(commune=BRIARE))) == ["Blanc Marc"]
    assert names(search_people(store, ALL.replace(sector="social"))) == ["Petit Anne"]
    assert names(search_people(store, ALL.replace(member=False))) == ["Blanc Marc"]
    assert count_people(store, Filters()) == 2  # Blanc is hidden from members
    assert persons.sees_hidden(Actor("b", frozenset({BUREAU})))
    assert not persons.sees_hidden(MEMBER_ACTOR)


def test_results_are_paginated_in_sql_and_counted_by_profession(store):
    for i in range(120):
        person(store, f"Nom{i:03d}", "X", profession_code="70" if i % 3 else "60")
    page = search_people(store, ALL, limit=50, offset=100)
    assert len(page) == 20 and page.iloc[0]["last_name"] == "Nom100"
    counts = counts_by_profession(store, ALL).set_index("profession")["people"]
    assert counts.to_dict() == {"Masseur-Kinésithérapeute": 80, "Infirmier": 40}


def test_saving_validates_and_warns_on_check_keys(store):
    with pytest.raises(PortalError) as error:
        person(store, phone="02 38")
    assert error.value.field == "phone"
    with pytest.raises(PortalError) as error:
        person(store, "")
    assert error.value.field == "last_name"
    with pytest.raises(PortalError) as error:
        person(store, accepts_patients="from")
    assert error.value.field == "accepts_from"
    good = rpps("1000345678")
    bad_key = good[:-1] + str((int(good[-1]) + 1) % 10)
    _, warnings = persons.save_person(store, COORD, {"last_name": "X", "rpps": bad_key})
    assert len(warnings) == 1 and "clé de contrôle" in warnings[0]
    stored = persons.get_person(store, person(store, phone="0238670000", commune_code=GIEN))
    assert stored["phone"] == "+33238670000"
    assert store.scalar("SELECT COUNT(*) FROM people WHERE last_name = ''") == 0


def test_only_coordinators_and_admins_edit(store):
    with pytest.raises(PermissionDenied):
        persons.save_person(store, MEMBER_ACTOR, {"last_name": "X"})
    with pytest.raises(PermissionDenied):
        organizations.save_organization(store, Actor("b", frozenset({BUREAU})), {"name": "X"})
    persons.save_person(store, Actor("a", frozenset({ADMIN})), {"last_name": "X"})


def test_fields_edited_by_hand_are_remembered_for_the_rpps_import(store):
    person_id = person(store, phone="0238670000")
    assert set(persons.get_person(store, person_id)["manual_fields"]) >= {"last_name", "phone"}
    store_values = persons.get_person(store, person_id)
    persons.save_person(store, COORD, {**store_values, "email": "j@example.org",
                                       "mssante": None}, person_id)
    assert "email" in persons.get_person(store, person_id)["manual_fields"]


def test_duplicates_same_rpps_or_same_names_and_commune(store):
    number = rpps("1000345678")
    a = person(store, rpps=number)
    b = person(store, "LEFEVRE", "julie")                 # same names, same commune
    c = person(store, "Autre", "Nom", rpps=number)        # same RPPS
    person(store, "Lefèvre", "Julie", commune_code=BRIARE)  # another commune: not flagged
    pairs = {(r.first_id, r.second_id, r.reason)
             for r in persons.possible_duplicates(store).itertuples()}
    assert pairs == {(a, b, "mêmes nom et commune"), (a, c, "même RPPS")}
    assert len(persons.possible_duplicates(store, b)) == 1


def test_merge_moves_links_fills_gaps_and_keeps_the_dropped_record(store):
    msp, ccas = org(store), org(store, "CCAS", sector="social", kind="ccas")
    keep = person(store, organizations=[msp], tags=["ETP diabète"])
    drop = person(store, "Lefevre", "Julie", organizations=[msp, ccas], tags=["plaies"],
                  email="julie@example.org", phone="0238670000")
    persons.merge_people(store, COORD, keep, drop)
    merged = persons.get_person(store, keep)
    assert {o["id"] for o in merged["organizations"]} == {msp, ccas}
    assert merged["tags"] == ["ETP diabète", "plaies"]
    assert merged["email"] == "julie@example.org" and merged["phone"] == "+33238670000"
    assert persons.get_person(store, drop)["merged_into"] == keep
    assert count_people(store, ALL) == 1
    assert names(search_people(store, ALL.replace(text="plaies"))) == ["Lefèvre Julie"]
    assert persons.possible_duplicates(store).empty
    actions = {r["action"] for r in store.query(
        "SELECT action FROM audit_log WHERE entity = 'person'")}
    assert {"merge", "merge_keep", "merge_fill"} <= actions
    with pytest.raises(PortalError):
        persons.merge_people(store, COORD, keep, drop)


def test_export_then_erase_on_request(store):
    msp = org(store)
    person_id = person(store, email="julie@example.org", rpps=rpps("1000345678"),
                       organizations=[msp], tags=["plaies"])
    exported = persons.export_person(store, COORD, person_id)
    json.dumps(exported)  # plain data
    assert exported["fiche"]["email"] == "julie@example.org"
    assert exported["structures"][0]["name"] == "MSP des Bords de Loire"
    assert exported["historique"]
    persons.erase_person(store, COORD, person_id)
    erased = persons.get_person(store, person_id)
    assert erased["last_name"] == "Personne effacée" and erased["email"] is None
    assert erased["rpps"] is None and erased["tags"] == []
    assert erased["profession_code"] == "60" and erased["commune_code"] == GIEN  # counts
    assert count_people(store, ALL.replace(text="lefevre")) == 0
    leftovers = store.query("SELECT before, after FROM audit_log WHERE entity = 'person'"
                            " AND entity_id = ? AND action != 'erase'", (str(person_id),))
    assert leftovers and all(r["before"] is None and r["after"] is None for r in leftovers)
    assert "julie@example.org" not in json.dumps(store.query("SELECT * FROM audit_log"))


def test_organisations_list_with_people_counts(store):
    msp = org(store)
    org(store, "Pharmacie du Berry", kind="pharmacie", commune=AUBIGNY)
    person(store, organizations=[msp])
    frame, total = organizations.list_organizations(store, text="berry")
    assert total == 1 and frame.iloc[0]["commune"] == "Aubigny-sur-Nère"
    frame, total = organizations.list_organizations(store, kind="msp")
    assert total == 1 and frame.iloc[0]["people"] == 1
    with pytest.raises(PortalError) as error:
        organizations.save_organization(store, COORD, {"name": "X", "kind": "msp",
                                                       "sector": "sanitaire", "finess": "12"})
    assert error.value.field == "finess"


def test_territory_communes_population_and_size(store):
    admin = Actor("admin", frozenset({ADMIN}))
    assert territory.add_communes(store, admin, [GIEN, BRIARE, AUBIGNY]) == 3
    assert territory.add_communes(store, admin, [GIEN]) == 0
    assert territory.population(store) == 13459 + 4911 + 5451
    assert territory.suggested_size(territory.population(store)) == 1
    assert territory.suggested_size(80_000) == 3 and territory.suggested_size(200_000) == 4
    with pytest.raises(PortalError, match="inconnues"):
        territory.add_communes(store, admin, ["99999"])
    with pytest.raises(PermissionDenied):
        territory.add_communes(store, COORD, ["45053"])
    assert territory.remove_communes(store, admin, [BRIARE]) == 1
    assert list(territory.communes(store)["name"]) == ["Aubigny-sur-Nère", "Gien"]


def test_vcards_of_people_with_and_without_a_structure_phone_or_address(store):
    msp = org(store)
    person(store, "Avec", "Anne", organizations=[msp], phone="02 38 67 00 00",
           email="anne@example.org", tags=["diabète"])
    person(store, "Sans", "Sam")  # no structure, phone, e-mail nor tag: blanks in the frame
    data = exports.vcards_bytes(vcard_contacts(store, ALL)).decode()
    cards = {c.contents["fn"][0].value: c for c in vobject.readComponents(data)}
    assert set(cards) == {"Anne Avec", "Sam Sans"}
    assert cards["Anne Avec"].org.value == ["MSP des Bords de Loire"]
    assert cards["Anne Avec"].tel.value == "02 38 67 00 00"
    assert "nan" not in data.lower()  # a blank cell once came out as "nan" or crashed
    assert set(cards["Sam Sans"].contents) == {"version", "n", "fn", "title"}
