"""The directory ("interconnaissance"): people and organisations of the territory.

Members read it; coordinators and admins edit it. Search runs on an FTS5 index of names,
organisations and activity tags (accents and case ignored), filters and pagination in
SQL. A person's fields edited by hand are remembered, so an RPPS import never overwrites
them; duplicates are flagged, merged with links and history kept; a person can have all
the portal holds on them exported, or be erased (anonymised, counts kept).
"""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd

from ..association import memberships
from ..core import audit, roles, validation
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import date_fr, fold, qualified, records
from ..core.roles import ADMIN, BUREAU, COORDINATOR, Actor
from ..core.transactions import Transaction, iso, now

EDITORS = roles.EDIT["directory"]

CIVILITIES = ("Dr", "Pr", "Mme", "M.")
PRACTICE_MODES = {"liberal": "Libéral", "salarie": "Salarié", "mixte": "Mixte"}
ACCEPTS = {"yes": "Oui", "no": "Non", "from": "À partir d'une date"}

# Fields an RPPS import maintains: once edited by hand, the import leaves them alone.
IMPORTED_FIELDS = ("civility", "last_name", "first_name", "profession_code", "specialty_code",
                   "practice_mode", "phone", "email", "commune_code", "address")
PERSON_FIELDS = ("civility", "last_name", "first_name", "profession_code", "specialty_code",
                 "rpps", "adeli", "practice_mode", "phone", "email", "mssante", "commune_code",
                 "address", "accepts_patients", "accepts_from", "snp", "visible")
# Tables that point at a person: a merge moves their rows to the person kept.
PERSON_REFERENCES = [("person_organizations", "person_id"), ("person_tags", "person_id"),
                     ("action_referents", "person_id"), ("attendees", "person_id"),
                     ("meetings", "organiser_id"), ("mandates", "person_id"),
                     ("decisions", "owner_id"), ("mt_requests", "doctor_id"),
                     ("mt_steps", "doctor_id"), ("doctor_capacity", "person_id"),
                     ("snp_slots", "person_id"), ("snp_requests", "person_id"),
                     ("memberships", "person_id"), ("officer_details", "person_id"),
                     ("indemnity_lines", "person_id"), ("indemnity_statements", "person_id"),
                     ("crisis_contacts", "person_id"), ("crisis_resources", "person_id")]


def sees_hidden(actor: Actor) -> bool:
    """Members see only people who agreed to appear; the board and editors see everyone."""
    return actor.has(ADMIN, COORDINATOR, BUREAU)


def name_key(last_name: str, first_name: str) -> str:
    return f"{fold(last_name).strip()}|{fold(first_name).strip()}"


def department(tx: Transaction, commune_code: str | None) -> str | None:
    """The commune's département (it sets the phone region); unknown codes are refused."""
    if not commune_code:
        return None
    row = tx.one("SELECT department FROM communes WHERE code = ?", (commune_code,))
    if row is None:
        raise PortalError(f"Commune inconnue : {commune_code}.", field="commune_code")
    return row["department"]


def _tags(values) -> list[str]:
    """Free activity tags, trimmed, case kept, duplicates (ignoring case) dropped."""
    if isinstance(values, str):
        values = values.split(",")
    seen, tags = set(), []
    for tag in values or []:
        tag = re.sub(r"\s+", " ", str(tag)).strip()
        if tag and fold(tag) not in seen:
            seen.add(fold(tag))
            tags.append(tag[:60])
    return tags


# -- people: writing ----------------------------------------------------------------


def clean_person(tx: Transaction, values: dict) -> tuple[dict, list[str]]:
    """Validate a person's fields; returns (clean values, warnings)."""
    warnings = []
    out = {k: values.get(k) for k in PERSON_FIELDS}
    for key in ("civility", "last_name", "first_name", "address", "profession_code",
                "specialty_code", "commune_code", "practice_mode", "accepts_patients"):
        out[key] = validation.clean(out[key]) or None
    if not out["last_name"]:
        raise PortalError("Indiquez le nom.", field="last_name")
    out["first_name"] = out["first_name"] or ""
    if out["civility"] and out["civility"] not in CIVILITIES:
        raise PortalError("Civilité inconnue.", field="civility")
    if out["profession_code"] and not tx.one("SELECT 1 AS x FROM professions WHERE code = ?",
                                             (out["profession_code"],)):
        raise PortalError("Profession inconnue.", field="profession_code")
    if out["specialty_code"] and not tx.one("SELECT 1 AS x FROM specialties WHERE code = ?",
                                            (out["specialty_code"],)):
        raise PortalError("Spécialité inconnue.", field="specialty_code")
    if out["practice_mode"] and out["practice_mode"] not in PRACTICE_MODES:
        raise PortalError("Mode d'exercice inconnu.", field="practice_mode")
    region = department(tx, out["commune_code"])
    out["phone"] = validation.phone(out["phone"], region)
    out["email"] = validation.email(out["email"])
    out["mssante"] = validation.email(out["mssante"], field="mssante")
    for key, check in (("rpps", validation.rpps), ("adeli", validation.adeli)):
        out[key], warning = check(out[key])
        if warning:
            warnings.append(warning)
    if out["accepts_patients"] and out["accepts_patients"] not in ACCEPTS:
        raise PortalError("Réponse inconnue.", field="accepts_patients")
    if out["accepts_patients"] == "from":
        if not out["accepts_from"]:
            raise PortalError("Indiquez à partir de quelle date.", field="accepts_from")
        out["accepts_from"] = str(out["accepts_from"])[:10]
    else:
        out["accepts_from"] = None
    out["snp"] = int(bool(out["snp"]))
    out["visible"] = int(out["visible"] is None or bool(out["visible"]))
    return out, warnings


def index_person(tx: Transaction, person_id: int) -> None:
    """Rewrite the person's search row from their names, organisations and tags."""
    tx.execute("DELETE FROM people_fts WHERE rowid = ?", (person_id,))
    person = tx.one("SELECT last_name, first_name, merged_into, erased_at FROM people"
                    " WHERE id = ?", (person_id,))
    if person is None or person["merged_into"] or person["erased_at"]:
        return
    organizations = " ".join(r["name"] for r in tx.all(
        "SELECT o.name FROM organizations o JOIN person_organizations po"
        " ON po.organization_id = o.id WHERE po.person_id = ?", (person_id,)))
    tags = " ".join(r["tag"] for r in tx.all(
        "SELECT tag FROM person_tags WHERE person_id = ?", (person_id,)))
    names = f"{person['last_name']} {person['first_name']}"
    # "D'Amiens" is indexed as "d", "amiens" and also "damiens", as people type it.
    joined = re.sub(r"[-'’]", "", names)
    if joined != names:
        names = f"{names} {joined}"
    tx.execute("INSERT INTO people_fts (rowid, names, organizations, tags) VALUES (?, ?, ?, ?)",
               (person_id, names, organizations, tags))


def _set_links(tx: Transaction, person_id: int, organization_ids, tags) -> None:
    before_orgs = [r["organization_id"] for r in tx.all(
        "SELECT organization_id FROM person_organizations WHERE person_id = ?"
        " ORDER BY organization_id", (person_id,))]
    before_tags = [r["tag"] for r in tx.all(
        "SELECT tag FROM person_tags WHERE person_id = ? ORDER BY tag", (person_id,))]
    after_orgs = sorted({int(i) for i in organization_ids or []})
    after_tags = sorted(_tags(tags))
    if (before_orgs, before_tags) == (after_orgs, after_tags):
        return
    tx.execute("DELETE FROM person_organizations WHERE person_id = ?", (person_id,))
    tx.executemany("INSERT INTO person_organizations VALUES (?, ?)",
                   [(person_id, i) for i in after_orgs])
    tx.execute("DELETE FROM person_tags WHERE person_id = ?", (person_id,))
    tx.executemany("INSERT INTO person_tags VALUES (?, ?)",
                   [(person_id, t) for t in after_tags])
    tx.audit("person", person_id, "affiliations",
             before={"organizations": before_orgs, "tags": before_tags},
             after={"organizations": after_orgs, "tags": after_tags})


def write_person(tx: Transaction, values: dict, person_id: int | None = None,
                 organization_ids=(), tags=(), source: str = "manual",
                 source_date: str | None = None) -> tuple[int, list[str]]:
    """Create or update a person inside a caller's transaction (forms, imports).

    Fields typed by hand are recorded in manual_fields so that the RPPS import keeps
    them; a record created by an import starts with none.
    """
    clean, warnings = clean_person(tx, values)
    stamp = iso(now())
    clean["name_key"] = name_key(clean["last_name"], clean["first_name"])
    if person_id is None:
        typed = [f for f in IMPORTED_FIELDS if clean.get(f)] if source != "rpps" else []
        person_id = tx.insert("people", {
            **clean, "manual_fields": json.dumps(typed), "source": source,
            "source_date": source_date, "created_at": stamp,
            "updated_at": stamp}, entity="person")
    else:
        before = tx.one("SELECT * FROM people WHERE id = ?", (person_id,))
        if before is None or before["merged_into"] or before["erased_at"]:
            raise PortalError("Cette fiche n'existe plus (fusionnée ou effacée).")
        edited = {f for f in IMPORTED_FIELDS if before[f] != clean[f]}
        manual = sorted(set(json.loads(before["manual_fields"])) | edited)
        changed = tx.update("people", person_id,
                            {**clean, "manual_fields": json.dumps(manual)}, entity="person")
        if changed:
            tx.execute("UPDATE people SET updated_at = ? WHERE id = ?", (stamp, person_id))
    _set_links(tx, person_id, organization_ids, tags)
    index_person(tx, person_id)
    return person_id, warnings


def save_person(store: Store, actor: Actor, values: dict, person_id: int | None = None,
                organization_ids=(), tags=()) -> tuple[int, list[str]]:
    """Create or update a person from a form; returns (id, warnings on check keys)."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        return write_person(tx, values, person_id, organization_ids, tags)


# -- organisations ------------------------------------------------------------------


def known_tags(store: Store) -> list[str]:
    """Every specific activity already given to someone, for the picker to propose."""
    return [r["tag"] for r in store.query("SELECT DISTINCT tag FROM person_tags ORDER BY tag")]


def person_label(row: dict) -> str:
    """'LAST First (profession, commune)' for pickers: namesakes told apart by what
    tells them apart for a coordinator, a blank left out."""
    name = " ".join(p for p in (row["last_name"], row.get("first_name")) if p)
    return qualified(name, row.get("profession"), row.get("commune"))


def person_choices(store: Store, condition: str = "1", params=()) -> dict[int, str]:
    """id -> 'LAST First (profession, commune)' of the current records that meet
    `condition` (SQL on `p`, the people table; all of them by default), by name."""
    return {r["id"]: person_label(r) for r in store.query(
        "SELECT p.id, p.last_name, p.first_name, pr.label AS profession, c.name AS commune"
        " FROM people p LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes c ON c.code = p.commune_code"
        f" WHERE p.merged_into IS NULL AND p.erased_at IS NULL AND ({condition})"
        " ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE", params)}


def get_person(store: Store, person_id: int) -> dict | None:
    person = store.query_one(
        f"SELECT p.*, {memberships.member_sql()} AS member, pr.label AS profession,"
        " sp.short_label AS specialty,"
        " c.name AS commune, c.department FROM people p"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN specialties sp ON sp.code = p.specialty_code"
        " LEFT JOIN communes c ON c.code = p.commune_code WHERE p.id = ?", (person_id,))
    if person is None:
        return None
    person["organizations"] = store.query(
        "SELECT o.id, o.name, o.kind, o.sector FROM organizations o"
        " JOIN person_organizations po ON po.organization_id = o.id"
        " WHERE po.person_id = ? ORDER BY o.name", (person_id,))
    person["tags"] = [r["tag"] for r in store.query(
        "SELECT tag FROM person_tags WHERE person_id = ? ORDER BY tag", (person_id,))]
    person["manual_fields"] = json.loads(person["manual_fields"])
    return person


def person_for(store: Store, actor: Actor, person_id: int) -> dict | None:
    """The record as `actor` may read it, or None: members never see a person who did not
    agree to appear, and only editors open an erased record (to see it is erased)."""
    person = get_person(store, person_id)
    if person is None or (not person["visible"] and not sees_hidden(actor)) \
            or (person["erased_at"] and not actor.has(*EDITORS)):
        return None
    return person


def possible_duplicates(store: Store, person_id: int | None = None) -> pd.DataFrame:
    """Pairs of live records with the same RPPS, or the same names in the same commune."""
    only = " AND (a.id = :id OR b.id = :id)" if person_id else ""
    return store.frame(
        "SELECT a.id AS first_id, b.id AS second_id,"
        " a.last_name || ' ' || a.first_name AS first_name,"
        " b.last_name || ' ' || b.first_name AS second_name,"
        " CASE WHEN a.rpps = b.rpps THEN 'même RPPS' ELSE 'mêmes nom et commune' END AS reason"
        " FROM people a JOIN people b ON a.id < b.id"
        " AND ((a.rpps IS NOT NULL AND a.rpps = b.rpps)"
        "      OR (a.name_key = b.name_key AND a.commune_code IS b.commune_code))"
        " WHERE a.merged_into IS NULL AND b.merged_into IS NULL"
        " AND a.erased_at IS NULL AND b.erased_at IS NULL" + only +
        " ORDER BY a.last_name, a.id", {"id": person_id})


# -- merge, export, erase -----------------------------------------------------------


def merge_people(store: Store, actor: Actor, keep_id: int, drop_id: int) -> None:
    """Merge `drop_id` into `keep_id`: empty fields filled, links moved, the dropped
    record kept (merged_into) so its history still reads."""
    roles.require(actor, *EDITORS)
    if keep_id == drop_id:
        raise PortalError("Choisissez deux fiches différentes.")
    with store.write(actor) as tx:
        keep = tx.one("SELECT * FROM people WHERE id = ?", (keep_id,))
        drop = tx.one("SELECT * FROM people WHERE id = ?", (drop_id,))
        if not keep or not drop or keep["merged_into"] or drop["merged_into"]:
            raise PortalError("Une des deux fiches n'existe plus.")
        filled = {f: drop[f] for f in PERSON_FIELDS if keep[f] in (None, "") and drop[f]}
        if filled:
            tx.update("people", keep_id, filled, entity="person", action="merge_fill")
        # Both cards members the same year: the payments join the kept card's membership
        # (money received twice stays in sight), and the other membership goes.
        for twin in tx.all("SELECT d.id AS dropped, k.id AS kept FROM memberships d"
                           " JOIN memberships k ON k.year = d.year AND k.person_id = ?"
                           " WHERE d.person_id = ?", (keep_id, drop_id)):
            tx.execute("UPDATE membership_payments SET membership_id = ?"
                       " WHERE membership_id = ?", (twin["kept"], twin["dropped"]))
        for table, column in PERSON_REFERENCES:
            tx.execute(f"UPDATE OR IGNORE {table} SET {column} = ? WHERE {column} = ?",
                       (keep_id, drop_id))
            tx.execute(f"DELETE FROM {table} WHERE {column} = ?", (drop_id,))
        # An account is never deleted with a record: it follows the kept one if free.
        tx.execute("UPDATE OR IGNORE users SET person_id = ? WHERE person_id = ?",
                   (keep_id, drop_id))
        tx.execute("UPDATE users SET person_id = NULL WHERE person_id = ?", (drop_id,))
        tx.update("people", drop_id, {"merged_into": keep_id, "updated_at": iso(now())},
                  entity="person", action="merge")
        tx.audit("person", keep_id, "merge_keep", after={"merged": drop_id})
        index_person(tx, keep_id)
        index_person(tx, drop_id)


def export_person(store: Store, actor: Actor, person_id: int) -> dict:
    """All the portal holds on one person (right of access), as plain JSON-able data."""
    roles.require(actor, *EDITORS)
    person = get_person(store, person_id)
    if person is None:
        raise PortalError("Fiche introuvable.")
    return {
        "exporte_le": iso(now()),
        "fiche": {k: v for k, v in person.items() if k not in ("organizations", "tags")},
        "structures": person["organizations"],
        "activites": person["tags"],
        "historique": [{**row, "before": json.loads(row["before"] or "null"),
                        "after": json.loads(row["after"] or "null")}
                       for row in records(audit.history(store, "person", person_id))],
    }


def erase_person(store: Store, actor: Actor, person_id: int) -> None:
    """Erase on request: identity and contact removed, profession and commune kept for
    the counts; earlier audit rows of this person lose their values (who and when stay)."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        person = tx.one("SELECT * FROM people WHERE id = ?", (person_id,))
        if person is None or person["erased_at"]:
            raise PortalError("Cette fiche est déjà effacée ou n'existe pas.")
        blank = {f: None for f in ("civility", "rpps", "adeli", "phone", "email", "mssante",
                                   "address", "accepts_from", "source_date")}
        tx.execute(
            "UPDATE people SET " + ", ".join(f"{f} = NULL" for f in blank) +
            ", last_name = 'Personne effacée', first_name = '', name_key = ?, visible = 0,"
            " erased_at = ?, updated_at = ? WHERE id = ?",
            (f"efface|{person_id}", iso(now()), iso(now()), person_id))
        tx.execute("DELETE FROM person_tags WHERE person_id = ?", (person_id,))
        tx.execute("DELETE FROM officer_details WHERE person_id = ?", (person_id,))
        tx.redact("person", [person_id])
        tx.redact("officer", [person_id])
        tx.audit("person", person_id, "erase")
        index_person(tx, person_id)


def is_available(person: dict) -> str:
    """'Oui', 'Non', 'À partir du 01/02/2027' or '' for accepting new patients."""
    if person.get("accepts_patients") == "from":
        day = person.get("accepts_from")
        if day and date.fromisoformat(day) <= date.today():
            return "Oui"
        return f"À partir du {date_fr(day)}"
    return ACCEPTS.get(person.get("accepts_patients") or "", "")
