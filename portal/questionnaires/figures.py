"""What a campaign says: how many answered against the territory's professionals, the
share of Oui / Non / NC per question overall, by profession and by commune (counted in
SQL), who volunteered for which mission, the comments, and two campaigns side by side.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..core.db import Store
from ..core.tabular import normalise
from . import campaigns

GROUPS = {None: "'Ensemble'", "profession": "COALESCE(pr.label, 'Profession non renseignée')",
          "commune": "COALESCE(c.name, 'Commune non renseignée')"}
CLOSED = "('yes_no', 'yes_no_nc', 'single', 'multiple')"
ACTIVE = "p.merged_into IS NULL AND p.erased_at IS NULL AND p.left_territory = 0"


def summary(store: Store, campaign_id: int) -> dict:
    """Responses, complete ones, and the rate against the professionals of the directory
    (current records, still on the territory)."""
    row = store.query_one(
        "SELECT COUNT(*) AS responses, COALESCE(SUM(complete), 0) AS complete"
        " FROM responses WHERE campaign_id = ?", (campaign_id,))
    professionals = store.scalar(f"SELECT COUNT(*) FROM people p WHERE {ACTIVE}")
    row["professionals"] = professionals
    row["rate"] = row["responses"] / professionals if professionals else None
    return row


def _joins(people: bool = True) -> str:
    """Answers with their question, and (`people`) who gave them, profession, commune."""
    return " FROM answers a JOIN questions q ON q.id = a.question_id" + (
        " JOIN responses r ON r.id = a.response_id JOIN people p ON p.id = r.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes c ON c.code = p.commune_code" if people else "")


def shares(store: Store, campaign_id: int, by: str | None = None) -> pd.DataFrame:
    """One row per closed question, group and answer: count, and share of the people of
    that group who answered the question (for a multiple choice, shares add up to more
    than 100 %)."""
    group = GROUPS[by]
    counts = store.frame(
        f"SELECT q.id AS question_id, q.position, q.label, {group} AS grp, a.value,"
        f" COUNT(*) AS n{_joins(by is not None)} WHERE q.campaign_id = ? AND q.archived = 0"
        f" AND q.kind IN {CLOSED} GROUP BY q.id, grp, a.value", (campaign_id,))
    totals = store.frame(
        f"SELECT q.id AS question_id, {group} AS grp, COUNT(DISTINCT a.response_id)"
        f" AS answered{_joins(by is not None)} WHERE q.campaign_id = ? AND q.archived = 0"
        f" AND q.kind IN {CLOSED} GROUP BY q.id, grp", (campaign_id,))
    frame = counts.merge(totals, on=["question_id", "grp"])
    frame["share"] = (frame["n"] / frame["answered"]).round(4)
    frame["answer"] = frame["value"].map(lambda v: campaigns.ANSWER_LABELS.get(v, v))
    # Answers in the question's own order (Oui, Non, NC; the options as written).
    order = {q["id"]: campaigns.choices(q) for q in campaigns.questions(store,
                                                                        campaign_id)}
    frame["rank"] = [order[q].index(v) if v in order[q] else len(order[q])
                     for q, v in zip(frame["question_id"], frame["value"])]
    return frame.sort_values(["position", "grp", "rank"]).reset_index(drop=True)


def volunteers(store: Store, campaign_id: int, question_id: int,
               value: str = "oui") -> pd.DataFrame:
    """Who answered `value` (Oui) to a question: to invite to the matching group."""
    return store.frame(
        "SELECT p.id, p.last_name, p.first_name, pr.label AS profession, c.name AS commune,"
        " p.phone, p.email FROM answers a JOIN responses r ON r.id = a.response_id"
        " JOIN people p ON p.id = r.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes c ON c.code = p.commune_code"
        " WHERE r.campaign_id = ? AND a.question_id = ? AND a.value = ?"
        " ORDER BY p.last_name COLLATE NOCASE, p.first_name", (campaign_id, question_id, value))


def count_comments(store: Store, campaign_id: int) -> int:
    return store.scalar("SELECT COUNT(*) FROM answers a JOIN questions q"
                        " ON q.id = a.question_id WHERE q.campaign_id = ? AND q.kind = 'text'",
                        (campaign_id,))


def comments(store: Store, campaign_id: int, limit: int = 100,
             offset: int = 0) -> pd.DataFrame:
    """The free-text answers, with who wrote them, one page at a time."""
    return store.frame(
        "SELECT q.label AS question, p.last_name, p.first_name, pr.label AS profession,"
        f" a.value AS text{_joins()} WHERE q.campaign_id = ? AND q.kind = 'text'"
        " ORDER BY q.position, p.last_name COLLATE NOCASE LIMIT ? OFFSET ?",
        (campaign_id, limit, offset))


def compare(store: Store, before: int, after: int) -> pd.DataFrame:
    """Share of Oui per question in two campaigns, questions matched by their wording."""
    def oui(campaign_id: int) -> pd.DataFrame:
        frame = shares(store, campaign_id)
        frame = frame[frame["value"] == "oui"][["label", "share", "answered"]]
        return frame.assign(key=frame["label"].map(normalise))
    first, second = oui(before), oui(after)
    merged = first.merge(second, on="key", how="outer", suffixes=("_before", "_after"))
    merged["label"] = merged["label_after"].fillna(merged["label_before"])
    merged["change"] = (merged["share_after"] - merged["share_before"]).round(4)
    return merged[["label", "share_before", "answered_before", "share_after",
                   "answered_after", "change"]]


def responses_received(store: Store, indicator: dict, start: date, end: date) -> float:
    """Indicator source: sheets received in the period, every campaign together."""
    return store.scalar("SELECT COUNT(*) FROM responses WHERE received_on >= ?"
                        " AND received_on < ?", (start.isoformat(), end.isoformat()))


def mission_oui_share(store: Store, indicator: dict, start: date, end: date) -> float | None:
    """Indicator source: of the sheets received in the period that answered a question
    on the indicator's mission, the % with at least one Oui to it."""
    row = store.query_one(
        "SELECT COUNT(DISTINCT a.response_id) AS answered, COUNT(DISTINCT CASE"
        " WHEN a.value = 'oui' THEN a.response_id END) AS oui FROM answers a"
        " JOIN questions q ON q.id = a.question_id JOIN responses r ON r.id = a.response_id"
        " WHERE q.mission_code = ? AND r.received_on >= ? AND r.received_on < ?",
        (indicator["mission_code"], start.isoformat(), end.isoformat()))
    return round(100 * row["oui"] / row["answered"], 1) if row["answered"] else None
