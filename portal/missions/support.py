"""Complementary mission 2, support to professionals: the newcomers the CPTS helps settle
(what it did for them, and whether they settled), the training places its professionals
offer (maîtres de stage) and the students they host, named only with their consent; the
figures the indicators read."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import blanks_as_none, date_fr
from ..core.roles import Actor
from ..core.transactions import iso, now

EDITORS = roles.EDIT["missions"]
STATUSES = {"projet": "En projet", "installe": "Installé(e)", "abandonne": "Abandonné"}
STEPS = {"visite": "Visite du territoire", "contacts": "Contacts donnés",
         "locaux": "Aide pour les locaux", "autre": "Autre"}
LEVELS = {"externe": "Externe", "interne": "Interne", "docteur_junior": "Docteur junior",
          "paramedical": "Étudiant paramédical", "autre": "Autre"}


# Newcomers ------------------------------------------------------------------------------

def save_newcomer(store: Store, actor: Actor, values: dict,
                  newcomer_id: int | None = None) -> int:
    """A newcomer: a card of the directory or a name; settled with a date, or not."""
    roles.require(actor, *EDITORS)
    name = (values.get("name") or "").strip() or None
    if not values.get("person_id") and not name:
        raise PortalError("Choisissez la personne dans l'annuaire ou indiquez son nom.",
                          field="newcomer")
    status = values.get("status") or "projet"
    if status not in STATUSES:
        raise PortalError("Statut inconnu.", field="status")
    settled = values.get("settled_on")
    if status == "installe" and settled is None:
        raise PortalError("Indiquez la date d'installation.", field="settled_on")
    if settled and settled > date.today():
        raise PortalError("La date d'installation est dans le futur.", field="settled_on")
    expected = values.get("expected_on")
    clean = {"person_id": values.get("person_id") or None, "name": name and name[:200],
             "profession_code": values.get("profession_code") or None,
             "commune_code": values.get("commune_code") or None,
             "expected_on": expected.isoformat() if expected else None, "status": status,
             "settled_on": settled.isoformat() if status == "installe" else None,
             "notes": (values.get("notes") or "").strip()[:2000]}
    with store.write(actor) as tx:
        stamp = iso(now())
        if newcomer_id is None:
            return tx.insert("newcomers", {**clean, "created_at": stamp, "updated_at": stamp},
                             entity="newcomer")
        if tx.update("newcomers", newcomer_id, clean, entity="newcomer"):
            tx.execute("UPDATE newcomers SET updated_at = ? WHERE id = ?", (stamp, newcomer_id))
        return newcomer_id


NEWCOMER = ("SELECT n.*, COALESCE(TRIM(p.first_name || ' ' || p.last_name), n.name) AS who,"
            " COALESCE(pr.label, pp.label) AS profession, c.name AS commune,"
            " (SELECT COUNT(*) FROM newcomer_steps s WHERE s.newcomer_id = n.id) AS steps"
            " FROM newcomers n LEFT JOIN people p ON p.id = n.person_id"
            " LEFT JOIN professions pr ON pr.code = n.profession_code"
            " LEFT JOIN professions pp ON pp.code = p.profession_code"
            " LEFT JOIN communes c ON c.code = COALESCE(n.commune_code, p.commune_code)")


def newcomers(store: Store, status: str | None = None) -> pd.DataFrame:
    where = " WHERE n.status = ?" if status else ""
    return store.frame(NEWCOMER + where + " ORDER BY n.status = 'abandonne',"
                       " COALESCE(n.settled_on, n.expected_on) DESC, n.id DESC",
                       (status,) if status else ())


def get_newcomer(store: Store, newcomer_id: int) -> dict | None:
    return store.query_one(NEWCOMER + " WHERE n.id = ?", (newcomer_id,))


def add_step(store: Store, actor: Actor, newcomer_id: int, done_on: date | None, kind: str,
             text: str) -> int:
    roles.require(actor, *EDITORS)
    if done_on is None:
        raise PortalError("Indiquez la date.", field="done_on")
    if done_on > date.today():
        raise PortalError("Une démarche se note une fois faite.", field="done_on")
    if kind not in STEPS:
        raise PortalError("Choisissez la démarche.", field="kind")
    with store.write(actor) as tx:
        return tx.insert("newcomer_steps", {
            "newcomer_id": newcomer_id, "done_on": done_on.isoformat(), "kind": kind,
            "text": (text or "").strip()[:1000], "created_by": actor.username,
            "created_at": iso(now())}, entity="newcomer_step")


def steps(store: Store, newcomer_id: int) -> pd.DataFrame:
    return store.frame("SELECT * FROM newcomer_steps WHERE newcomer_id = ?"
                       " ORDER BY done_on DESC, id DESC", (newcomer_id,))


# Training places and placements ---------------------------------------------------------

def offer_places(store: Store, actor: Actor, person_id: int | None, year: int, level: str,
                 capacity: int | None) -> None:
    """The places a maître de stage offers for a year and level (replacing the count)."""
    roles.require(actor, *EDITORS)
    if not person_id:
        raise PortalError("Choisissez le maître de stage.", field="supervisor")
    if level not in LEVELS:
        raise PortalError("Choisissez le niveau.", field="level")
    if capacity is None or capacity <= 0:
        raise PortalError("Au moins une place.", field="capacity")
    with store.write(actor) as tx:
        before = tx.one("SELECT id, capacity FROM training_places WHERE person_id = ?"
                        " AND year = ? AND level = ?", (person_id, year, level))
        if before:
            tx.update("training_places", before["id"], {"capacity": int(capacity)},
                      entity="training_place")
        else:
            tx.insert("training_places", {"person_id": int(person_id), "year": int(year),
                                          "level": level, "capacity": int(capacity)},
                      entity="training_place")


def places(store: Store, year: int) -> pd.DataFrame:
    return store.frame(
        "SELECT t.*, TRIM(p.first_name || ' ' || p.last_name) AS name, pr.label AS profession"
        " FROM training_places t JOIN people p ON p.id = t.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code WHERE t.year = ?"
        " ORDER BY p.last_name COLLATE NOCASE, t.level", (year,))


def add_placement(store: Store, actor: Actor, supervisor_id: int | None, level: str,
                  starts_on: date | None, ends_on: date | None, school: str = "",
                  student_name: str = "", consent: bool = False) -> int:
    """A student hosted; their name is kept only when they agreed."""
    roles.require(actor, *EDITORS)
    if not supervisor_id:
        raise PortalError("Choisissez le maître de stage.", field="supervisor")
    if level not in LEVELS:
        raise PortalError("Choisissez le niveau.", field="level")
    if starts_on is None or ends_on is None:
        raise PortalError("Indiquez les dates du stage.", field="dates")
    if ends_on < starts_on:
        raise PortalError("La fin du stage suit son début.", field="dates")
    name = (student_name or "").strip() or None
    if name and not consent:
        raise PortalError("Le nom de l'étudiant ne s'enregistre qu'avec son accord : cochez "
                          "la case, ou laissez le nom vide.", field="student_name")
    with store.write(actor) as tx:
        return tx.insert("placements", {
            "supervisor_id": int(supervisor_id), "level": level,
            "school": (school or "").strip()[:200], "student_name": name and name[:200],
            "consent": int(bool(name)), "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(), "created_at": iso(now())}, entity="placement")


def placements(store: Store, year: int) -> pd.DataFrame:
    """The placements running during `year`."""
    return store.frame(
        "SELECT s.*, TRIM(p.first_name || ' ' || p.last_name) AS supervisor"
        " FROM placements s JOIN people p ON p.id = s.supervisor_id"
        " WHERE s.starts_on <= ? AND s.ends_on >= ? ORDER BY s.starts_on, s.id",
        (f"{year}-12-31", f"{year}-01-01"))


def remove_placement(store: Store, actor: Actor, placement_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("placements", placement_id, "placement", "Ce stage a déjà été retiré.")


def year_figures(store: Store, year: int) -> dict:
    """The year's installations supported and completed, placements hosted and training
    places offered."""
    span = ({}, date(year, 1, 1), date(year + 1, 1, 1))
    return {"supported": installations_supported(store, *span),
            "completed": installations_completed(store, *span),
            "placements": placements_hosted(store, *span),
            "places": places_offered(store, *span)}


def export_sheets(store: Store, year: int) -> dict[str, pd.DataFrame]:
    """The newcomers, the year's training places and placements, as a workbook reads
    them."""
    came, offered, hosted = newcomers(store), places(store, year), placements(store, year)
    return {
        "Nouveaux installés": blanks_as_none(pd.DataFrame({
            "Professionnel": came["who"], "Profession": came["profession"],
            "Commune": came["commune"], "Attendu le": came["expected_on"].map(date_fr),
            "Statut": came["status"].map(STATUSES),
            "Installé le": came["settled_on"].map(date_fr), "Démarches": came["steps"]})),
        "Places de stage": pd.DataFrame({
            "Maître de stage": offered["name"], "Niveau": offered["level"].map(LEVELS),
            "Places": offered["capacity"]}),
        "Stages": blanks_as_none(pd.DataFrame({
            "Du": hosted["starts_on"].map(date_fr), "Au": hosted["ends_on"].map(date_fr),
            "Maître de stage": hosted["supervisor"], "Niveau": hosted["level"].map(LEVELS),
            "École": hosted["school"], "Étudiant": hosted["student_name"]}))}


# Indicator sources ----------------------------------------------------------------------

def installations_supported(store: Store, indicator: dict, start: date, end: date) -> float:
    """Newcomers the CPTS did something for during the period."""
    return store.scalar("SELECT COUNT(DISTINCT newcomer_id) FROM newcomer_steps"
                        " WHERE done_on >= ? AND done_on < ?",
                        (start.isoformat(), end.isoformat()))


def installations_completed(store: Store, indicator: dict, start: date, end: date) -> float:
    return store.scalar("SELECT COUNT(*) FROM newcomers WHERE settled_on >= ?"
                        " AND settled_on < ?", (start.isoformat(), end.isoformat()))


def placements_hosted(store: Store, indicator: dict, start: date, end: date) -> float:
    """Placements that ran during the period, if only for a day."""
    return store.scalar("SELECT COUNT(*) FROM placements WHERE starts_on < ? AND ends_on >= ?",
                        (end.isoformat(), start.isoformat()))


def places_offered(store: Store, indicator: dict, start: date, end: date) -> float:
    """Training places offered for the year the period starts in."""
    return store.scalar("SELECT COALESCE(SUM(capacity), 0) FROM training_places"
                        " WHERE year = ?", (start.year,))
