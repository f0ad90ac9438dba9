"""Fiches action: what the CPTS does for its missions, laid out like the action fiche the
ARS and the Assurance Maladie know (context, objectives, referents, diagnosis, steps,
partners, calendar), with a status and a progress; exported as Word documents."""

from __future__ import annotations

import pandas as pd
from docx import Document
from docx.enum.text import WD_BREAK

from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.exports import docx_bytes, docx_table
from ..core.formats import date_fr, datetime_fr
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now

EDITORS = roles.EDIT["missions"]
STATUSES = {"projet": "En projet", "en_cours": "En cours", "realisee": "Réalisée",
            "suspendue": "Suspendue"}
PARTNERS = ("Assurance Maladie", "ARS", "SAS", "GRADeS")
# The fiche's free-text sections, in the fiche's order.
SECTIONS = {
    "prs_objectives": "Objectifs régionaux de référence (PRS)",
    "context": "Contexte de l'action",
    "objectives": "Objectifs de l'action",
    "diagnosis": "Éléments du diagnostic territorial",
    "description": "Description de l'action",
    "beneficiaries": "Public bénéficiaire",
    "territory_covered": "Territoire couvert",
    "results": "Réalisations et résultats de l'année",
}
FIELDS = ("number", "title", "status", "progress", *SECTIONS, "referents_text",
          "other_partners", "start_on", "end_on")


def _clean(tx: Transaction, values: dict, action_id: int | None) -> dict:
    out = {k: values.get(k) for k in FIELDS}
    try:
        out["number"] = int(out["number"])
    except (TypeError, ValueError):
        raise PortalError("Indiquez le numéro de l'action.", field="number") from None
    if out["number"] < 1:
        raise PortalError("Le numéro est un entier positif.", field="number")
    clash = tx.one("SELECT id FROM actions WHERE number = ?", (out["number"],))
    if clash and clash["id"] != action_id:
        raise PortalError(f"L'action n°{out['number']} existe déjà.", field="number")
    out["title"] = (out["title"] or "").strip()
    if not out["title"]:
        raise PortalError("Indiquez l'intitulé de l'action.", field="title")
    out["status"] = out["status"] or "projet"
    if out["status"] not in STATUSES:
        raise PortalError("Statut inconnu.", field="status")
    out["progress"] = int(out["progress"] or 0)
    if not 0 <= out["progress"] <= 100:
        raise PortalError("L'avancement va de 0 à 100 %.", field="progress")
    for key in (*SECTIONS, "referents_text", "other_partners"):
        out[key] = (out[key] or "").strip()
    for key in ("start_on", "end_on"):
        out[key] = str(out[key])[:10] if out[key] else None
    if out["start_on"] and out["end_on"] and out["end_on"] < out["start_on"]:
        raise PortalError("La fin est avant le début.", field="end_on")
    return out


def write_action(tx: Transaction, values: dict, action_id: int | None = None, missions=(),
                 referents=(), partners=(), links=()) -> int:
    """Create or update an action fiche inside a caller's transaction."""
    clean = _clean(tx, values, action_id)
    missions = list(missions)
    if not missions:
        raise PortalError("Rattachez l'action à au moins une mission.", field="missions")
    known = {r["code"] for r in tx.all("SELECT code FROM missions")}
    if set(missions) - known:
        raise PortalError("Mission inconnue.", field="missions")
    stamp = iso(now())
    if action_id is None:
        action_id = tx.insert("actions", {**clean, "created_at": stamp,
                                          "updated_at": stamp}, entity="action")
    elif tx.update("actions", action_id, clean, entity="action"):
        tx.execute("UPDATE actions SET updated_at = ? WHERE id = ?", (stamp, action_id))
    for table, column, linked in (
            ("action_missions", "mission_code", missions),
            ("action_referents", "person_id", [int(p) for p in referents]),
            ("action_partners", "partner", [p for p in partners if p])):
        tx.set_links(table, "action_id", action_id, column, linked, "action")
    link(tx, action_id, links)
    return action_id


def link(tx: Transaction, action_id: int, linked_ids) -> None:
    """Set the actions this one is linked to (they may be created after it)."""
    tx.set_links("action_links", "action_id", action_id, "linked_id",
                 [int(i) for i in linked_ids if int(i) != action_id], "action")


def save_action(store: Store, actor: Actor, values: dict, action_id: int | None = None,
                missions=(), referents=(), partners=(), links=()) -> tuple[int, list[str]]:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        return write_action(tx, values, action_id, missions, referents, partners, links), []


def list_actions(store: Store, mission: str | None = None,
                 status: str | None = None) -> pd.DataFrame:
    clauses, params = [], {}
    if mission:
        clauses.append("a.id IN (SELECT action_id FROM action_missions"
                       " WHERE mission_code = :mission)")
        params["mission"] = mission
    if status:
        clauses.append("a.status = :status")
        params["status"] = status
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return store.frame(
        "SELECT a.id, a.number, a.title, a.status, a.progress, a.start_on, a.end_on,"
        " a.updated_at, (SELECT group_concat(m.title, ', ') FROM action_missions am"
        "  JOIN missions m ON m.code = am.mission_code WHERE am.action_id = a.id) AS missions"
        f" FROM actions a{where} ORDER BY a.number", params)


def get_action(store: Store, action_id: int) -> dict | None:
    action = store.query_one("SELECT * FROM actions WHERE id = ?", (action_id,))
    if action is None:
        return None
    action["missions"] = store.query(
        "SELECT m.code, m.title FROM missions m JOIN action_missions am"
        " ON am.mission_code = m.code WHERE am.action_id = ? ORDER BY m.position", (action_id,))
    action["referents"] = store.query(
        "SELECT p.id, p.civility, p.first_name, p.last_name FROM people p"
        " JOIN action_referents r ON r.person_id = p.id WHERE r.action_id = ?"
        " ORDER BY p.last_name", (action_id,))
    action["partners"] = [r["partner"] for r in store.query(
        "SELECT partner FROM action_partners WHERE action_id = ? ORDER BY partner", (action_id,))]
    action["links"] = store.query(
        "SELECT a.id, a.number, a.title FROM actions a JOIN action_links l"
        " ON l.linked_id = a.id WHERE l.action_id = ? ORDER BY a.number", (action_id,))
    return action


def calendar_text(action: dict) -> str:
    start, end = date_fr(action["start_on"]), date_fr(action["end_on"])
    if start and end:
        return f"Du {start} au {end}"
    if start:
        return f"À partir du {start}"
    return f"Jusqu'au {end}" if end else "Non renseigné"


def fiche_rows(action: dict) -> list[tuple[str, str]]:
    """The fiche as (heading, text) rows, in the fiche's order: one layout for the page
    and the Word export."""
    referents = [" ".join(p for p in (r["civility"], r["first_name"], r["last_name"]) if p)
                 for r in action["referents"]]
    if action["referents_text"]:
        referents.append(action["referents_text"])
    partners = [*action["partners"], *([action["other_partners"]]
                                       if action["other_partners"] else [])]
    rows = [("Mission(s) ACI", ", ".join(m["title"] for m in action["missions"]))]
    rows += [(label, action[key]) for key, label in list(SECTIONS.items())[:3]]
    rows.append(("Personnes référentes de l'action", "\n".join(referents)))
    rows += [(label, action[key]) for key, label in list(SECTIONS.items())[3:5]]
    rows.append(("Lien avec les autres actions de la CPTS",
                 "\n".join(f"Action n°{a['number']} : {a['title']}" for a in action["links"])))
    rows += [(label, action[key]) for key, label in list(SECTIONS.items())[5:]]
    rows += [("Partenaires", "\n".join(partners)),
             ("Calendrier prévisionnel", calendar_text(action)),
             ("Statut", f"{STATUSES[action['status']]} — avancement {action['progress']} %"),
             ("Dernière mise à jour", datetime_fr(action["updated_at"]))]
    return rows


def fiches_docx(store: Store, action_ids: list[int], cpts_name: str = "") -> bytes:
    """One Word document with a fiche per action, a page each, ready to send."""
    document = Document()
    for index, action_id in enumerate(action_ids):
        action = get_action(store, action_id)
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if cpts_name:
            document.add_paragraph(cpts_name)
        document.add_heading(f"Action n°{action['number']} : {action['title']}", level=1)
        docx_table(document, None, [[heading, text or "—"]
                                    for heading, text in fiche_rows(action)])
    return docx_bytes(document, "Fiches action")


def status_counts(store: Store) -> dict[str, dict[str, int]]:
    """Per mission, how many actions are in each status (an action serving two missions
    counts in both)."""
    counts: dict[str, dict[str, int]] = {}
    for row in store.query(
            "SELECT am.mission_code, a.status, COUNT(*) AS n FROM actions a"
            " JOIN action_missions am ON am.action_id = a.id GROUP BY am.mission_code, a.status"):
        counts.setdefault(row["mission_code"], {})[row["status"]] = row["n"]
    return counts
