"""Organisations of the territory (MSP, centres de santé, pharmacies, établissements,
médico-social and social services), as the directory lists them and people belong to them."""

from __future__ import annotations

import pandas as pd

from ..core import roles, validation
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now
from ..core.where import Where
from . import persons

KINDS = {
    "msp": "Maison de santé pluriprofessionnelle (MSP)",
    "centre_sante": "Centre de santé",
    "cabinet": "Cabinet libéral",
    "pharmacie": "Pharmacie",
    "laboratoire": "Laboratoire de biologie",
    "radiologie": "Radiologie",
    "centre_hospitalier": "Centre hospitalier",
    "clinique": "Clinique",
    "ehpad": "EHPAD",
    "ssiad": "SSIAD",
    "had": "HAD",
    "cmp": "CMP",
    "dac": "DAC",
    "ccas": "CCAS / service social",
    "pmi": "PMI",
    "mairie": "Mairie",
    "association": "Association",
    "autre": "Autre",
}
SECTORS = {"sanitaire": "Sanitaire", "medico_social": "Médico-social", "social": "Social"}

FIELDS = ("name", "kind", "sector", "finess", "siret", "address", "commune_code",
          "phone", "email", "website", "notes")


def write_organization(tx: Transaction, values: dict,
                       organization_id: int | None = None) -> tuple[int, list[str]]:
    """Create or update an organisation inside a caller's transaction."""
    clean = {k: validation.clean(values.get(k)) or None for k in FIELDS}
    if not clean["name"]:
        raise PortalError("Indiquez le nom de la structure.", field="name")
    if clean["kind"] not in KINDS:
        raise PortalError("Choisissez le type de structure.", field="kind")
    if clean["sector"] not in SECTORS:
        raise PortalError("Choisissez le secteur.", field="sector")
    warnings = []
    department = persons.department(tx, clean["commune_code"])
    clean["phone"] = validation.phone(clean["phone"], department)
    clean["email"] = validation.email(clean["email"])
    for key, check in (("finess", validation.finess), ("siret", validation.siret)):
        clean[key], warning = check(clean[key])
        if warning:
            warnings.append(warning)
    stamp = iso(now())
    if organization_id is None:
        organization_id = tx.insert("organizations", {**clean,
                                                      "created_at": stamp, "updated_at": stamp},
                                    entity="organization")
    elif tx.update("organizations", organization_id, clean, entity="organization"):
        tx.execute("UPDATE organizations SET updated_at = ? WHERE id = ?",
                   (stamp, organization_id))
        for row in tx.all("SELECT person_id FROM person_organizations"
                          " WHERE organization_id = ?", (organization_id,)):
            persons.index_person(tx, row["person_id"])
    return organization_id, warnings


def save_organization(store: Store, actor: Actor, values: dict,
                      organization_id: int | None = None) -> tuple[int, list[str]]:
    """Create or update an organisation from a form; returns (id, warnings)."""
    roles.require(actor, *persons.EDITORS)
    with store.write(actor) as tx:
        return write_organization(tx, values, organization_id)


def get_organization(store: Store, organization_id: int) -> dict | None:
    return store.query_one(
        "SELECT o.*, c.name AS commune_name FROM organizations o"
        " LEFT JOIN communes c ON c.code = o.commune_code WHERE o.id = ?", (organization_id,))


def organization_choices(store: Store) -> dict[int, str]:
    """id -> 'Name (commune)' for pickers, by name."""
    return {r["id"]: f"{r['name']} ({r['commune'] or 'commune non renseignée'})"
            for r in store.query(
                "SELECT o.id, o.name, c.name AS commune FROM organizations o"
                " LEFT JOIN communes c ON c.code = o.commune_code ORDER BY o.name COLLATE NOCASE")}


def organization_count(store: Store) -> int:
    return store.scalar("SELECT COUNT(*) FROM organizations")


def list_organizations(store: Store, text: str = "", kind: str | None = None,
                       sector: str | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[pd.DataFrame, int]:
    where = Where().equal("o.kind", kind).equal("o.sector", sector)
    if text:
        where.add("(o.name LIKE :like OR c.name LIKE :like)", like=f"%{text.strip()}%")
    params = where.params
    base = f" FROM organizations o LEFT JOIN communes c ON c.code = o.commune_code{where.sql}"
    total = store.scalar(f"SELECT COUNT(*){base}", params)
    frame = store.frame(
        "SELECT o.id, o.name, o.kind, o.sector, c.name AS commune, o.phone,"
        " (SELECT COUNT(*) FROM person_organizations po JOIN people p ON p.id = po.person_id"
        "  WHERE po.organization_id = o.id AND p.merged_into IS NULL) AS people"
        f"{base} ORDER BY o.name COLLATE NOCASE LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset})
    return frame, total
