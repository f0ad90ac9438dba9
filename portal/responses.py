"""Answers to a campaign: one sheet per professional, typed from paper or a mail, checked
question by question, saved even when incomplete (and marked so). A second sheet from the
same person is refused, unless the coordinator means to replace the first one.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from . import directory, questionnaires, roles
from .db import Store, Transaction, iso, now
from .errors import PortalError

EDITORS = questionnaires.EDITORS
CHANNELS = {"papier": "Papier", "courriel": "Courriel", "formulaire": "Formulaire en ligne",
            "import": "Import de tableur"}


class AlreadyAnswered(PortalError):
    """This person has a sheet in this campaign already: `response_id` says which."""

    def __init__(self, message: str, response_id: int):
        super().__init__(message, field="person")
        self.response_id = response_id


def clean_answers(questions: list[dict], raw: dict) -> tuple[list[tuple[int, str]], bool]:
    """Check each answer against its question; returns the rows to store and whether every
    closed or number question is answered (a free text may stay empty)."""
    rows, complete = [], True
    for question in questions:
        value = raw.get(question["id"])
        field = f"q{question['id']}"
        if question["kind"] == "multiple":
            picked = [v for v in (value or []) if v]
            unknown = [v for v in picked if v not in question["options"]]
            if unknown:
                raise PortalError(f"« {unknown[0]} » n'est pas un choix de cette question.",
                                  field=field)
            rows += [(question["id"], v) for v in dict.fromkeys(picked)]
            complete &= bool(picked)
            continue
        text = "" if value is None else str(value).strip()
        if not text:
            complete &= question["kind"] == "text"
            continue
        if question["kind"] == "number":
            try:
                text = f"{float(text.replace(',', '.').replace(' ', '')):g}"
            except ValueError:
                raise PortalError("Un nombre est attendu (ex. : 12 ou 2,5).",
                                  field=field) from None
        elif question["kind"] != "text" and text not in questionnaires.choices(question):
            raise PortalError(f"« {text} » n'est pas une réponse possible.", field=field)
        rows.append((question["id"], text[:2000]))
    return rows, complete


def _respondent(tx: Transaction, person_id: int | None, new_person: dict | None,
                create_anyway: bool) -> int:
    """The directory person who answered: picked, or created from the identity typed."""
    if person_id:
        return int(person_id)
    if not new_person or not (new_person.get("last_name") or "").strip():
        raise PortalError("Choisissez la personne dans l'annuaire, ou indiquez au moins son "
                          "nom pour créer sa fiche.", field="person")
    key = directory.name_key(new_person["last_name"], new_person.get("first_name") or "")
    namesake = tx.one("SELECT id FROM people WHERE name_key = ? AND merged_into IS NULL"
                      " AND erased_at IS NULL", (key,))
    if namesake and not create_anyway:
        raise PortalError("Une fiche de l'annuaire porte déjà ce nom : choisissez-la dans la "
                          "liste, ou cochez « Créer une nouvelle fiche quand même ».",
                          field="person")
    return directory.write_person(tx, {**new_person, "member": False})[0]


def save_response(store: Store, actor, campaign_id: int, answers: dict, *,
                  person_id: int | None = None, new_person: dict | None = None,
                  received_on: date | None = None, channel: str = "papier",
                  replace: bool = False, create_anyway: bool = False) -> tuple[int, bool]:
    """Record one person's sheet; returns (response id, complete)."""
    roles.require(actor, *EDITORS)
    if channel not in CHANNELS:
        raise PortalError("Canal inconnu.", field="channel")
    with store.write(actor) as tx:
        return write_response(tx, campaign_id, answers, person_id=person_id,
                              new_person=new_person, received_on=received_on,
                              channel=channel, replace=replace, create_anyway=create_anyway)


def write_response(tx: Transaction, campaign_id: int, answers: dict, *,
                   person_id: int | None, new_person: dict | None, received_on: date | None,
                   channel: str, replace: bool, create_anyway: bool = False,
                   demo: bool = False) -> tuple[int, bool]:
    campaign = tx.one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
    if campaign is None or campaign["closed"]:
        raise PortalError("Cette campagne est close : elle ne reçoit plus de réponses.")
    rows, complete = clean_answers(questionnaires.questions(tx, campaign_id), answers)
    person = _respondent(tx, person_id, new_person, create_anyway)
    existing = tx.one("SELECT id FROM responses WHERE campaign_id = ? AND person_id = ?",
                      (campaign_id, person))
    values = {"received_on": (received_on or date.today()).isoformat(), "channel": channel,
              "complete": int(complete), "entered_by": tx.actor.username,
              "entered_at": iso(now())}
    if existing and not replace:
        raise AlreadyAnswered("Cette personne a déjà répondu à cette campagne.",
                              existing["id"])
    if existing:
        response_id = existing["id"]
        before = tx.all("SELECT question_id, value FROM answers WHERE response_id = ?",
                        (response_id,))
        tx.execute("DELETE FROM answers WHERE response_id = ?", (response_id,))
        tx.execute("UPDATE responses SET received_on = ?, channel = ?, complete = ?,"
                   " entered_by = ?, entered_at = ? WHERE id = ?",
                   (*values.values(), response_id))
        tx.audit("response", response_id, "replace", before={"answers": before},
                 after={"answers": rows})
    else:
        response_id = tx.insert("responses", {"campaign_id": campaign_id, "person_id": person,
                                              **values, "demo": int(demo)},
                                entity="response")
        tx.audit("response", response_id, "answers", after={"answers": rows})
    tx.conn.executemany("INSERT INTO answers (response_id, question_id, value)"
                        " VALUES (?, ?, ?)", [(response_id, q, v) for q, v in rows])
    return response_id, complete


def delete_response(store: Store, actor, response_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("responses", response_id, "response", "Cette réponse a déjà été supprimée.")


def get_response(store: Store, response_id: int) -> dict | None:
    """A sheet with its respondent's name and its answers by question id (lists for a
    multiple choice)."""
    response = store.query_one(
        "SELECT r.*, p.first_name, p.last_name FROM responses r JOIN people p"
        " ON p.id = r.person_id WHERE r.id = ?", (response_id,))
    if response is None:
        return None
    answers: dict[int, list[str]] = {}
    for row in store.query("SELECT question_id, value FROM answers WHERE response_id = ?",
                           (response_id,)):
        answers.setdefault(row["question_id"], []).append(row["value"])
    response["answers"] = answers
    return response


def count_responses(store: Store, campaign_id: int) -> int:
    return store.scalar("SELECT COUNT(*) FROM responses WHERE campaign_id = ?", (campaign_id,))


def list_responses(store: Store, campaign_id: int, incomplete_only: bool = False,
                   limit: int = 50, offset: int = 0) -> pd.DataFrame:
    return store.frame(
        "SELECT r.id, p.last_name, p.first_name, pr.label AS profession, r.received_on,"
        " r.channel, r.complete FROM responses r JOIN people p ON p.id = r.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code WHERE r.campaign_id = ?"
        + (" AND r.complete = 0" if incomplete_only else "") +
        " ORDER BY r.entered_at DESC, r.id DESC LIMIT ? OFFSET ?", (campaign_id, limit, offset))


def respondent_choices(store: Store) -> dict[int, str]:
    """Pickers that find a person as you type a name, an RPPS or an e-mail."""
    return {r["id"]: " · ".join(part for part in (
        f"{r['last_name']} {r['first_name'] or ''}".strip(), r["profession"] or "",
        r["commune"] or "", r["rpps"] and f"RPPS {r['rpps']}", r["email"] or "") if part)
        for r in store.query(
            "SELECT p.id, p.last_name, p.first_name, p.rpps, p.email, pr.label AS profession,"
            " c.name AS commune FROM people p"
            " LEFT JOIN professions pr ON pr.code = p.profession_code"
            " LEFT JOIN communes c ON c.code = p.commune_code"
            " WHERE p.merged_into IS NULL AND p.erased_at IS NULL"
            " ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE")}


def export_frame(store: Store, campaign_id: int) -> pd.DataFrame:
    """Every sheet of the campaign, one row each, one column per question (archived ones
    included), for XLSX and CSV."""
    sheets = store.frame(
        "SELECT r.id, p.last_name AS Nom, p.first_name AS Prénom, pr.label AS Profession,"
        " c.name AS Commune, p.email AS \"E-mail\", r.received_on AS \"Reçue le\","
        " r.channel AS Canal, r.complete AS Complète FROM responses r"
        " JOIN people p ON p.id = r.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes c ON c.code = p.commune_code"
        " WHERE r.campaign_id = ? ORDER BY p.last_name COLLATE NOCASE, p.first_name",
        (campaign_id,))
    sheets["Canal"] = sheets["Canal"].map(CHANNELS)
    sheets["Complète"] = sheets["Complète"].map({1: "Oui", 0: "Non"})
    long = store.frame(
        "SELECT a.response_id, a.question_id, group_concat(a.value, ', ') AS value"
        " FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.campaign_id = ?"
        " GROUP BY a.response_id, a.question_id", (campaign_id,))
    columns = {q["id"]: q["label"] for q in questionnaires.questions(store, campaign_id, True)}
    wide = long.assign(value=long["value"].map(
        lambda v: questionnaires.ANSWER_LABELS.get(v, v))).pivot(
        index="response_id", columns="question_id", values="value") if not long.empty \
        else pd.DataFrame()
    wide = wide.reindex(columns=list(columns)).rename(columns=columns)
    out = sheets.join(wide, on="id").drop(columns=["id"]).astype(object)
    return out.where(out.notna(), "")

