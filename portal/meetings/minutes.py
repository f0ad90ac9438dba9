"""What a meeting leaves behind: the minutes (compte rendu), the motions voted with their
result, and the decisions and tasks followed up until done; the whole as a Word file.

Minutes of a bureau or CA meeting may be kept to the board: members then see neither the
text nor its motions and decisions.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from docx import Document
from docx.shared import Cm

from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.exports import docx_bytes, docx_table
from ..core.formats import date_fr, plural, records
from ..core.roles import Actor
from ..core.transactions import iso, now
from ..core.where import Where
from ..directory import persons
from . import attendance, bodies, schedule

EDITORS = schedule.EDITORS
RESTRICTABLE = ("bureau", "ca")
MAJORITIES = {"simple": "Majorité des suffrages exprimés (plus de pour que de contre)",
              "votants": "Majorité des votants (plus de la moitié, abstentions comprises)",
              "deux_tiers": "Deux tiers des suffrages exprimés"}
RESULTS = {"adoptee": "Adoptée", "rejetee": "Rejetée", "sans_vote": "Pas de vote",
           "non_valable": "Non valable (quorum non atteint)"}
DECISION_KINDS = {"decision": "Décision", "tache": "Tâche"}
DECISION_STATUSES = {"a_faire": "À faire", "en_cours": "En cours", "faite": "Faite",
                     "abandonnee": "Abandonnée"}
OPEN = ("a_faire", "en_cours")


def readable(actor: Actor, meeting: dict) -> bool:
    """Whether this actor may read the meeting's minutes, motions and decisions."""
    return not meeting["minutes_restricted"] or actor.has(*roles.BOARD)


def save_minutes(store: Store, actor: Actor, meeting_id: int, text: str,
                 restricted: bool) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        meeting = tx.one("SELECT kind FROM meetings WHERE id = ?", (meeting_id,))
        if restricted and meeting["kind"] not in RESTRICTABLE:
            raise PortalError("Seuls les comptes rendus du bureau et du conseil "
                              "d'administration peuvent être réservés au bureau.",
                              field="restricted")
        tx.update("meetings", meeting_id, {"minutes": (text or "").strip(),
                                           "minutes_restricted": int(restricted)},
                  entity="meeting", action="minutes")


def _count(value, label: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise PortalError(f"Le nombre de voix « {label} » est un entier.",
                          field="votes") from None
    if number < 0:
        raise PortalError(f"Le nombre de voix « {label} » est positif.", field="votes")
    return number


def add_motion(store: Store, actor: Actor, meeting_id: int, title: str, majority: str,
               votes_for, votes_against, abstentions) -> int:
    """Record a motion and its vote. The votes cannot outnumber the voters: the people
    present or represented on the attendance sheet, once it is filled in. A bureau, CA or
    AG votes only once its sheet says whether the quorum is reached: a vote without
    quorum is recorded, as the minutes must say it happened, and reads "non valable"."""
    roles.require(actor, *EDITORS)
    meeting = schedule.get_meeting(store, meeting_id)
    count = bodies.quorum(store, meeting) if meeting else None
    if count is not None and not count.recorded:
        raise PortalError("Remplissez d'abord la feuille de présence : elle dit si le quorum "
                          "est atteint, et donc si le vote est valable.", field="votes")
    title = (title or "").strip()
    if not title:
        raise PortalError("Indiquez l'objet de la délibération.", field="motion_title")
    if majority not in MAJORITIES:
        raise PortalError("Choisissez la majorité requise.", field="majority")
    votes = {"votes_for": _count(votes_for, "pour"),
             "votes_against": _count(votes_against, "contre"),
             "abstentions": _count(abstentions, "abstention")}
    with store.write(actor) as tx:
        voters = tx.one("SELECT COUNT(*) AS n FROM attendees WHERE meeting_id = ?"
                        " AND status IN ('present', 'represente')", (meeting_id,))["n"]
        if voters and sum(votes.values()) > voters:
            raise PortalError(f"{sum(votes.values())} voix pour {voters} votants présents ou "
                              "représentés : vérifiez les nombres.", field="votes")
        return tx.insert("motions", {"meeting_id": meeting_id, "title": title[:500],
                                     "majority": majority, **votes,
                                     "created_at": iso(now())}, entity="motion")


def remove_motion(store: Store, actor: Actor, motion_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("motions", motion_id, "motion", "Cette délibération a déjà été supprimée.")


def result(motion: dict, quorum_reached: bool = True) -> str:
    """Adopted or rejected under the motion's majority: a tie rejects; without the
    quorum of its body, no vote is valid."""
    if not quorum_reached:
        return "non_valable"
    cast = motion["votes_for"] + motion["votes_against"]
    if cast + motion["abstentions"] == 0:
        return "sans_vote"
    if motion["majority"] == "simple":
        adopted = motion["votes_for"] > motion["votes_against"]
    elif motion["majority"] == "votants":
        adopted = 2 * motion["votes_for"] > cast + motion["abstentions"]
    else:
        adopted = cast > 0 and 3 * motion["votes_for"] >= 2 * cast
    return "adoptee" if adopted else "rejetee"


def motions(store: Store, meeting_id: int) -> list[dict]:
    """The meeting's motions with their result, read against today's attendance sheet
    (a corrected sheet corrects the results)."""
    rows = store.query("SELECT * FROM motions WHERE meeting_id = ? ORDER BY id", (meeting_id,))
    if not rows:
        return []
    reached = votes_valid(bodies.quorum(store, schedule.get_meeting(store, meeting_id)))
    return [{**r, "result": result(r, reached)} for r in rows]


def votes_valid(count: bodies.Quorum | None) -> bool:
    """Whether a meeting's votes stand: its body's quorum is reached, or it has none (a
    working group), or none can be computed yet (no member of the body recorded)."""
    return count is None or count.members == 0 or count.reached


def _clean_decision(values: dict) -> dict:
    clean = {"kind": values.get("kind"), "text": (values.get("text") or "").strip(),
             "owner_id": values.get("owner_id"), "status": values.get("status") or "a_faire"}
    if clean["kind"] not in DECISION_KINDS:
        raise PortalError("Choisissez : décision ou tâche.", field="decision_kind")
    if not clean["text"]:
        raise PortalError("Décrivez la décision ou la tâche.", field="decision_text")
    if clean["status"] not in DECISION_STATUSES:
        raise PortalError("Statut inconnu.", field="decision_status")
    due = values.get("due_on")
    try:
        clean["due_on"] = None if due is None or due == "" or pd.isna(due) \
            else pd.Timestamp(due).date().isoformat()
    except ValueError:
        raise PortalError("L'échéance est une date (ex. : 31/12/2026).",
                          field="decision_due") from None
    clean["owner_id"] = int(clean["owner_id"]) if clean["owner_id"] else None
    clean["text"] = clean["text"][:2000]
    return clean


def _write_decision(tx, values: dict, meeting_id: int | None = None,
                    decision_id: int | None = None) -> int:
    clean = _clean_decision(values)
    stamp = iso(now())
    if decision_id is None:
        return tx.insert("decisions", {**clean, "meeting_id": meeting_id,
                                       "done_on": _done_on(clean["status"], None),
                                       "created_at": stamp, "updated_at": stamp},
                         entity="decision")
    before = tx.one("SELECT done_on FROM decisions WHERE id = ?", (decision_id,))
    if before is None:
        raise PortalError("Une de ces décisions a été supprimée entre-temps.")
    if tx.update("decisions", decision_id,
                 {**clean, "done_on": _done_on(clean["status"], before["done_on"])},
                 entity="decision"):
        tx.execute("UPDATE decisions SET updated_at = ? WHERE id = ?", (stamp, decision_id))
    return decision_id


def add_decision(store: Store, actor: Actor, meeting_id: int, values: dict) -> int:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        return _write_decision(tx, values, meeting_id=meeting_id)


def update_decisions(store: Store, actor: Actor, changes: dict[int, dict]) -> int:
    """Save edited decisions (text, owner, due date, status...) all or nothing: the sheet
    of a meeting or of the follow-up page."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        for decision_id, values in changes.items():
            _write_decision(tx, values, decision_id=decision_id)
    return len(changes)


def _done_on(status: str, done_on: str | None) -> str | None:
    """The day a decision was carried out: set when it becomes done, kept after."""
    if status != "faite":
        return None
    return done_on or date.today().isoformat()


def remove_decision(store: Store, actor: Actor, decision_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("decisions", decision_id, "decision", "Cette décision a déjà été supprimée.")


DECISION_COLUMNS = (
    "SELECT d.id, d.meeting_id, m.title AS meeting, m.starts_at, d.kind, d.text, d.owner_id,"
    " TRIM(COALESCE(p.first_name, '') || ' ' || COALESCE(p.last_name, '')) AS owner,"
    " d.due_on, d.status, d.done_on,"
    " (d.status IN ('a_faire', 'en_cours') AND COALESCE(d.due_on < :today, 0)) AS overdue"
    " FROM decisions d JOIN meetings m ON m.id = d.meeting_id"
    " LEFT JOIN people p ON p.id = d.owner_id")


def decisions(store: Store, meeting_id: int, today: date | None = None) -> pd.DataFrame:
    return store.frame(DECISION_COLUMNS + " WHERE d.meeting_id = :meeting ORDER BY d.id",
                       {"meeting": meeting_id, "today": (today or date.today()).isoformat()})


def _follow_where(status: str | None, owner: int | None) -> tuple[str, dict]:
    where = Where().equal("d.owner_id", owner or None)
    if status == "open":
        where.add("d.status IN ('a_faire', 'en_cours')")
    else:
        where.equal("d.status", status)
    return where.sql, where.params


def possible_owners(store: Store, meeting_ids) -> dict[int, str]:
    """Who may own these meetings' decisions: their invitees, and whoever owns one
    already. A task goes to someone who was asked to the meeting; listing the whole
    directory would send thousands of names to every sheet."""
    ids = sorted({int(i) for i in meeting_ids})
    marks = ", ".join("?" for _ in ids) or "NULL"
    return persons.person_choices(
        store, f"p.id IN (SELECT person_id FROM attendees WHERE meeting_id IN ({marks})"
        f" UNION SELECT owner_id FROM decisions WHERE meeting_id IN ({marks}))", ids + ids)


def owners(store: Store) -> dict[int, str]:
    """The people who own at least one decision or task: the follow-up's filter."""
    return persons.person_choices(store, "p.id IN (SELECT owner_id FROM decisions)")


def count_follow_up(store: Store, status: str | None = "open", owner: int | None = None) -> int:
    where, params = _follow_where(status, owner)
    return store.scalar(f"SELECT COUNT(*) FROM decisions d{where}", params)


def follow_up(store: Store, status: str | None = "open", owner: int | None = None,
              limit: int = 100, offset: int = 0, today: date | None = None) -> pd.DataFrame:
    """Decisions and tasks, overdue first, then by due date (undated last), then by
    meeting date: what needs chasing comes on top."""
    where, params = _follow_where(status, owner)
    return store.frame(
        DECISION_COLUMNS + where +
        " ORDER BY overdue DESC, d.due_on IS NULL, d.due_on, m.starts_at DESC, d.id"
        " LIMIT :limit OFFSET :offset",
        {**params, "today": (today or date.today()).isoformat(), "limit": limit,
         "offset": offset})


def overdue_count(store: Store, today: date | None = None) -> int:
    return store.scalar("SELECT COUNT(*) FROM decisions WHERE status IN ('a_faire', 'en_cours')"
                        " AND due_on < ?", ((today or date.today()).isoformat(),))


def _attendance_lines(frame: pd.DataFrame) -> list[str]:
    names = {int(r["id"]): attendance.display_name(r) for r in records(frame)}
    lines = []
    for status, label in (("present", "Présents"), ("represente", "Représentés"),
                          ("excuse", "Excusés"), ("absent", "Absents")):
        rows = frame[frame["status"] == status]
        if rows.empty:
            continue
        people = [names[int(r.id)] + (f" (pouvoir à {names[int(r.proxy_id)]})"
                                      if status == "represente" else "")
                  for r in rows.itertuples()]
        lines.append(f"{label} ({len(people)}) : {', '.join(people)}.")
    return lines


def _meeting_document(meeting: dict, title: str, cpts_name: str):
    """A Word document opening on `title` and the meeting's CPTS, kind, date and place."""
    document = Document()
    document.add_heading(f"{title} : {meeting['title']}", level=0)
    document.add_paragraph(" · ".join(part for part in (
        cpts_name, schedule.KINDS[meeting["kind"]],
        schedule.when(meeting["starts_at"], meeting["ends_at"]), meeting["place"]) if part))
    return document


def docx(store: Store, meeting_id: int, cpts_name: str = "") -> bytes:
    """The minutes as a Word file: heading, attendance and quorum, agenda, text,
    motions with their votes, decisions and tasks."""
    meeting = schedule.get_meeting(store, meeting_id)
    document = _meeting_document(meeting, "Compte rendu", cpts_name)
    if meeting["cancelled"]:
        document.add_paragraph("Cette réunion a été annulée.")
    document.add_heading("Participants", level=1)
    lines = _attendance_lines(attendance.attendees(store, meeting_id))
    for line in lines or ["La feuille de présence n'est pas remplie."]:
        document.add_paragraph(line)
    count = bodies.quorum(store, meeting)
    if count is not None:
        document.add_paragraph(quorum_sentence(count))
    if meeting["agenda"]:
        document.add_heading("Ordre du jour", level=1)
        document.add_paragraph(meeting["agenda"])
    document.add_heading("Compte rendu", level=1)
    document.add_paragraph(meeting["minutes"] or "Le compte rendu n'est pas encore rédigé.")
    votes = motions(store, meeting_id)
    if votes:
        document.add_heading("Délibérations", level=1)
        docx_table(document, ["Objet", "Pour", "Contre", "Abstentions", "Résultat"], [
            [m["title"], str(m["votes_for"]), str(m["votes_against"]), str(m["abstentions"]),
             RESULTS[m["result"]]] for m in votes])
    frame = decisions(store, meeting_id)
    if not frame.empty:
        document.add_heading("Décisions et tâches", level=1)
        docx_table(document, ["Type", "Décision ou tâche", "Responsable", "Échéance", "Statut"],
                   [[DECISION_KINDS[d.kind], d.text, d.owner or "—", date_fr(d.due_on) or "—",
                     DECISION_STATUSES[d.status]] for d in frame.itertuples()])
    return docx_bytes(document, f"Compte rendu : {meeting['title']}")


BLANK_LINES = 6   # people who come uninvited sign on the empty lines


def sign_in_sheet(store: Store, meeting_id: int, cpts_name: str = "") -> bytes:
    """The attendance sheet to print and sign at the door, as Word: every invitee by
    name, empty lines for whoever else comes, and for the bodies that vote a column for
    the proxy given."""
    meeting = schedule.get_meeting(store, meeting_id)
    document = _meeting_document(meeting, "Feuille d'émargement", cpts_name)
    header = ["Nom et prénom", "Profession ou qualité", "Signature"]
    votes = meeting["kind"] in bodies.BODIES
    if votes:
        header.append("Pouvoir donné à (nom)")
    invited = attendance.attendees(store, meeting_id)
    names = attendance.sheet_names(invited)
    rows = [[names[int(r["id"])], attendance.quality(r), "", *([""] if votes else [])]
            for r in records(invited)]
    docx_table(document, header, rows + [[""] * len(header)] * BLANK_LINES,
               room=(0, 2) + ((3,) if votes else ()))  # names, signatures, proxies
    for row in document.tables[0].rows[1:]:
        row.height = Cm(1.2)  # room to sign
    document.add_paragraph(f"{len(rows)} invité(s). Ajoutez sur les lignes vides les "
                           "personnes présentes qui n'étaient pas invitées.")
    return docx_bytes(document, f"Feuille d'émargement : {meeting['title']}")


def quorum_sentence(count: bodies.Quorum) -> str:
    """'Quorum atteint : 5 membres sur 8, 4 présents et 1 représenté ; il en faut 5, soit
    plus de la moitié des membres.'"""
    if count.members == 0:
        return (f"Quorum non calculable : la composition de l'instance "
                f"({bodies.BODIES[count.body].lower()}) n'est pas renseignée.")
    if not count.recorded:
        return (f"Quorum : il faudra {plural(count.needed, 'membre')} sur {count.members}, "
                f"soit {count.rule}. Il sera calculé avec la feuille de présence.")
    state = "atteint" if count.reached else "non atteint"
    detail = plural(count.present, "présent") + (
        f" et {plural(count.represented, 'représenté')}" if count.represented else "")
    return (f"Quorum {state} : {plural(count.counted, 'membre')} sur {count.members}, "
            f"{detail} ; il en faut {count.needed}, soit {count.rule}.")
