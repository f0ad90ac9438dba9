"""Indemnisation: what the CPTS pays its professionals for the time they give (art.
D.1434-44 CSP), at the rates the association sets, never hard-coded.

Time comes from the portal's own records where they exist (a meeting attended, an SNP
slot held on a day) and from lines typed with a reason and a supporting document. Only
a kind with a rate on the line's day is paid. The coordination prepares a statement
(relevé) per professional and period: its lines take the rate of their day and an
amount. The treasurer validates it, and from then on it is frozen: a mistake is
corrected by a typed line, negative if need be, on a later statement. A meeting, or a
slot on a day, joins one statement only. Amounts are integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ..core import files, roles
from ..core.db import Store, set_setting
from ..core.errors import PortalError
from ..core.formats import PARIS, date_fr, euros
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now
from . import memberships

EDITORS = roles.EDIT["association"]
TREASURERS = roles.EDIT["payments"]
KINDS = {"reunion": "Heure de réunion", "groupe_travail": "Heure de groupe de travail",
         "snp": "Heure de créneau de soins non programmés",
         "fonction": "Heure de fonction (perte de revenus)", "acte": "Forfait par acte"}
PER_ACT = "acte"
SOURCES = {"meeting": "Réunion (feuille de présence)", "snp": "Créneau SNP tenu",
           "manual": "Saisie"}
# The social-security ceiling of 2025, the default of the yearly cap the treasurer sets.
CAP_CENTS = 4_710_000
NAME = "TRIM(p.last_name || ' ' || COALESCE(p.first_name, ''))"


def today() -> date:
    return datetime.now(PARIS).date()


def _amount(kind: str, quantity: int, rate_cents: int) -> int:
    """Minutes at an hourly rate, or acts at a flat one, to the nearest cent."""
    return quantity * rate_cents if kind == PER_ACT else round(quantity * rate_cents / 60)


def quantity_fr(kind: str, quantity: int | None) -> str:
    """'1 h 30' of time, '3 actes' of acts."""
    if quantity is None:
        return ""
    if kind == PER_ACT:
        return f"{quantity} acte{'s' if abs(quantity) > 1 else ''}"
    sign, minutes = ("-" if quantity < 0 else ""), abs(quantity)
    return f"{sign}{minutes // 60} h {minutes % 60:02d}"


# Rates --------------------------------------------------------------------------------

def rates(store: Store) -> pd.DataFrame:
    return store.frame("SELECT * FROM indemnity_rates ORDER BY kind, starts_on DESC")


def rate_on(store: Store, kind: str, day: date) -> int | None:
    row = store.query_one("SELECT amount_cents FROM indemnity_rates WHERE kind = ?"
                          " AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)",
                          (kind, day.isoformat(), day.isoformat()))
    return None if row is None else row["amount_cents"]


def add_rate(store: Store, actor: Actor, kind: str | None, amount_cents: int | None,
             starts_on: date | None, ends_on: date | None = None) -> int:
    """A rate of a kind for a period. One that overlaps another of the same kind is
    refused, naming it: end the running one first."""
    roles.require(actor, *TREASURERS)
    if kind not in KINDS:
        raise PortalError("Choisissez le type de temps.", field="kind")
    if amount_cents is None or amount_cents < 0:
        raise PortalError("Indiquez un montant positif ou nul.", field="amount")
    if starts_on is None:
        raise PortalError("Indiquez la date de début.", field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise PortalError("La fin suit le début.", field="ends_on")
    with store.write(actor) as tx:
        _refuse_overlap(tx, kind, starts_on, ends_on)
        return tx.insert("indemnity_rates", {
            "kind": kind, "amount_cents": int(amount_cents), "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None, "created_at": iso(now())},
            entity="indemnity_rate")


def _refuse_overlap(tx: Transaction, kind: str, starts_on: date, ends_on: date | None,
                    rate_id: int | None = None) -> None:
    other = tx.one("SELECT * FROM indemnity_rates WHERE kind = ? AND id IS NOT ?"
                   " AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)",
                   (kind, rate_id, (ends_on or date.max).isoformat(), starts_on.isoformat()))
    if other:
        until = f"au {date_fr(other['ends_on'])}" if other["ends_on"] else "sans fin"
        raise PortalError(f"Un taux « {KINDS[kind]} » de {euros(other['amount_cents'])} "
                          f"s'applique déjà du {date_fr(other['starts_on'])} {until} : "
                          "terminez-le avant.", field="starts_on")


def end_rate(store: Store, actor: Actor, rate_id: int, ends_on: date | None) -> None:
    roles.require(actor, *TREASURERS)
    if ends_on is None:
        raise PortalError("Indiquez le dernier jour.", field="ends_on")
    with store.write(actor) as tx:
        tx.end("indemnity_rates", rate_id, ends_on, "indemnity_rate", "Ce taux")


@dataclass(frozen=True)
class Rules:
    cap_cents: int            # a professional's yearly total above this is flagged
    members_only: bool        # only members of the CPTS are paid

    @classmethod
    def of(cls, store: Store) -> Rules:
        return cls(int(store.get_setting("indemnity_cap_cents") or CAP_CENTS),
                   store.get_setting("indemnity_members_only") == "1")


def set_rules(store: Store, actor: Actor, cap_cents: int | None, members_only: bool) -> None:
    roles.require(actor, *TREASURERS)
    if cap_cents is None or cap_cents <= 0:
        raise PortalError("Indiquez un plafond positif.", field="cap")
    with store.write(actor) as tx:
        set_setting(tx, "indemnity_cap_cents", str(int(cap_cents)))
        set_setting(tx, "indemnity_members_only", "1" if members_only else "0")


# Typed lines ----------------------------------------------------------------------------

def add_line(store: Store, actor: Actor, files_dir: Path, person_id: int | None,
             kind: str | None, worked_on: date | None, quantity: int | None,
             mission_code: str | None, reason: str, filename: str | None = None,
             data: bytes | None = None) -> int:
    """Time typed by the coordination, with its reason and its supporting document; a
    negative quantity corrects a line of a validated statement, and needs no document."""
    roles.require(actor, *EDITORS)
    if not person_id:
        raise PortalError("Choisissez le professionnel.", field="person_id")
    if kind not in KINDS:
        raise PortalError("Choisissez le type de temps.", field="kind")
    if worked_on is None:
        raise PortalError("Indiquez la date.", field="worked_on")
    if not quantity:
        raise PortalError("Indiquez une durée (ou un nombre d'actes) non nulle.",
                          field="quantity")
    reason = (reason or "").strip()
    if not reason:
        raise PortalError("Indiquez le motif.", field="reason")
    if rate_on(store, kind, worked_on) is None:
        raise PortalError(f"Aucun taux « {KINDS[kind]} » ne s'applique le "
                          f"{date_fr(worked_on)} : fixez-le d'abord (onglet « Taux »).",
                          field="kind")
    document = {}
    if data:
        document = files.keep(files_dir, filename or "document", data)
        document.pop("size")
    elif quantity > 0:
        raise PortalError("Joignez la pièce justificative.", field="file")
    with store.write(actor) as tx:
        return tx.insert("indemnity_lines", {
            "person_id": int(person_id), "kind": kind, "worked_on": worked_on.isoformat(),
            "quantity": int(quantity), "mission_code": mission_code or None,
            "source": "manual", "label": reason[:200], "reason": reason[:1000], **document,
            "created_by": actor.username, "created_at": iso(now())},
            entity="indemnity_line")


def remove_line(store: Store, actor: Actor, line_id: int) -> None:
    """A typed line entered by mistake, while no statement holds it."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        line = tx.one("SELECT statement_id, source FROM indemnity_lines WHERE id = ?",
                      (line_id,))
        if line is None or line["source"] != "manual":
            raise PortalError("Cette ligne a déjà été retirée.")
        if line["statement_id"] is not None:
            raise PortalError("Cette ligne figure sur un relevé : retirez le relevé d'abord, "
                              "ou corrigez par une nouvelle ligne.")
        tx.delete("indemnity_lines", line_id, "indemnity_line", "Ligne déjà retirée.")


def waiting_lines(store: Store) -> pd.DataFrame:
    """The typed lines no statement holds yet."""
    return store.frame(f"SELECT l.*, {NAME} AS name FROM indemnity_lines l"
                       " JOIN people p ON p.id = l.person_id WHERE l.statement_id IS NULL"
                       " ORDER BY l.worked_on DESC, l.id DESC")


# Time to pay ----------------------------------------------------------------------------

# The lines of time from `:first` to `:last` (and not after `:today`) that no statement
# holds: meetings attended, SNP slots held (one line per day), typed lines; with the rate
# of their day (rates never overlap: one at most), those of a kind without one left out.
PENDING = """
WITH RECURSIVE days(d) AS (
    SELECT :first UNION ALL SELECT date(d, '+1 day') FROM days WHERE d < MIN(:last, :today)
), held AS MATERIALIZED (
    SELECT mt.id, CASE mt.kind WHEN 'groupe_travail' THEN 'groupe_travail'
            ELSE 'reunion' END AS kind,
        substr(mt.starts_at, 1, 10) AS worked_on,
        CAST(round((julianday(mt.ends_at) - julianday(mt.starts_at)) * 1440) AS INTEGER)
            AS quantity,
        (SELECT mm.mission_code FROM meeting_missions mm JOIN missions mi
            ON mi.code = mm.mission_code WHERE mm.meeting_id = mt.id
            ORDER BY mi.position LIMIT 1) AS mission_code, mt.title
    FROM meetings mt WHERE mt.cancelled = 0 AND mt.starts_at >= :first
        AND mt.starts_at < date(MIN(:last, :today), '+1 day')
), lines AS (
    SELECT a.person_id, held.kind, held.worked_on, held.quantity, held.mission_code,
        'meeting' AS source, held.id AS meeting_id, NULL AS snp_slot_id, held.title AS label,
        NULL AS line_id
    FROM held JOIN attendees a ON a.meeting_id = held.id
    WHERE a.status = 'present' AND a.person_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM indemnity_lines l
                        WHERE l.person_id = a.person_id AND l.meeting_id = held.id)
    UNION ALL
    SELECT s.person_id, 'snp', days.d,
        CAST(round((julianday('2000-01-01 ' || s.ends)
                    - julianday('2000-01-01 ' || s.starts)) * 1440) AS INTEGER),
        'socle_1', 'snp', NULL, s.id,
        'Créneau de soins non programmés ' || s.starts || '–' || s.ends, NULL
    FROM days JOIN snp_slots s ON days.d <= MIN(:last, :today) AND (s.on_day = days.d
        OR (s.weekday = (CAST(strftime('%w', days.d) AS INTEGER) + 6) % 7
            AND s.valid_from <= days.d AND (s.valid_until IS NULL OR s.valid_until >= days.d)))
    WHERE NOT EXISTS (SELECT 1 FROM indemnity_lines l
                      WHERE l.snp_slot_id = s.id AND l.worked_on = days.d)
    UNION ALL
    SELECT person_id, kind, worked_on, quantity, mission_code, 'manual', NULL, NULL, label, id
    FROM indemnity_lines WHERE statement_id IS NULL AND worked_on BETWEEN :first AND :last
)
SELECT lines.*, r.amount_cents AS rate_cents, CASE lines.kind WHEN 'acte'
        THEN lines.quantity * r.amount_cents
        ELSE CAST(round(lines.quantity * r.amount_cents / 60.0) AS INTEGER) END AS amount_cents
FROM lines JOIN indemnity_rates r ON r.kind = lines.kind AND r.starts_on <= lines.worked_on
    AND (r.ends_on IS NULL OR r.ends_on >= lines.worked_on)
JOIN people p ON p.id = lines.person_id
WHERE p.merged_into IS NULL AND p.erased_at IS NULL
"""


def _pending(first: date, last: date, members_only: bool) -> tuple[str, dict]:
    sql = PENDING + (f" AND {memberships.member_sql(last)}" if members_only else "")
    return sql, {"first": first.isoformat(), "last": last.isoformat(),
                 "today": today().isoformat()}


def pending_by_person(store: Store, first: date, last: date, limit: int = -1,
                      offset: int = 0) -> pd.DataFrame:
    """Per professional, the time of the period not yet on a statement: hours of meetings
    and of SNP, typed lines, and what it comes to; each row also says how many
    professionals there are in all (`total`), so a page costs one reading of the lines."""
    sql, params = _pending(first, last, Rules.of(store).members_only)
    return store.frame(
        f"SELECT t.person_id, {NAME} AS name, pr.label AS profession, COUNT(*) AS lines,"
        " SUM(CASE WHEN t.source = 'meeting' THEN t.quantity ELSE 0 END) AS meeting_minutes,"
        " SUM(CASE WHEN t.source = 'snp' THEN t.quantity ELSE 0 END) AS snp_minutes,"
        " SUM(t.source = 'manual') AS typed, SUM(t.amount_cents) AS amount_cents,"
        " COUNT(*) OVER () AS total"
        f" FROM ({sql}) t JOIN people p ON p.id = t.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " GROUP BY t.person_id ORDER BY name COLLATE NOCASE LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset})


# Statements -----------------------------------------------------------------------------

def prepare(store: Store, actor: Actor, first: date | None, last: date | None,
            people: list[int] | None = None) -> list[int]:
    """One statement per professional (all of those with time to pay, or `people`) for
    the period, holding its lines at the rate of their day. Returns their numbers."""
    roles.require(actor, *EDITORS)
    if first is None or last is None:
        raise PortalError("Indiquez la période.", field="period")
    if last < first:
        raise PortalError("La fin de la période suit son début.", field="period")
    sql, params = _pending(first, last, Rules.of(store).members_only)
    if people is not None:
        sql += f" AND lines.person_id IN ({', '.join(str(int(i)) for i in people)})"
    with store.write(actor) as tx:
        # The lines stay in SQL: 500 statements of a year are 55,000 lines.
        tx.execute("DROP TABLE IF EXISTS temp.due")
        tx.execute(f"CREATE TEMP TABLE due AS {sql}", params)
        base = tx.one("SELECT COALESCE(MAX(number), 0) AS n FROM indemnity_statements")["n"]
        marks = {"base": base, "first": first.isoformat(), "last": last.isoformat(),
                 "by": actor.username, "at": iso(now())}
        tx.execute("INSERT INTO indemnity_statements (number, person_id, first_day, last_day,"
                   " prepared_by, prepared_at) SELECT :base + ROW_NUMBER() OVER"
                   " (ORDER BY person_id), person_id, :first, :last, :by, :at"
                   " FROM (SELECT DISTINCT person_id FROM temp.due)", marks)
        made = (" FROM temp.due d JOIN indemnity_statements s ON s.person_id = d.person_id"
                " AND s.number > :base")
        tx.execute("INSERT INTO indemnity_lines (person_id, kind, worked_on, quantity,"
                   " mission_code, source, meeting_id, snp_slot_id, label, rate_cents,"
                   " amount_cents, statement_id, created_by, created_at)"
                   " SELECT d.person_id, d.kind, d.worked_on, d.quantity, d.mission_code,"
                   " d.source, d.meeting_id, d.snp_slot_id, d.label, d.rate_cents,"
                   f" d.amount_cents, s.id, :by, :at{made} WHERE d.line_id IS NULL"
                   " ORDER BY d.person_id, d.worked_on", marks)
        tx.execute("UPDATE indemnity_lines SET rate_cents = d.rate_cents,"
                   f" amount_cents = d.amount_cents, statement_id = s.id{made}"
                   " WHERE indemnity_lines.id = d.line_id", marks)
        statements = tx.all(f"SELECT s.id, s.number, s.person_id, COUNT(*) AS lines,"
                            f" SUM(d.amount_cents) AS amount_cents{made}"
                            " GROUP BY s.id ORDER BY s.number", marks)
        tx.execute("DROP TABLE temp.due")
        if not statements:
            raise PortalError(f"Aucun temps à indemniser du {date_fr(first)} au "
                              f"{date_fr(last)} pour ce choix.", field="period")
        for row in statements:  # one audit row per statement, its lines counted
            tx.audit("indemnity_statement", row["id"], "create", after={
                "number": row["number"], "person_id": row["person_id"],
                "first_day": first.isoformat(), "last_day": last.isoformat(),
                "lines": row["lines"], "amount_cents": row["amount_cents"]})
        return [row["number"] for row in statements]


def validate(store: Store, actor: Actor, statement_id: int) -> None:
    """The treasurer's validation freezes a statement."""
    roles.require(actor, *TREASURERS)
    with store.write(actor) as tx:
        statement = tx.one("SELECT validated_at, withdrawn_at FROM indemnity_statements"
                           " WHERE id = ?",
                           (statement_id,))
        if statement is None:
            raise PortalError("Relevé introuvable.")
        if statement["validated_at"]:
            raise PortalError("Ce relevé est déjà validé.")
        if statement["withdrawn_at"]:
            raise PortalError("Ce relevé a été retiré.")
        tx.update("indemnity_statements", statement_id,
                  {"validated_by": actor.username, "validated_at": iso(now())},
                  entity="indemnity_statement", action="validate")


def withdraw(store: Store, actor: Actor, statement_id: int) -> None:
    """A statement prepared by mistake, before validation: its time is to pay again (the
    typed lines wait for another statement, the others are read again from the records).
    It stays listed, empty, as its number stays used."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        statement = tx.one("SELECT * FROM indemnity_statements WHERE id = ?", (statement_id,))
        if statement is None or statement["withdrawn_at"]:
            raise PortalError("Ce relevé a déjà été retiré.")
        if statement["validated_at"]:
            raise PortalError("Un relevé validé ne se retire plus : corrigez-le par une "
                              "ligne sur le relevé suivant.")
        tx.execute("DELETE FROM indemnity_lines WHERE statement_id = ? AND source != 'manual'",
                   (statement_id,))
        tx.execute("UPDATE indemnity_lines SET rate_cents = NULL, amount_cents = NULL,"
                   " statement_id = NULL WHERE statement_id = ?", (statement_id,))
        tx.update("indemnity_statements", statement_id,
                  {"withdrawn_by": actor.username, "withdrawn_at": iso(now())},
                  entity="indemnity_statement", action="withdraw")


STATEMENT = (f"SELECT s.*, {NAME} AS name, pr.label AS profession,"
             " (SELECT COALESCE(SUM(amount_cents), 0) FROM indemnity_lines l"
             "  WHERE l.statement_id = s.id) AS amount_cents,"
             " (SELECT COUNT(*) FROM indemnity_lines l WHERE l.statement_id = s.id) AS lines"
             " FROM indemnity_statements s JOIN people p ON p.id = s.person_id"
             " LEFT JOIN professions pr ON pr.code = p.profession_code")


def statements(store: Store, year: int, person_id: int | None = None, limit: int = -1,
               offset: int = 0) -> pd.DataFrame:
    """The statements whose period starts in `year`, latest number first."""
    where, params = " WHERE s.first_day BETWEEN ? AND ?", [f"{year}-01-01", f"{year}-12-31"]
    if person_id is not None:
        where += " AND s.person_id = ?"
        params.append(person_id)
    return store.frame(STATEMENT + where + " ORDER BY s.number DESC LIMIT ? OFFSET ?",
                       (*params, limit, offset))


def count_to_validate(store: Store) -> int:
    """Statements prepared, neither validated nor withdrawn: the treasurer's to do."""
    return store.scalar("SELECT COUNT(*) FROM indemnity_statements"
                        " WHERE validated_at IS NULL AND withdrawn_at IS NULL")


def count_statements(store: Store, year: int) -> int:
    return store.scalar("SELECT COUNT(*) FROM indemnity_statements"
                        " WHERE first_day BETWEEN ? AND ?", (f"{year}-01-01", f"{year}-12-31"))


def get_statement(store: Store, statement_id: int) -> dict | None:
    return store.query_one(STATEMENT + " WHERE s.id = ?", (statement_id,))


def statement_lines(store: Store, statement_id: int) -> pd.DataFrame:
    return store.frame(
        "SELECT l.*, m.title AS mission FROM indemnity_lines l"
        " LEFT JOIN missions m ON m.code = l.mission_code WHERE l.statement_id = ?"
        " ORDER BY l.worked_on, l.id", (statement_id,))


def of_person(store: Store, person_id: int) -> pd.DataFrame:
    """A professional's validated statements: what they read on "Mon compte"."""
    return store.frame(STATEMENT + " WHERE s.person_id = ? AND s.validated_at IS NOT NULL"
                       " ORDER BY s.number DESC", (person_id,))


def over_cap(store: Store, year: int) -> pd.DataFrame:
    """The professionals whose statements of `year` pass the cap."""
    return store.frame(
        f"SELECT s.person_id, {NAME} AS name, SUM(l.amount_cents) AS amount_cents"
        " FROM indemnity_lines l JOIN indemnity_statements s ON s.id = l.statement_id"
        " JOIN people p ON p.id = s.person_id WHERE l.worked_on BETWEEN ? AND ?"
        " GROUP BY s.person_id HAVING SUM(l.amount_cents) > ? ORDER BY name",
        (f"{year}-01-01", f"{year}-12-31", Rules.of(store).cap_cents))


def totals(store: Store, year: int) -> pd.DataFrame:
    """A year's statements by mission and kind: lines, time and amount, validated apart."""
    return store.frame(
        "SELECT COALESCE(m.title, 'Sans mission') AS mission, l.kind,"
        " COUNT(*) AS lines, SUM(l.quantity) AS quantity, SUM(l.amount_cents) AS amount_cents,"
        " SUM(CASE WHEN s.validated_at IS NOT NULL THEN l.amount_cents ELSE 0 END)"
        "  AS validated_cents"
        " FROM indemnity_lines l JOIN indemnity_statements s ON s.id = l.statement_id"
        " LEFT JOIN missions m ON m.code = l.mission_code"
        " WHERE l.worked_on BETWEEN ? AND ? GROUP BY l.mission_code, l.kind"
        " ORDER BY m.position IS NULL, m.position, l.kind",
        (f"{year}-01-01", f"{year}-12-31"))
