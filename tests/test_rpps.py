"""RPPS extraction import: both header variants, messy rows, upsert rules, bad files."""

from __future__ import annotations

import io
import zipfile

import pytest
from rpps_files import header, line, professional

from portal.core import validation
from portal.core.errors import PortalError
from portal.core.roles import ADMIN, COORDINATOR, Actor
from portal.directory import persons, rpps, search, territory
from portal.directory.search import Filters

ADMIN_ACTOR = Actor("admin", frozenset({ADMIN}))
COORD = Actor("coord", frozenset({COORDINATOR}))
GIEN, BRIARE, AJACCIO, PARIS = "45155", "45053", "2A004", "75056"


def number(body: str) -> str:
    return next(body + d for d in "0123456789" if validation.luhn_ok(body + d))


A, B, C = number("1000000001"), number("1000000002"), number("1000000003")


@pytest.fixture
def store(store):
    territory.add_communes(store, ADMIN_ACTOR, [GIEN, BRIARE, AJACCIO])
    return store


def extraction(rows, variant="A") -> io.BytesIO:
    text = header(variant) + "".join(line(r, variant) for r in rows)
    return io.BytesIO(text.encode("utf-8"))


def messy_rows():
    return [
        professional(A, "D'AMIENS", "JEAN-PIERRE", GIEN, exercise_civility="DR",
                     skill_type="S", skill="SM54", phone="0238670000",
                     email="jp.damiens@medecin.mssante.fr", street_number="12",
                     street_repeat="bis", street_type="rue", street="Jean Mermoz",
                     distribution="BP 12", cedex="45500 GIEN CEDEX"),
        # Same professional, second place of practice: one person.
        professional(A, "D'AMIENS", "JEAN-PIERRE", BRIARE),
        professional(B, "OLMETA", "MARIE", AJACCIO, civility="MME", profession="60",
                     phone="04 95 00 00 00"),
        # Empty optional fields, a phone nobody can call, an e-mail with a typo.
        professional(C, "NGUYEN", "", GIEN, profession="70", phone="12", email="a@",
                     mode=""),
        professional(number("1000000004"), "LOIN", "PAUL", PARIS),  # out of the territory
    ]


def test_both_header_variants_give_the_same_people(store):
    plans = [rpps.plan(store, extraction(messy_rows(), variant)) for variant in "AB"]
    for result in plans:
        assert result.errors == []
        assert result.rows_read == 5 and result.rows_kept == 4
        assert sorted(v["last_name"] for v in result.new) == ["D'AMIENS", "NGUYEN", "OLMETA"]
    assert plans[0].new == plans[1].new


def test_messy_rows_are_cleaned_and_warned_about(store):
    result = rpps.plan(store, extraction(messy_rows()))
    by_name = {v["last_name"]: v for v in result.new}
    damiens = by_name["D'AMIENS"]
    assert damiens["civility"] == "Dr" and damiens["first_name"] == "Jean-Pierre"
    assert damiens["specialty_code"] == "SM54" and damiens["phone"] == "+33238670000"
    assert damiens["address"] == "12 bis rue Jean Mermoz, BP 12"
    assert damiens["rpps"] == A and damiens["commune_code"] == GIEN
    assert by_name["OLMETA"]["phone"] == "+33495000000"  # Corsica: 2A, still France
    nguyen = by_name["NGUYEN"]
    assert nguyen["phone"] is None and nguyen["email"] is None
    assert nguyen["practice_mode"] is None and nguyen["first_name"] == ""
    assert len(result.warnings) == 2


def test_dry_run_writes_nothing_then_apply_writes_all(store):
    before = store.scalar("SELECT COUNT(*) FROM audit_log")
    result = rpps.plan(store, extraction(messy_rows()))
    assert result.summary()["nouvelles"] == 3
    assert store.scalar("SELECT COUNT(*) FROM people") == 0
    assert store.scalar("SELECT COUNT(*) FROM audit_log") == before
    rpps.apply(store, COORD, result, rpps.source_date("PS_LibreAcces_Personne_activite_"
                                                      "202611010930.txt"))
    people = search.search_people(store, Filters(include_hidden=True))
    assert list(people["last_name"]) == ["D'AMIENS", "NGUYEN", "OLMETA"]
    stored = persons.get_person(store, int(people.iloc[0]["id"]))
    assert stored["source"] == "rpps" and stored["source_date"] == "2026-11-01"
    assert stored["manual_fields"] == []
    assert search.count_people(store, Filters(include_hidden=True, text="damiens")) == 1


def test_upsert_updates_keeps_hand_edits_and_flags_who_left(store):
    rpps.apply(store, COORD, rpps.plan(store, extraction(messy_rows())))
    damiens = search.search_people(store, Filters(include_hidden=True, text="damiens"))
    damiens_id = int(damiens.iloc[0]["id"])
    # A coordinator corrects the e-mail by hand.
    current = persons.get_person(store, damiens_id)
    persons.save_person(store, COORD, {**current, "email": "jp@cabinet.example.org"},
                        damiens_id)
    rows = messy_rows()
    rows[0]["phone"] = "0238671111"       # changed upstream: updated
    rows[0]["email"] = "nouveau@medecin.mssante.fr"  # changed upstream, but edited here
    del rows[2]                            # OLMETA no longer listed: flagged, not deleted
    result = rpps.plan(store, extraction(rows))
    assert [changes for _, changes in result.updated] == [{"phone": "+33238671111"}]
    assert result.unchanged == 1 and len(result.left) == 1
    assert len(result.conflicts) == 1 and "email" in result.conflicts[0]
    rpps.apply(store, COORD, result)
    after = persons.get_person(store, damiens_id)
    assert after["phone"] == "+33238671111" and after["email"] == "jp@cabinet.example.org"
    olmeta = persons.get_person(store, result.left[0])
    assert olmeta["left_territory"] == 1 and olmeta["last_name"] == "OLMETA"
    # Back in the next extraction: no longer flagged.
    back = rpps.plan(store, extraction(messy_rows()))
    assert back.returned == [olmeta["id"]] and not back.new
    rpps.apply(store, COORD, back)
    assert persons.get_person(store, olmeta["id"])["left_territory"] == 0


@pytest.mark.parametrize("content, message", [
    (b"", "vide"),
    (b"\n\n", "vide"),
    ("Nom;Prénom;Ville\nMartin;Marie;Gien\n".encode(), "colonnes introuvables"),
])
def test_files_that_are_not_an_extraction_are_refused(store, content, message):
    with pytest.raises(PortalError, match=message):
        rpps.plan(store, io.BytesIO(content))


def test_a_zero_byte_upload_is_refused():
    with pytest.raises(PortalError, match="0 octet"):
        rpps.read_upload(b"")


def bad_lines(store, data: bytes) -> list[str]:
    result = rpps.plan(store, io.BytesIO(data))
    with pytest.raises(PortalError, match="rien n'a été importé"):
        rpps.apply(store, COORD, result)
    assert store.scalar("SELECT COUNT(*) FROM people") == 0
    return result.errors


def test_wrong_encoding_truncation_and_extra_fields_write_nothing(store):
    rows = messy_rows()
    good = header() + line(rows[0]) + line(rows[2])
    windows = (header() + line(rows[0])).encode("utf-8") + \
        line(professional(C, "LEFÈVRE", "HÉLÈNE", GIEN)).encode("cp1252")
    assert bad_lines(store, windows) == [
        ("Ligne 3 : caractères illisibles — le fichier doit être en UTF-8 (l'extraction "
         "officielle l'est ; un fichier réenregistré par Excel ne l'est souvent plus).")]
    truncated = good.encode()[:-40]
    assert "incomplète (fichier tronqué ?)" in bad_lines(store, truncated)[0]
    extra = good.replace("|\n", "|en trop|\n", 1).replace(header(), "", 1)
    assert "trop de champs" in bad_lines(store, (header() + extra).encode())[0]


def test_a_published_zip_is_read_without_unpacking(store):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("PS_LibreAcces_Personne_activite_202611010930.txt",
                   extraction(messy_rows()).getvalue())
    archive.seek(0)
    assert len(rpps.plan(store, archive).new) == 3


def test_an_empty_territory_is_explained(store):
    territory.remove_communes(store, ADMIN_ACTOR, [GIEN, BRIARE, AJACCIO])
    with pytest.raises(PortalError, match="communes du territoire"):
        rpps.plan(store, extraction(messy_rows()))
