"""Socle 2, the pluriprofessional care pathways (parcours): a theme, the fiches action
they serve, the professionals and structures taking part with their role, their tools
(documents, in `documents`), the protocols inside or beside them with the professionals
who adhered, the patients included per period (counted, never identified) and the
concertation meetings that review their cases; the figures the indicators read."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from ..core import imports, roles, tabular
from ..core.code_lists import CodeList
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import date_fr
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now
from . import documents

EDITORS = roles.EDIT["missions"]
STATUSES = {"projet": "En projet", "en_cours": "En cours", "suspendu": "Suspendu",
            "termine": "Terminé"}
PROTOCOL_KINDS = {"cooperation_nationale": "Protocole de coopération national",
                  "cooperation_locale": "Protocole de coopération local",
                  "coordination": "Protocole de coordination"}
SIDES = {"delegant": "Délégant", "delegue": "Délégué", "participant": "Participant"}
DOCUMENT_KINDS = {"livret": "Livret patient", "lettre_liaison": "Lettre de liaison",
                  "formulaire": "Formulaire", "autre": "Autre document"}


# Themes are the CPTS's own list (insuffisance cardiaque, plaies chroniques...).
THEMES = CodeList("pathway_themes", "pathway_theme", "thème", EDITORS,
                  "pathways.pathway_theme")


def _clean(tx: Transaction, values: dict) -> dict:
    title = (values.get("title") or "").strip()
    if not title:
        raise PortalError("Indiquez l'intitulé du parcours.", field="title")
    if not tx.one("SELECT 1 AS x FROM pathway_themes WHERE code = ?",
                  (values.get("pathway_theme"),)):
        raise PortalError("Choisissez le thème.", field="pathway_theme")
    if values.get("status") not in STATUSES:
        raise PortalError("Choisissez le statut.", field="status")
    started = values.get("started_on")
    return {"title": title[:200], "pathway_theme": values["pathway_theme"],
            "status": values["status"], "started_on": started.isoformat() if started else None,
            "description": (values.get("description") or "").strip()[:4000],
            "visible": int(bool(values.get("visible", True)))}


def save_pathway(store: Store, actor: Actor, values: dict, pathway_id: int | None = None,
                 action_ids=()) -> tuple[int, list[str]]:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        clean = _clean(tx, values)
        stamp = iso(now())
        if pathway_id is None:
            pathway_id = tx.insert("pathways", {**clean, "created_at": stamp,
                                                "updated_at": stamp}, entity="pathway")
        elif tx.update("pathways", pathway_id, clean, entity="pathway"):
            tx.execute("UPDATE pathways SET updated_at = ? WHERE id = ?", (stamp, pathway_id))
        tx.set_links("pathway_actions", "pathway_id", pathway_id, "action_id",
                     [int(a) for a in action_ids], "pathway")
        return pathway_id, []


PATHWAY = ("SELECT w.*, t.label AS theme,"
           " (SELECT COUNT(*) FROM pathway_members m WHERE m.pathway_id = w.id) AS members,"
           " (SELECT COUNT(*) FROM protocols p WHERE p.pathway_id = w.id) AS protocols,"
           " (SELECT COALESCE(SUM(count), 0) FROM pathway_inclusions i"
           "  WHERE i.pathway_id = w.id) AS included"
           " FROM pathways w JOIN pathway_themes t ON t.code = w.pathway_theme")


def get_pathway(store: Store, pathway_id: int, members_view: bool = False) -> dict | None:
    pathway = store.query_one(PATHWAY + " WHERE w.id = ?"
                              + (" AND w.visible = 1" if members_view else ""), (pathway_id,))
    if pathway:
        pathway["actions"] = [r["action_id"] for r in store.query(
            "SELECT action_id FROM pathway_actions WHERE pathway_id = ?", (pathway_id,))]
    return pathway


def _where(status: str | None, members_view: bool) -> tuple[str, list]:
    clauses, params = [], []
    if status:
        clauses.append("w.status = ?")
        params.append(status)
    if members_view:
        clauses.append("w.visible = 1")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def pathways(store: Store, status: str | None = None, members_view: bool = False,
             limit: int = -1, offset: int = 0) -> pd.DataFrame:
    where, params = _where(status, members_view)
    return store.frame(PATHWAY + where + " ORDER BY t.position, w.title LIMIT ? OFFSET ?",
                       (*params, limit, offset))


def count_pathways(store: Store, status: str | None = None,
                   members_view: bool = False) -> int:
    where, params = _where(status, members_view)
    return store.scalar(f"SELECT COUNT(*) FROM pathways w{where}", params)


def delete_pathway(store: Store, actor: Actor, pathway_id: int) -> None:
    """A pathway typed by mistake; one with protocols is refused (end them first)."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        if tx.one("SELECT 1 AS x FROM protocols WHERE pathway_id = ?", (pathway_id,)):
            raise PortalError("Ce parcours a des protocoles : rattachez-les ailleurs ou "
                              "supprimez-les d'abord.")
        for table in ("pathway_actions", "pathway_members", "pathway_inclusions",
                      "pathway_meetings"):
            tx.execute(f"DELETE FROM {table} WHERE pathway_id = ?", (pathway_id,))
        documents.remove_all(tx, "pathway", pathway_id)
        tx.delete("pathways", pathway_id, "pathway", "Ce parcours a déjà été supprimé.")


def for_year(store: Store, year: int) -> pd.DataFrame:
    """Every pathway with the year's figures: patients included, meetings held and the
    cases they reviewed, protocols and their adherents."""
    y0, y1 = f"{year}-01-01", f"{year + 1}-01-01"
    return store.frame(
        "SELECT w.id, w.title, t.label AS theme, w.status,"
        " (SELECT COUNT(*) FROM pathway_members m WHERE m.pathway_id = w.id) AS members,"
        " (SELECT COUNT(*) FROM protocols p WHERE p.pathway_id = w.id) AS protocols,"
        " (SELECT COUNT(DISTINCT a.person_id) FROM protocol_adherents a"
        "  JOIN protocols p ON p.id = a.protocol_id WHERE p.pathway_id = w.id) AS adherents,"
        " (SELECT COALESCE(SUM(count), 0) FROM pathway_inclusions i WHERE i.pathway_id = w.id"
        "  AND i.period_start >= :y0 AND i.period_start < :y1) AS included,"
        " (SELECT COUNT(*) FROM pathway_meetings l JOIN meetings m ON m.id = l.meeting_id"
        "  WHERE l.pathway_id = w.id AND m.cancelled = 0 AND m.starts_at >= :y0"
        "  AND m.starts_at < :y1) AS meetings,"
        " (SELECT COALESCE(SUM(l.cases_reviewed), 0) FROM pathway_meetings l"
        "  JOIN meetings m ON m.id = l.meeting_id WHERE l.pathway_id = w.id"
        "  AND m.cancelled = 0 AND m.starts_at >= :y0 AND m.starts_at < :y1) AS cases"
        " FROM pathways w JOIN pathway_themes t ON t.code = w.pathway_theme"
        " ORDER BY t.position, w.title", {"y0": y0, "y1": y1})


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The pathways and their year's figures as a spreadsheet reads them."""
    return pd.DataFrame({
        "Parcours": frame["title"], "Thème": frame["theme"],
        "Statut": frame["status"].map(STATUSES), "Acteurs": frame["members"],
        "Protocoles": frame["protocols"], "Adhérents aux protocoles": frame["adherents"],
        "Patients inclus": frame["included"], "Réunions": frame["meetings"],
        "Cas revus": frame["cases"]})


# Who takes part -------------------------------------------------------------------------

def add_member(store: Store, actor: Actor, pathway_id: int, person_id: int | None = None,
               organization_id: int | None = None, role: str = "") -> int:
    roles.require(actor, *EDITORS)
    if bool(person_id) == bool(organization_id):
        raise PortalError("Choisissez une personne ou une structure.", field="member")
    with store.write(actor) as tx:
        column, value = ("person_id", person_id) if person_id else \
            ("organization_id", organization_id)
        if tx.one(f"SELECT 1 AS x FROM pathway_members WHERE pathway_id = ? AND {column} = ?",
                  (pathway_id, value)):
            raise PortalError("Déjà dans ce parcours.", field="member")
        return tx.insert("pathway_members", {
            "pathway_id": pathway_id, "person_id": person_id or None,
            "organization_id": organization_id or None, "role": (role or "").strip()[:200]},
            entity="pathway_member")


def remove_member(store: Store, actor: Actor, member_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("pathway_members", member_id, "pathway_member", "Déjà retiré du parcours.")


def members(store: Store, pathway_id: int) -> pd.DataFrame:
    return store.frame(
        "SELECT m.id, m.person_id, m.organization_id, m.role,"
        " COALESCE(TRIM(p.first_name || ' ' || p.last_name), o.name) AS name,"
        " COALESCE(pr.label, 'Structure') AS what FROM pathway_members m"
        " LEFT JOIN people p ON p.id = m.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN organizations o ON o.id = m.organization_id WHERE m.pathway_id = ?"
        " ORDER BY m.organization_id IS NOT NULL, name COLLATE NOCASE", (pathway_id,))


# Patients included, counted -------------------------------------------------------------

def set_inclusions(store: Store, actor: Actor, pathway_id: int, period_start: date | None,
                   count: int | None, today: date | None = None) -> None:
    """The patients included in a month (any day of it), replacing what was typed."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        _include(tx, pathway_id, period_start, count, today or date.today())


def _include(tx: Transaction, pathway_id: int, day: date | None, count: int | None,
             today: date) -> None:
    if day is None:
        raise PortalError("Indiquez le mois.", field="period")
    month = day.replace(day=1)
    if month > today:
        raise PortalError("Ce mois n'a pas commencé.", field="period")
    if count is None or count < 0:
        raise PortalError("Un nombre de patients positif ou nul.", field="count")
    before = tx.one("SELECT count FROM pathway_inclusions WHERE pathway_id = ? AND"
                    " period_start = ?", (pathway_id, month.isoformat()))
    tx.execute("INSERT INTO pathway_inclusions VALUES (?, ?, ?) ON CONFLICT"
               " (pathway_id, period_start) DO UPDATE SET count = excluded.count",
               (pathway_id, month.isoformat(), int(count)))
    tx.audit("pathway", pathway_id, "inclusions",
             before={"period_start": month.isoformat(), "count": before["count"]}
             if before else None,
             after={"period_start": month.isoformat(), "count": int(count)})


INCLUSION_COLUMNS = {"month": ("Mois", "Période", "Date"),
                     "count": ("Patients inclus", "Patients", "Inclusions", "Nombre")}
MONTH = re.compile(r"^(?:(\d{1,2})/)?(\d{1,2})/(\d{4})$|^(\d{4})-(\d{2})(?:-\d{2})?$")


def _month(text: str) -> date:
    """'03/2026', '15/03/2026' or '2026-03(-15)': the month's first day."""
    found = MONTH.match(text.strip())
    if not found:
        raise PortalError(f"Mois « {text} » illisible : écrivez 03/2026 ou 01/03/2026.")
    _, month, year, iso_year, iso_month = found.groups()
    try:
        return date(int(year or iso_year), int(month or iso_month), 1)
    except ValueError:
        raise PortalError(f"Mois « {text} » inexistant.") from None


def import_inclusions(store: Store, actor: Actor, pathway_id: int, table: tabular.Table,
                      mapping: dict[str, str], dry_run: bool = False) -> imports.Report:
    """A spreadsheet of months and patients included, all or nothing, each line's error
    reported with its number."""
    roles.require(actor, *EDITORS)
    if set(mapping) != set(INCLUSION_COLUMNS):
        raise PortalError("Indiquez la colonne du mois et celle des patients inclus.",
                          field="mapping")
    today = date.today()

    def new_writer():
        def write_row(tx: Transaction, cell) -> list[str]:
            text = cell("count").replace("\u202f", "").replace(" ", "")
            if not text.isdigit():
                raise PortalError(f"Nombre de patients « {cell('count')} » : un nombre entier "
                                  "positif ou nul.")
            _include(tx, pathway_id, _month(cell("month")), int(text), today)
            return []
        return write_row

    return imports.import_rows(store, actor, table, mapping, new_writer,
                               {"pathway": pathway_id}, dry_run)


def inclusions(store: Store, pathway_id: int) -> pd.DataFrame:
    return store.frame("SELECT period_start, count FROM pathway_inclusions"
                       " WHERE pathway_id = ? ORDER BY period_start DESC", (pathway_id,))


# Case reviews ---------------------------------------------------------------------------

def link_meeting(store: Store, actor: Actor, pathway_id: int, meeting_id: int | None,
                 cases_reviewed: int | None) -> None:
    """A concertation meeting of the pathway, with the number of cases it reviewed."""
    roles.require(actor, *EDITORS)
    if not meeting_id:
        raise PortalError("Choisissez la réunion.", field="meeting")
    if cases_reviewed is None or cases_reviewed < 0:
        raise PortalError("Un nombre de cas positif ou nul.", field="cases")
    with store.write(actor) as tx:
        tx.execute("INSERT INTO pathway_meetings VALUES (?, ?, ?) ON CONFLICT"
                   " (pathway_id, meeting_id) DO UPDATE SET cases_reviewed ="
                   " excluded.cases_reviewed", (pathway_id, int(meeting_id),
                                                int(cases_reviewed)))
        tx.audit("pathway", pathway_id, "meetings",
                 after={"meeting_id": int(meeting_id), "cases_reviewed": int(cases_reviewed)})


def unlink_meeting(store: Store, actor: Actor, pathway_id: int, meeting_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.execute("DELETE FROM pathway_meetings WHERE pathway_id = ? AND meeting_id = ?",
                   (pathway_id, meeting_id))
        tx.audit("pathway", pathway_id, "meetings", before={"meeting_id": meeting_id})


def meetings(store: Store, pathway_id: int) -> pd.DataFrame:
    """The pathway's meetings, latest first: cases reviewed, hours, people present."""
    return store.frame(
        "SELECT m.id, m.title, m.starts_at, m.ends_at, l.cases_reviewed,"
        " round((julianday(m.ends_at) - julianday(m.starts_at)) * 24, 2) AS hours,"
        " (SELECT COUNT(*) FROM attendees a WHERE a.meeting_id = m.id"
        "  AND a.status = 'present') AS present"
        " FROM pathway_meetings l JOIN meetings m ON m.id = l.meeting_id"
        " WHERE l.pathway_id = ? ORDER BY m.starts_at DESC", (pathway_id,))


def meeting_choices(store: Store, pathway_id: int) -> dict[int, str]:
    """The concertation meetings not yet linked to the pathway, latest first."""
    return {r["id"]: f"{r['title']} du {date_fr(r['starts_at'])}" for r in store.query(
        "SELECT id, title, starts_at FROM meetings WHERE kind = 'concertation'"
        " AND cancelled = 0 AND id NOT IN (SELECT meeting_id FROM pathway_meetings"
        " WHERE pathway_id = ?) ORDER BY starts_at DESC LIMIT 100", (pathway_id,))}


# Protocols ------------------------------------------------------------------------------

PROTOCOL_FIELDS = ("inclusion", "exclusion", "steps", "follow_up")


def save_protocol(store: Store, actor: Actor, values: dict,
                  protocol_id: int | None = None) -> int:
    roles.require(actor, *EDITORS)
    title = (values.get("title") or "").strip()
    if not title:
        raise PortalError("Indiquez l'intitulé du protocole.", field="protocol_title")
    if values.get("kind") not in PROTOCOL_KINDS:
        raise PortalError("Choisissez le type de protocole.", field="protocol_kind")
    started, ended = values.get("started_on"), values.get("ended_on")
    if started is None:
        raise PortalError("Indiquez la date de début.", field="started_on")
    if ended is not None and ended < started:
        raise PortalError("La fin suit le début.", field="ended_on")
    declared = values.get("ars_declared_on")
    clean = {"pathway_id": values.get("pathway_id"), "title": title[:200],
             "kind": values["kind"], "started_on": started.isoformat(),
             "ended_on": ended.isoformat() if ended else None,
             "ars_declared_on": declared.isoformat() if declared else None,
             **{f: (values.get(f) or "").strip()[:4000] for f in PROTOCOL_FIELDS}}
    with store.write(actor) as tx:
        if protocol_id is None:
            stamp = iso(now())
            return tx.insert("protocols", {**clean, "created_at": stamp, "updated_at": stamp},
                             entity="protocol")
        early = tx.one("SELECT MIN(adhered_on) AS day FROM protocol_adherents"
                       " WHERE protocol_id = ?", (protocol_id,))["day"]
        if early and early < clean["started_on"]:
            raise PortalError(f"Une adhésion date du {date_fr(early)} : le protocole ne peut "
                              "commencer après.", field="started_on")
        if tx.update("protocols", protocol_id, clean, entity="protocol"):
            tx.execute("UPDATE protocols SET updated_at = ? WHERE id = ?",
                       (iso(now()), protocol_id))
        return protocol_id


def protocols(store: Store, pathway_id: int | None) -> list[dict]:
    """The protocols of a pathway (or those beside any, when None), with adherents."""
    rows = store.query("SELECT * FROM protocols WHERE pathway_id IS ? ORDER BY started_on",
                       (pathway_id,))
    for row in rows:
        row["adherents"] = store.query(
            "SELECT a.person_id, a.side, a.adhered_on, TRIM(p.first_name || ' ' ||"
            " p.last_name) AS name, pr.label AS profession FROM protocol_adherents a"
            " JOIN people p ON p.id = a.person_id"
            " LEFT JOIN professions pr ON pr.code = p.profession_code"
            " WHERE a.protocol_id = ? ORDER BY a.side, p.last_name", (row["id"],))
    return rows


def adhere(store: Store, actor: Actor, protocol_id: int, person_id: int | None,
           side: str | None, adhered_on: date | None) -> None:
    """A professional adheres to a protocol, on a day within it."""
    roles.require(actor, *EDITORS)
    if not person_id:
        raise PortalError("Choisissez le professionnel.", field="adherent")
    if side not in SIDES:
        raise PortalError("Délégant, délégué ou participant ?", field="side")
    if adhered_on is None:
        raise PortalError("Indiquez la date d'adhésion.", field="adhered_on")
    with store.write(actor) as tx:
        protocol = tx.one("SELECT started_on, ended_on FROM protocols WHERE id = ?",
                          (protocol_id,))
        if protocol is None:
            raise PortalError("Protocole introuvable.")
        if adhered_on.isoformat() < protocol["started_on"]:
            raise PortalError(f"Le protocole commence le {date_fr(protocol['started_on'])} : "
                              "une adhésion ne peut le précéder.", field="adhered_on")
        if protocol["ended_on"] and adhered_on.isoformat() > protocol["ended_on"]:
            raise PortalError(f"Le protocole a pris fin le {date_fr(protocol['ended_on'])}.",
                              field="adhered_on")
        if tx.one("SELECT 1 AS x FROM protocol_adherents WHERE protocol_id = ?"
                  " AND person_id = ?", (protocol_id, person_id)):
            raise PortalError("Ce professionnel adhère déjà à ce protocole.", field="adherent")
        tx.execute("INSERT INTO protocol_adherents VALUES (?, ?, ?, ?)",
                   (protocol_id, int(person_id), side, adhered_on.isoformat()))
        tx.audit("protocol", protocol_id, "adherents",
                 after={"person_id": int(person_id), "side": side,
                        "adhered_on": adhered_on.isoformat()})


def remove_adherent(store: Store, actor: Actor, protocol_id: int, person_id: int) -> None:
    """An adherence recorded by mistake."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        if tx.execute("DELETE FROM protocol_adherents WHERE protocol_id = ? AND person_id = ?",
                      (protocol_id, person_id)).rowcount == 0:
            raise PortalError("Cette adhésion a déjà été retirée.")
        tx.audit("protocol", protocol_id, "adherents", before={"person_id": person_id})


def delete_protocol(store: Store, actor: Actor, protocol_id: int) -> None:
    """A protocol created by mistake, with its adherences."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.execute("DELETE FROM protocol_adherents WHERE protocol_id = ?", (protocol_id,))
        tx.delete("protocols", protocol_id, "protocol", "Ce protocole a déjà été supprimé.")


# Indicator sources ----------------------------------------------------------------------

def active(store: Store, indicator: dict, start: date, end: date) -> float:
    return store.scalar("SELECT COUNT(*) FROM pathways WHERE status = 'en_cours'")


def adherents(store: Store, indicator: dict, start: date, end: date) -> float:
    """Professionals adherent to a protocol running at the period's end."""
    return store.scalar(
        "SELECT COUNT(DISTINCT a.person_id) FROM protocol_adherents a"
        " JOIN protocols p ON p.id = a.protocol_id WHERE a.adhered_on < ?"
        " AND (p.ended_on IS NULL OR p.ended_on >= ?)", (end.isoformat(), end.isoformat()))


def patients_included(store: Store, indicator: dict, start: date, end: date) -> float:
    return store.scalar("SELECT COALESCE(SUM(count), 0) FROM pathway_inclusions"
                        " WHERE period_start >= ? AND period_start < ?",
                        (start.isoformat(), end.isoformat()))


def cases_reviewed(store: Store, indicator: dict, start: date, end: date) -> float:
    return store.scalar("SELECT COALESCE(SUM(l.cases_reviewed), 0) FROM pathway_meetings l"
                        " JOIN meetings m ON m.id = l.meeting_id WHERE m.cancelled = 0"
                        " AND m.starts_at >= ? AND m.starts_at < ?",
                        (start.isoformat(), end.isoformat()))


def coordination_hours(store: Store, indicator: dict, start: date, end: date) -> float:
    """Hours of presence (people present × duration) at the pathways' meetings."""
    return store.scalar(
        "SELECT COALESCE(round(SUM((julianday(m.ends_at) - julianday(m.starts_at)) * 24"
        " * (SELECT COUNT(*) FROM attendees a WHERE a.meeting_id = m.id"
        " AND a.status = 'present')), 1), 0) FROM meetings m WHERE m.cancelled = 0"
        " AND m.id IN (SELECT meeting_id FROM pathway_meetings)"
        " AND m.starts_at >= ? AND m.starts_at < ?", (start.isoformat(), end.isoformat()))
