"""The dirigeants: the members of the bureau and of the conseil d'administration on a day,
as the préfecture asks for them (Cerfa 13971: name, first names, profession, address,
nationality, function), and the changes of the board still to declare.

An association declares each change of its dirigeants within three months. A change is a
mandate's start or its end, both dated by the mandates; each is marked declared with
the day it was. What the directory does not hold (all first names, nationality, home
address) is kept apart, for the board only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta
from docx import Document

from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.exports import docx_bytes, docx_table
from ..core.formats import blanks_as_none, date_fr
from ..core.roles import Actor
from ..core.transactions import iso, now
from .bodies import ACTIVE_PERSON, MANDATE_BODIES, MANDATE_ROLES

EDITORS = roles.EDIT["bodies"]
DECLARE_MONTHS = 3
NATIONALITY = "Française"


def officers(store: Store, on: date) -> pd.DataFrame:
    """One row per person holding a mandate on `on`, the bureau's first, with every
    function they hold; the details not typed yet are None."""
    rows = store.query(
        "SELECT m.person_id, m.body, m.role, p.last_name, COALESCE(d.first_names,"
        " NULLIF(p.first_name, '')) AS first_names, pr.label AS profession,"
        " d.home_address, d.nationality FROM mandates m JOIN people p ON p.id = m.person_id"
        " LEFT JOIN officer_details d ON d.person_id = m.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " WHERE m.starts_on <= :on AND (m.ends_on IS NULL OR m.ends_on >= :on)"
        f" AND {ACTIVE_PERSON}", {"on": on.isoformat()})
    rank = {role: i for i, role in enumerate(MANDATE_ROLES)}
    rows.sort(key=lambda r: (list(MANDATE_BODIES).index(r["body"]), rank[r["role"]],
                             r["last_name"].casefold()))
    people: dict[int, dict] = {}
    for row in rows:
        function = (f"{MANDATE_ROLES[row['role']]} ({MANDATE_BODIES[row['body']].lower()})"
                    if row["role"] != "membre" else
                    f"Membre du {MANDATE_BODIES[row['body']].lower()}")
        if row["person_id"] in people:
            people[row["person_id"]]["function"] += f", {function[0].lower()}{function[1:]}"
        else:
            people[row["person_id"]] = {**row, "function": function}
    columns = ["person_id", "last_name", "first_names", "profession", "home_address",
               "nationality", "function"]
    return blanks_as_none(pd.DataFrame([{c: r[c] for c in columns} for r in people.values()],
                                       columns=columns))


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The list as the préfecture reads it (Cerfa 13971's columns)."""
    return blanks_as_none(pd.DataFrame({
        "Nom": frame["last_name"], "Prénoms": frame["first_names"],
        "Profession": frame["profession"], "Adresse": frame["home_address"],
        "Nationalité": frame["nationality"], "Fonction": frame["function"]}))


def missing(frame: pd.DataFrame) -> int:
    """How many dirigeants lack a detail the préfecture asks for."""
    details = frame[["first_names", "profession", "home_address", "nationality"]]
    return int(details.isna().any(axis=1).sum())


def details(store: Store, person_id: int) -> dict:
    return store.query_one("SELECT * FROM officer_details WHERE person_id = ?",
                           (person_id,)) or {}


def save_details(store: Store, actor: Actor, person_id: int | None, first_names: str,
                 nationality: str, home_address: str) -> None:
    """What the directory does not hold of a dirigeant; a blank field stays unknown."""
    roles.require(actor, *EDITORS)
    if not person_id:
        raise PortalError("Choisissez le dirigeant.", field="officer")
    values = {"first_names": (first_names or "").strip()[:200] or None,
              "nationality": (nationality or "").strip()[:100] or None,
              "home_address": (home_address or "").strip()[:500] or None}
    with store.write(actor) as tx:
        if not tx.one("SELECT 1 AS x FROM mandates WHERE person_id = ?", (person_id,)):
            raise PortalError("Cette personne n'a aucun mandat.", field="officer")
        before = tx.one("SELECT first_names, nationality, home_address FROM officer_details"
                        " WHERE person_id = ?", (person_id,))
        tx.execute("INSERT INTO officer_details VALUES (:person_id, :first_names,"
                   " :nationality, :home_address, :at) ON CONFLICT (person_id) DO UPDATE SET"
                   " first_names = excluded.first_names, nationality = excluded.nationality,"
                   " home_address = excluded.home_address, updated_at = excluded.updated_at",
                   {"person_id": int(person_id), **values, "at": iso(now())})
        tx.audit("officer", person_id, "update" if before else "create", before=before,
                 after=values)


@dataclass(frozen=True)
class Change:
    """A mandate's start or end, to declare by `due`."""

    mandate_id: int
    side: str               # "start" or "end"
    on: date
    name: str
    text: str               # "Entrée : Président(e) (bureau)"
    declared_on: date | None

    @property
    def due(self) -> date:
        """Three months on: the same day, or the month's last (30/11 for 31/08)."""
        return self.on + relativedelta(months=DECLARE_MONTHS)

    @property
    def key(self) -> str:
        return f"{self.side}:{self.mandate_id}"


def changes(store: Store, undeclared_only: bool = True) -> list[Change]:
    """The changes of the board, oldest first; those not declared yet by default."""
    rows = store.query(
        "SELECT m.*, TRIM(COALESCE(p.first_name, '') || ' ' || p.last_name) AS name"
        " FROM mandates m JOIN people p ON p.id = m.person_id ORDER BY m.starts_on, m.id")
    found = []
    for row in rows:
        what = f"{MANDATE_ROLES[row['role']]} ({MANDATE_BODIES[row['body']].lower()})"
        for side, day, declared, verb in (
                ("start", row["starts_on"], row["start_declared_on"], "Entrée"),
                ("end", row["ends_on"], row["end_declared_on"], "Sortie")):
            if day and (declared is None or not undeclared_only):
                found.append(Change(row["id"], side, date.fromisoformat(day), row["name"],
                                    f"{verb} : {what}",
                                    date.fromisoformat(declared) if declared else None))
    return sorted(found, key=lambda c: (c.on, c.mandate_id, c.side))


def due_within(store: Store, days: int, today: date | None = None) -> list[Change]:
    """The changes still to declare whose three months end within `days` (or are past):
    what the home page reminds the board of."""
    limit = (today or date.today()) + relativedelta(days=days)
    return [c for c in changes(store) if c.due <= limit]


def mark_declared(store: Store, actor: Actor, keys: list[str], declared_on: date | None,
                  today: date | None = None) -> int:
    """The changes `keys` ("start:12", "end:12") were declared on `declared_on`."""
    roles.require(actor, *EDITORS)
    if not keys:
        raise PortalError("Sélectionnez les changements déclarés.", field="declared")
    if declared_on is None:
        raise PortalError("Indiquez la date de la déclaration.", field="declared_on")
    if declared_on > (today or date.today()):
        raise PortalError("La date de la déclaration est dans le futur.", field="declared_on")
    pending = {c.key: c for c in changes(store)}
    with store.write(actor) as tx:
        for key in keys:
            change = pending.get(key)
            if change is None:
                raise PortalError("Ce changement est déjà déclaré.", field="declared")
            if declared_on < change.on:
                raise PortalError(f"{change.name} : le changement date du "
                                  f"{date_fr(change.on)}, la déclaration ne peut le précéder.",
                                  field="declared_on")
            tx.update("mandates", change.mandate_id,
                      {f"{change.side}_declared_on": declared_on.isoformat()},
                      entity="mandate", action="declared")
        return len(keys)


def officers_docx(store: Store, on: date) -> bytes:
    """The list of dirigeants on a day, to print or join to the declaration."""
    association = store.get_setting("cpts_name") or "L'association"
    document = Document()
    title = f"Liste des dirigeants au {date_fr(on)}"
    document.add_heading(title, level=1)
    document.add_paragraph(f"{association} – membres du bureau et du conseil "
                           "d'administration (Cerfa 13971).")
    frame = readable(officers(store, on)).fillna("")
    docx_table(document, list(frame.columns), frame.values.tolist(), room=(3,))
    return docx_bytes(document, title)
