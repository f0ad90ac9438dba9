"""Reference lists (communes and their intercommunality, départements, professions,
specialties, ACI missions) from data/.

They are facts shipped with the portal: loaded into SQLite so queries can join them,
and reloaded whenever a data file changes. Codes are stored everywhere else; labels
always come from here.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from .db import Store, set_setting
from .roles import ADMIN, Actor
from .settings import ROOT

DATA = ROOT / "data"
FILES = {
    "communes": DATA / "communes_france_cog2026.csv",
    "departments": DATA / "departements_cog2026.csv",
    "professions": DATA / "nos_TRE_G15_ProfessionSante.csv",
    "social_professions": DATA / "nos_TRE_R94_R95_professions_social_usagers_titre.csv",
    "specialties": DATA / "nos_TRE_R38_SpecialiteOrdinale.csv",
    "missions": DATA / "missions.csv",
    "commune_epci": DATA / "epci_cog2026.csv",
}
ACTOR = Actor("référentiels", frozenset({ADMIN}))


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in FILES.values():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _professions() -> list[tuple]:
    """TRE_G15 then TRE_R94/R95; a code in both (93, psychologue) is active if either is."""
    merged: dict[str, tuple] = {}
    for row in _rows(FILES["professions"]):
        merged[row["code"]] = (row["code"], row["libelle"], "TRE_G15", row["statut"] == "active")
    for row in _rows(FILES["social_professions"]):
        previous = merged.get(row["code"])
        active = row["statut"] == "active" or bool(previous and previous[3])
        merged[row["code"]] = (row["code"], row["libelle"], row["terminologie"], active)
    return [(code, label, term, int(active)) for code, label, term, active in merged.values()]


def sync(store: Store) -> bool:
    """Load the reference lists if the data files changed since the last load."""
    fingerprint = _fingerprint()
    if store.get_setting("reference_version") == fingerprint:
        return False
    communes = [(r["code_insee"], r["nom"], r["departement"], r["region"], r["codes_postaux"],
                 int(r["population"]) if r["population"] else None)
                for r in _rows(FILES["communes"])]
    departments = [(r["code"], r["nom"]) for r in _rows(FILES["departments"])]
    specialties = [(r["code"], r["libelle"], r["libelle_court"], int(r["statut"] == "active"))
                   for r in _rows(FILES["specialties"])]
    professions = _professions()
    missions = [(r["code"], r["kind"], int(r["position"]), r["title"], r["summary"],
                 int(r["start_months"]) if r["start_months"] else None,
                 int(r["full_months"]) if r["full_months"] else None)
                for r in _rows(FILES["missions"])]
    epci = [(r["code_insee"], r["epci"], r["nom_epci"]) for r in _rows(FILES["commune_epci"])]
    with store.write(ACTOR) as tx:
        for table, rows in (("communes", communes), ("departments", departments),
                            ("professions", professions), ("specialties", specialties),
                            ("missions", missions), ("commune_epci", epci)):
            marks = ", ".join("?" for _ in rows[0])
            # Upsert, never delete: people and organisations refer to these codes.
            tx.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", rows)
            tx.audit("reference", table, "load", after={"rows": len(rows)})
        set_setting(tx, "reference_version", fingerprint)
    return True


def professions(store: Store, active_only: bool = False) -> dict[str, str]:
    where = " WHERE active = 1" if active_only else ""
    return {r["code"]: r["label"] for r in
            store.query(f"SELECT code, label FROM professions{where} ORDER BY label")}


def specialties(store: Store) -> dict[str, str]:
    return {r["code"]: r["short_label"] for r in
            store.query("SELECT code, short_label FROM specialties WHERE active = 1"
                        " ORDER BY short_label")}


def departments(store: Store) -> dict[str, str]:
    return {r["code"]: r["name"] for r in store.query(
        "SELECT code, name FROM departments ORDER BY code")}


def communes_of(store: Store, department: str) -> dict[str, str]:
    """INSEE code -> 'Gien (45140)' for one département, by name."""
    return {r["code"]: f"{r['name']} ({r['postal_codes'].replace('|', ', ')})" for r in store.query(
        "SELECT code, name, postal_codes FROM communes WHERE department = ? ORDER BY name",
        (department,))}


def commune(store: Store, code: str | None) -> dict | None:
    if not code:
        return None
    return store.query_one("SELECT * FROM communes WHERE code = ?", (code,))
