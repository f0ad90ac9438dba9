"""Finding people in the directory: filters and full-text search in SQL, one page at a
time, counts, and the exports (CSV/XLSX, vCard) of what a search found."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

import pandas as pd

from ..association import memberships
from ..core import validation
from ..core.db import Store
from ..core.formats import records
from ..core.where import Where
from .persons import is_available, person_label


@dataclass(frozen=True)
class Filters:
    text: str = ""
    profession: str | None = None
    specialty: str | None = None
    commune: str | None = None
    sector: str | None = None
    member: bool | None = None
    accepts: str | None = None
    snp: bool | None = None
    organization: int | None = None
    include_hidden: bool = False

    def replace(self, **changes) -> Filters:
        return Filters(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


RPPS = re.compile(r"\d{11}")


def fts_query(text: str) -> str | None:
    """User words to an FTS5 query: every word, as a prefix. Quotes and operators dropped."""
    words = re.findall(r"\w+", text or "")
    return " AND ".join(f'"{w}"*' for w in words) or None


def _where(filters: Filters) -> tuple[str, dict]:
    where = Where("p.merged_into IS NULL", "p.erased_at IS NULL")
    if not filters.include_hidden:
        where.add("p.visible = 1")
    text = (filters.text or "").strip()
    if RPPS.fullmatch(text):  # a paper sheet or a call often gives the RPPS
        where.add("p.rpps = :rpps", rpps=text)
    elif "@" in text:
        where.add("p.email = :email COLLATE NOCASE", email=text)
    elif query := fts_query(text):
        where.add("p.id IN (SELECT rowid FROM people_fts WHERE people_fts MATCH :query)",
                  query=query)
    where.equal("p.profession_code", filters.profession)
    where.equal("p.specialty_code", filters.specialty)
    where.equal("p.commune_code", filters.commune)
    where.equal("p.accepts_patients", filters.accepts)
    if filters.member is not None:
        where.add(f"{memberships.member_sql()} = :member", member=int(filters.member))
    where.equal("p.snp", None if filters.snp is None else int(filters.snp))
    if filters.sector:
        where.add("EXISTS (SELECT 1 FROM person_organizations po JOIN organizations o"
                  " ON o.id = po.organization_id WHERE po.person_id = p.id"
                  " AND o.sector = :sector)", sector=filters.sector)
    if filters.organization:
        where.add("EXISTS (SELECT 1 FROM person_organizations po WHERE po.person_id = p.id"
                  " AND po.organization_id = :organization)", organization=filters.organization)
    return where.sql, where.params


PEOPLE_COLUMNS = (
    "SELECT p.id, p.civility, p.last_name, p.first_name, pr.label AS profession,"
    " sp.short_label AS specialty, c.name AS commune, p.phone, p.email, p.mssante,"
    " (SELECT group_concat(o.name, ', ') FROM person_organizations po"
    "  JOIN organizations o ON o.id = po.organization_id WHERE po.person_id = p.id)"
    "  AS organizations,"
    " (SELECT group_concat(tag, ', ') FROM person_tags WHERE person_id = p.id) AS tags,"
    f" p.accepts_patients, p.accepts_from, p.snp, {memberships.member_sql()} AS member,"
    " p.visible"
    " FROM people p"
    " LEFT JOIN professions pr ON pr.code = p.profession_code"
    " LEFT JOIN specialties sp ON sp.code = p.specialty_code"
    " LEFT JOIN communes c ON c.code = p.commune_code"
)


def count_people(store: Store, filters: Filters) -> int:
    where, params = _where(filters)
    return store.scalar(f"SELECT COUNT(*) FROM people p{where}", params)


def search_people(store: Store, filters: Filters, limit: int = 50,
                  offset: int = 0) -> pd.DataFrame:
    """One page of people matching the filters, by name."""
    where, params = _where(filters)
    return store.frame(
        f"{PEOPLE_COLUMNS}{where}"
        " ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id"
        " LIMIT :limit OFFSET :offset", {**params, "limit": limit, "offset": offset})


def name_matches(store: Store, text: str, include_hidden: bool = False,
                 snp: bool | None = None, limit: int = 20) -> dict[int, str]:
    """id -> 'LAST First (profession, commune)' of the people a typed name finds, for
    pickers: the first `limit` by name, never the whole directory."""
    frame = search_people(store, Filters(text=text, include_hidden=include_hidden, snp=snp),
                          limit)
    return {int(r["id"]): person_label(r) for r in records(frame)}


def counts_by_profession(store: Store, filters: Filters) -> pd.DataFrame:
    where, params = _where(filters)
    return store.frame(
        "SELECT COALESCE(pr.label, 'Non renseignée') AS profession, COUNT(*) AS people"
        f" FROM people p LEFT JOIN professions pr ON pr.code = p.profession_code{where}"
        " GROUP BY 1 ORDER BY 2 DESC, 1", params)


EXPORT_LIMIT = 20_000
COLUMNS_FR = {
    "civility": "Civilité", "last_name": "Nom", "first_name": "Prénom",
    "profession": "Profession", "specialty": "Spécialité", "commune": "Commune",
    "phone": "Téléphone", "email": "E-mail", "mssante": "MSSanté",
    "organizations": "Structures", "tags": "Activités", "accepts": "Nouveaux patients",
    "snp": "Soins non programmés", "member": "Membre CPTS",
}


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A search result as people read it: French headers, phones '02 38 ...', Oui/Non."""
    out = frame.copy()
    out["phone"] = out["phone"].map(validation.phone_display)
    out["accepts"] = [is_available({"accepts_patients": a, "accepts_from": f})
                      for a, f in zip(out["accepts_patients"], out["accepts_from"])]
    for flag in ("snp", "member"):
        out[flag] = out[flag].map({1: "Oui", 0: "Non"})
    return out[list(COLUMNS_FR)].fillna("").rename(columns=COLUMNS_FR)


def export_frame(store: Store, filters: Filters) -> pd.DataFrame:
    """Every person matching the filters (up to EXPORT_LIMIT), ready for CSV or XLSX."""
    return readable(search_people(store, filters, limit=EXPORT_LIMIT))


def vcard_contacts(store: Store, filters: Filters) -> list[dict]:
    """The people matching the filters as vCard contacts. Blank cells (NaN in the frame)
    become None, so no card carries a "nan" phone or address."""
    frame = search_people(store, filters, limit=EXPORT_LIMIT)
    return [{
        "last_name": r["last_name"], "first_name": r["first_name"],
        "organization": (r["organizations"] or "").split(", ")[0],
        "title": " – ".join(p for p in (r["profession"], r["specialty"]) if p),
        "phone": validation.phone_display(r["phone"]), "email": r["email"],
        "mssante": r["mssante"], "note": r["tags"],
    } for r in records(frame)]
