"""Import of the Annuaire Santé public extraction (RPPS / ADELI), for the territory only.

The national file (PS_LibreAcces_Personne_activite_*.txt, about 800 MB, 2.2 million
rows, one per professional and place of practice) is streamed line by line, never held
whole. Only rows whose practice commune is in the territory are decoded and kept.
Columns are matched by a normalised name, never by position, so both header variants
(52 and 56 columns) work. The import is planned first (new / updated / unchanged /
left the territory), shown as a dry run, then written in one transaction; a field edited
by hand in the portal is never overwritten, the difference is reported instead.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from ..core import archives, roles, validation
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import Actor
from ..core.transactions import iso, now
from . import persons, territory

# Our name -> the normalised header names it may carry (lower case, no accents, letters
# and digits only). Variant B spells a few labels differently; both are listed.
COLUMNS = {
    "id_type": ("typedidentifiantpp", "typeidentifiantpp"),
    "id": ("identifiantpp",),
    "national_id": ("identificationnationalepp",),
    "exercise_civility": ("codecivilitedexercice", "codeciviliteexercice"),
    "civility": ("codecivilite",),
    "last_name": ("nomdexercice", "nomexercice"),
    "first_name": ("prenomdexercice", "prenomexercice"),
    "profession": ("codeprofession",),
    "skill_type": ("codetypesavoirfaire",),
    "skill": ("codesavoirfaire",),
    "mode": ("codemodeexercice",),
    "street_number": ("numerovoiecoordstructure",),
    "street_repeat": ("indicerepetitionvoiecoordstructure",),
    "street_type": ("libelletypedevoiecoordstructure", "libelletypevoiecoordstructure"),
    "street": ("libellevoiecoordstructure",),
    "complement": ("complementdestinatairecoordstructure",),
    "place": ("complementpointgeographiquecoordstructure",),
    "distribution": ("mentiondistributioncoordstructure",),
    "commune": ("codecommunecoordstructure",),
    "phone": ("telephonecoordstructure",),
    "email": ("adresseemailcoordstructure", "adressemailcoordstructure"),
}
OPTIONAL = {"skill_type", "skill", "street_number", "street_repeat", "street_type", "street",
            "complement", "place", "distribution", "phone", "email", "exercise_civility"}
CIVILITIES = {"DR": "Dr", "PR": "Pr", "M": "M.", "MME": "Mme", "MLLE": "Mme"}
MODES = {"L": "liberal", "S": "salarie"}
MAX_ERRORS = 50
# The national extraction is about 800 MB (2.2 million lines of under 1 KB), zipped in
# one or two files: caps well above it, met only by a broken or hostile file.
MAX_EXPANDED = 2 * 1024 ** 3
MAX_LINE = 64 * 1024
MAX_MEMBERS = 10


def normalise(header: str) -> str:
    decomposed = unicodedata.normalize("NFKD", header.lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed
                                            if not unicodedata.combining(c)))


def map_columns(header_line: str) -> tuple[dict[str, int], int]:
    """Our names -> positions in this file's header; and how many fields a line has."""
    names = header_line.rstrip("\r\n").split("|")
    positions = {normalise(n): i for i, n in enumerate(names) if n}
    mapping, missing = {}, []
    for key, aliases in COLUMNS.items():
        found = next((positions[a] for a in aliases if a in positions), None)
        if found is None:
            if key not in OPTIONAL:
                missing.append(key)
        else:
            mapping[key] = found
    if missing:
        raise PortalError(
            "Ce fichier n'est pas l'extraction « Personne activité » de l'Annuaire Santé : "
            f"colonnes introuvables ({', '.join(missing)}).", field="file")
    return mapping, len(names)


@dataclass
class Scan:
    """What the file holds for the territory."""
    rows_read: int = 0
    rows_kept: int = 0
    people: dict[str, dict] = field(default_factory=dict)  # national id -> values
    errors: list[str] = field(default_factory=list)


def open_extraction(source: Path | BinaryIO, max_expanded: int = MAX_EXPANDED) -> BinaryIO:
    """A binary stream of the extraction, from a .txt or the .zip it is published in."""
    stream = source.open("rb") if isinstance(source, Path) else source
    head = stream.read(4)
    stream.seek(0)
    if head == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(stream)
        except zipfile.BadZipFile:
            raise PortalError("Cette archive .zip est illisible (fichier tronqué ?).",
                              field="file") from None
        archives.check_zip(archive, max_expanded, MAX_MEMBERS)
        members = [n for n in archive.namelist() if n.lower().endswith(".txt")]
        if not members:
            raise PortalError("L'archive ne contient aucun fichier .txt.", field="file")
        preferred = [n for n in members if "personne_activite" in n.lower()]
        return archive.open((preferred or members)[0])
    return stream


def _text(raw: bytes, line_number: int, errors: list[str]) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        errors.append(f"Ligne {line_number} : caractères illisibles — le fichier doit être en "
                      "UTF-8 (l'extraction officielle l'est ; un fichier réenregistré par "
                      "Excel ne l'est souvent plus).")
        return None


def scan(source: Path | BinaryIO, communes: set[str],
         progress: Callable[[int], None] | None = None,
         max_expanded: int = MAX_EXPANDED) -> Scan:
    """Read the extraction once, keeping the territory's rows grouped by professional."""
    result = Scan()
    rows = archives.lines(open_extraction(source, max_expanded), MAX_LINE)
    header = next(rows, b"")
    if not header.strip():
        raise PortalError("Le fichier est vide.", field="file")
    header_text = _text(header, 1, result.errors)
    if header_text is None:
        raise PortalError(result.errors[0], field="file")
    mapping, width = map_columns(header_text.lstrip("\ufeff"))
    commune_at = mapping["commune"]
    # Only the commune column is needed to decide; split bytes, decode kept lines only.
    wanted = {c.encode() for c in communes}
    separator = b"|"
    for number, raw in enumerate(rows, start=2):
        if progress and number % 50_000 == 0:
            progress(50_000)
        result.rows_read += 1
        parts = raw.rstrip(b"\r\n").split(separator)
        if len(parts) != width:
            if not raw.strip():
                continue
            if len(result.errors) < MAX_ERRORS:
                cause = ("incomplète (fichier tronqué ?)" if len(parts) < width
                         else "trop de champs")
                result.errors.append(f"Ligne {number} : {cause} — {len(parts)} champs au lieu "
                                     f"de {width}.")
            continue
        if parts[commune_at] not in wanted:
            continue
        line = _text(raw, number, result.errors)
        if line is None:
            continue
        fields = line.rstrip("\r\n").split("|")
        values = {key: fields[i].strip() for key, i in mapping.items()}
        result.rows_kept += 1
        key = values["national_id"] or f"{values['id_type']}{values['id']}"
        # One row per place of practice: the first one gives the person's details.
        result.people.setdefault(key, values)
    if progress:
        progress(result.rows_read % 50_000)
    return result


def _address(values: dict) -> str | None:
    street = " ".join(v for v in (values.get("street_number"), values.get("street_repeat"),
                                  values.get("street_type"), values.get("street")) if v)
    parts = [p for p in (values.get("complement"), values.get("place"), street,
                         values.get("distribution")) if p]
    return ", ".join(parts) or None


def person_values(values: dict, departments: dict[str, str],
                  warnings: list[str]) -> dict:
    """The portal's fields from one extraction row; unusable contact data dropped with a
    warning (public data is not always clean), never a refusal."""
    commune = values["commune"]
    out = {
        "civility": CIVILITIES.get(values.get("exercise_civility", "").upper())
        or CIVILITIES.get(values["civility"].upper()),
        "last_name": values["last_name"],
        "first_name": values["first_name"].title(),
        "profession_code": values["profession"] or None,
        "specialty_code": values.get("skill") or None,
        "practice_mode": MODES.get(values["mode"].upper()),
        "commune_code": commune,
        "address": _address(values),
        "phone": None,
        "email": None,
    }
    name = f"{out['first_name']} {out['last_name']}"
    try:
        out["phone"] = validation.phone(values.get("phone"), departments.get(commune))
    except PortalError:
        warnings.append(f"{name} : téléphone « {values.get('phone')} » ignoré (invalide).")
    try:
        out["email"] = validation.email(values.get("email"))
    except PortalError:
        warnings.append(f"{name} : e-mail « {values.get('email')} » ignoré (invalide).")
    return out


@dataclass
class Plan:
    new: list[dict] = field(default_factory=list)
    updated: list[tuple[int, dict]] = field(default_factory=list)   # (person id, changes)
    unchanged: int = 0
    left: list[int] = field(default_factory=list)                   # ids no longer listed
    returned: list[int] = field(default_factory=list)               # listed again
    conflicts: list[str] = field(default_factory=list)              # kept hand edits
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0

    def summary(self) -> dict[str, int]:
        return {"nouvelles": len(self.new), "mises à jour": len(self.updated),
                "inchangées": self.unchanged, "sorties du territoire": len(self.left),
                "lignes lues": self.rows_read, "lignes du territoire": self.rows_kept}


def _identity(national_id: str, values: dict) -> tuple[str | None, str | None]:
    """(rpps, adeli): type 8 is RPPS, type 0 is ADELI."""
    number = values["id"] or national_id[1:]
    return (number, None) if values["id_type"] == "8" else (None, number)


def plan(store: Store, source: Path | BinaryIO,
         progress: Callable[[int], None] | None = None) -> Plan:
    """Everything the import would do, without writing anything (the dry run)."""
    communes = territory.codes(store)
    if not communes:
        raise PortalError("Définissez d'abord les communes du territoire "
                          "(Administration > Territoire).", field="file")
    scanned = scan(source, communes, progress)
    result = Plan(errors=scanned.errors, rows_read=scanned.rows_read,
                  rows_kept=scanned.rows_kept)
    if result.errors:
        return result
    departments = {r["code"]: r["department"] for r in store.query(
        f"SELECT code, department FROM communes WHERE code IN "
        f"({', '.join('?' for _ in communes)})", sorted(communes))}
    known_professions = {r["code"] for r in store.query("SELECT code FROM professions")}
    known_specialties = {r["code"] for r in store.query("SELECT code FROM specialties")}
    existing = {}
    for row in store.query("SELECT * FROM people WHERE merged_into IS NULL AND erased_at IS NULL"
                           " AND (rpps IS NOT NULL OR adeli IS NOT NULL)"):
        existing[("rpps", row["rpps"]) if row["rpps"] else ("adeli", row["adeli"])] = row
    seen = set()
    for national_id, raw in scanned.people.items():
        values = person_values(raw, departments, result.warnings)
        if values["profession_code"] not in known_professions:
            values["profession_code"] = None
        if values["specialty_code"] not in known_specialties:
            values["specialty_code"] = None
        rpps_number, adeli_number = _identity(national_id, raw)
        key = ("rpps", rpps_number) if rpps_number else ("adeli", adeli_number)
        current = existing.get(key)
        if current is None:
            result.new.append({**values, "rpps": rpps_number, "adeli": adeli_number})
            continue
        seen.add(current["id"])
        if current["left_territory"]:
            result.returned.append(current["id"])
        manual = set(json.loads(current["manual_fields"]))
        changes = {}
        for name in persons.IMPORTED_FIELDS:
            if (values[name] or None) == (current[name] or None):
                continue
            if name in manual:
                result.conflicts.append(
                    f"{current['first_name']} {current['last_name']} : {name} modifié à la main "
                    f"(« {current[name] or ''} ») ; l'extraction indique "
                    f"« {values[name] or ''} »"
                    " — conservé.")
            else:
                changes[name] = values[name]
        if changes:
            result.updated.append((current["id"], changes))
        elif current["id"] not in result.returned:
            result.unchanged += 1
    result.left = [row["id"] for row in existing.values()
                   if row["id"] not in seen and row["source"] == "rpps"
                   and not row["left_territory"]]
    return result


def apply(store: Store, actor: Actor, result: Plan, source_date: date | None = None) -> None:
    """Write a plan in one transaction: all of it, or nothing."""
    roles.require(actor, *persons.EDITORS)
    if result.errors:
        raise PortalError("Le fichier contient des erreurs : rien n'a été importé.")
    stamp = iso(now())
    source = {"source": "rpps", "source_date": (source_date or date.today()).isoformat()}
    with store.write(actor) as tx:
        for values in result.new:
            persons.write_person(tx, {**values, "visible": True}, **source)
        for person_id, changes in result.updated:
            names = tx.one("SELECT last_name, first_name FROM people WHERE id = ?", (person_id,))
            names.update({k: v for k, v in changes.items() if k in names})
            tx.update("people", person_id, {
                **changes, **source, "left_territory": 0, "updated_at": stamp,
                "name_key": persons.name_key(names["last_name"], names["first_name"]),
            }, entity="person", action="import_update")
            persons.index_person(tx, person_id)
        for person_id in result.returned:
            tx.update("people", person_id, {"left_territory": 0}, entity="person",
                      action="import_returned")
        for person_id in result.left:
            tx.update("people", person_id, {"left_territory": 1, "updated_at": stamp},
                      entity="person", action="import_left")
        tx.audit("rpps_import", None, "import", after=result.summary())


def source_date(name: str) -> date | None:
    """The extraction date in its file name (..._202611240930.txt), if any."""
    found = re.search(r"(20\d{2})(\d{2})(\d{2})\d{0,4}", name or "")
    if not found:
        return None
    try:
        return date(*map(int, found.groups()))
    except ValueError:
        return None


def read_upload(data: bytes) -> BinaryIO:
    if not data:
        raise PortalError("Le fichier envoyé est vide (0 octet).", field="file")
    return io.BytesIO(data)
