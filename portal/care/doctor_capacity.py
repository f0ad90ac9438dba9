"""The general practitioners of the directory and the places they offer: how many new
patients each takes, from when and in which communes, and who could take a patient."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import Actor
from ..core.transactions import iso, now

EDITORS = roles.EDIT["care"]
GP_SPECIALTIES = ("SM26", "SM53", "SM54")   # médecine générale, in the RPPS vocabulary


def is_gp(db, person_id: int) -> bool:
    """A current record of the directory whose specialty is general practice."""
    marks = ", ".join("?" for _ in GP_SPECIALTIES)
    return bool(db.query(f"SELECT 1 AS x FROM people WHERE id = ? AND specialty_code IN ({marks})"
                         " AND merged_into IS NULL AND erased_at IS NULL",
                         (person_id, *GP_SPECIALTIES)))


def candidates(store: Store, actor: Actor, request_id: int,
               today: date | None = None) -> pd.DataFrame:
    """GPs who could take the patient: places left, available from today, serving the
    patient's commune (or anywhere); nearest first (same commune, communes they serve,
    same intercommunality, same département), then the most places left."""
    roles.require(actor, *EDITORS)
    request = store.query_one("SELECT commune_code FROM mt_requests WHERE id = ?",
                              (request_id,))
    commune = request["commune_code"] if request else None
    return store.frame(
        "SELECT p.id, p.last_name, p.first_name, c.name AS commune, k.remaining,"
        " k.from_date, k.communes, CASE WHEN p.commune_code = :commune THEN 'Même commune'"
        " WHEN EXISTS (SELECT 1 FROM json_each(k.communes) j WHERE j.value = :commune)"
        " THEN 'Commune desservie' WHEN (SELECT epci_code FROM commune_epci WHERE"
        " commune_code = p.commune_code) = (SELECT epci_code FROM commune_epci WHERE"
        " commune_code = :commune) THEN 'Même intercommunalité'"
        " WHEN c.department = (SELECT department FROM communes"
        " WHERE code = :commune) THEN 'Même département' ELSE 'Plus loin' END AS proximity"
        " FROM doctor_capacity k JOIN people p ON p.id = k.person_id"
        " LEFT JOIN communes c ON c.code = p.commune_code"
        " WHERE k.remaining > 0 AND (k.from_date IS NULL OR k.from_date <= :today)"
        " AND p.merged_into IS NULL AND p.erased_at IS NULL AND p.left_territory = 0"
        " AND (k.communes = '[]' OR :commune IS NULL OR EXISTS (SELECT 1 FROM"
        " json_each(k.communes) j WHERE j.value = :commune) OR p.commune_code = :commune)"
        " ORDER BY CASE proximity WHEN 'Même commune' THEN 0 WHEN 'Commune desservie'"
        " THEN 1 WHEN 'Même intercommunalité' THEN 2 WHEN 'Même département' THEN 3"
        " ELSE 4 END, k.remaining DESC, p.last_name",
        {"commune": commune, "today": (today or date.today()).isoformat()})


def general_practitioners(store: Store) -> dict[int, str]:
    """id -> 'LAST First (commune)' of the directory's GPs, for capacity and proposals."""
    marks = ", ".join("?" for _ in GP_SPECIALTIES)
    return {r["id"]: f"{r['last_name']} {r['first_name'] or ''} ({r['commune'] or '—'})"
            for r in store.query(
                "SELECT p.id, p.last_name, p.first_name, c.name AS commune FROM people p"
                " LEFT JOIN communes c ON c.code = p.commune_code"
                f" WHERE p.specialty_code IN ({marks}) AND p.merged_into IS NULL"
                " AND p.erased_at IS NULL ORDER BY p.last_name COLLATE NOCASE",
                GP_SPECIALTIES)}


def set_capacity(store: Store, actor: Actor, person_id: int, remaining: int,
                 from_date: date | None = None, communes=(), notes: str = "") -> None:
    """What a GP offers: how many new patients, from when, in which communes."""
    roles.require(actor, *EDITORS)
    if remaining is None or int(remaining) < 0:
        raise PortalError("Le nombre de places est positif ou nul.", field="remaining")
    with store.write(actor) as tx:
        if not is_gp(tx, person_id):
            raise PortalError("Choisissez un médecin généraliste de l'annuaire.",
                              field="doctor")
        values = {"remaining": int(remaining),
                  "from_date": from_date.isoformat() if from_date else None,
                  "communes": json.dumps(sorted(set(communes))),
                  "notes": (notes or "").strip()[:500],
                  "updated_at": iso(now())}
        before = tx.one("SELECT * FROM doctor_capacity WHERE person_id = ?", (person_id,))
        tx.execute("INSERT INTO doctor_capacity (person_id, remaining, from_date, communes,"
                   " notes, updated_at) VALUES (:person, :remaining, :from_date, :communes,"
                   " :notes, :updated_at) ON CONFLICT (person_id) DO UPDATE SET"
                   " remaining = excluded.remaining, from_date = excluded.from_date,"
                   " communes = excluded.communes, notes = excluded.notes,"
                   " updated_at = excluded.updated_at", {"person": person_id, **values})
        tx.audit("doctor_capacity", person_id, "update", before=before, after=values)


def capacities(store: Store) -> pd.DataFrame:
    return store.frame(
        "SELECT k.person_id, p.last_name, p.first_name, c.name AS commune, k.remaining,"
        " k.from_date, k.communes, k.notes, k.updated_at FROM doctor_capacity k"
        " JOIN people p ON p.id = k.person_id LEFT JOIN communes c ON c.code = p.commune_code"
        " ORDER BY k.remaining DESC, p.last_name COLLATE NOCASE")
