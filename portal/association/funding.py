"""Financement ACI: per contract year, what the Assurance maladie pays (the operating
grant; per mission, a fixed part and a variable part paid on indicators), what it did pay
and when, and what the CPTS spent it on: the indemnities of the validated statements and
the other spending typed here, per mission. What the ACI's yearly review asks for, not
books: a CPTS keeps those elsewhere. Amounts are integer cents."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import Actor
from ..core.transactions import iso, now

EDITORS = roles.EDIT["association"]
TREASURERS = roles.EDIT["payments"]
PARTS = {"fonctionnement": "Dotation de fonctionnement", "fixe": "Part fixe",
         "variable": "Part variable"}
RUNNING = "Fonctionnement de la CPTS"   # what no mission carries


def _amount(cents: int | None, field: str, zero: bool = False) -> int:
    if cents is None or cents < 0 or (cents == 0 and not zero):
        raise PortalError("Indiquez un montant positif." if not zero
                          else "Indiquez un montant positif ou nul.", field=field)
    return int(cents)


def set_expected(store: Store, actor: Actor, year: int, part: str | None,
                 mission_code: str | None, expected_cents: int | None,
                 indicator_ids=()) -> None:
    """The amount due for a part of a year (replacing the one typed before), and for a
    variable part the indicators it is paid on."""
    roles.require(actor, *EDITORS)
    if part not in PARTS:
        raise PortalError("Choisissez la part.", field="part")
    if (part == "fonctionnement") != (not mission_code):
        raise PortalError("La dotation de fonctionnement n'a pas de mission ; une part fixe "
                          "ou variable en a une.", field="mission")
    cents = _amount(expected_cents, "expected", zero=True)
    with store.write(actor) as tx:
        before = tx.one("SELECT id, expected_cents FROM aci_funding WHERE year = ? AND"
                        " part = ? AND COALESCE(mission_code, '') = ?",
                        (year, part, mission_code or ""))
        if before:
            funding_id = before["id"]
            tx.update("aci_funding", funding_id, {"expected_cents": cents},
                      entity="aci_funding")
        else:
            funding_id = tx.insert("aci_funding", {
                "year": int(year), "part": part, "mission_code": mission_code or None,
                "expected_cents": cents}, entity="aci_funding")
        tx.set_links("aci_funding_indicators", "funding_id", funding_id, "indicator_id",
                     [int(i) for i in indicator_ids] if part == "variable" else [],
                     "aci_funding")


def expected(store: Store, year: int) -> pd.DataFrame:
    """The amounts due for `year`, the operating grant first, then by mission."""
    return store.frame(
        "SELECT f.id, f.part, f.mission_code, m.title AS mission, f.expected_cents,"
        " (SELECT group_concat(i.name, ' ; ') FROM aci_funding_indicators fi"
        "  JOIN indicators i ON i.id = fi.indicator_id WHERE fi.funding_id = f.id)"
        " AS indicators FROM aci_funding f LEFT JOIN missions m ON m.code = f.mission_code"
        " WHERE f.year = ? ORDER BY m.position IS NOT NULL, m.position,"
        " CASE f.part WHEN 'fixe' THEN 0 ELSE 1 END", (year,))


def remove_expected(store: Store, actor: Actor, funding_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.execute("DELETE FROM aci_funding_indicators WHERE funding_id = ?", (funding_id,))
        tx.delete("aci_funding", funding_id, "aci_funding", "Ce montant a déjà été retiré.")


def record_payment(store: Store, actor: Actor, year: int, received_on: date | None,
                   amount_cents: int | None, label: str) -> int:
    """A payment received for `year` (the advance, the balance...): the treasury's."""
    roles.require(actor, *TREASURERS)
    if received_on is None:
        raise PortalError("Indiquez la date du versement.", field="received_on")
    if received_on > date.today():
        raise PortalError("La date du versement est dans le futur.", field="received_on")
    cents = _amount(amount_cents, "amount")
    label = (label or "").strip()[:200]
    if not label:
        raise PortalError("Indiquez ce que ce versement paie (ex. : avance, solde).",
                          field="label")
    with store.write(actor) as tx:
        return tx.insert("aci_payments", {
            "year": int(year), "received_on": received_on.isoformat(), "amount_cents": cents,
            "label": label, "created_by": actor.username, "created_at": iso(now())},
            entity="aci_payment")


def payments(store: Store, year: int) -> pd.DataFrame:
    return store.frame("SELECT * FROM aci_payments WHERE year = ? ORDER BY received_on, id",
                       (year,))


def remove_payment(store: Store, actor: Actor, payment_id: int) -> None:
    roles.require(actor, *TREASURERS)
    with store.write(actor) as tx:
        tx.delete("aci_payments", payment_id, "aci_payment", "Ce versement a déjà été retiré.")


def add_spending(store: Store, actor: Actor, year: int, mission_code: str | None, label: str,
                 amount_cents: int | None, spent_on: date | None) -> int:
    """Spending other than the indemnities, for a mission or for the running of the CPTS."""
    roles.require(actor, *EDITORS)
    label = (label or "").strip()[:200]
    if not label:
        raise PortalError("Indiquez la dépense (ex. : salaire de la coordinatrice).",
                          field="label")
    cents = _amount(amount_cents, "amount")
    if spent_on is None:
        raise PortalError("Indiquez la date.", field="spent_on")
    with store.write(actor) as tx:
        return tx.insert("spending", {
            "year": int(year), "mission_code": mission_code or None, "label": label,
            "amount_cents": cents, "spent_on": spent_on.isoformat(),
            "created_by": actor.username, "created_at": iso(now())}, entity="spending")


def spending(store: Store, year: int) -> pd.DataFrame:
    return store.frame(
        "SELECT s.*, COALESCE(m.title, ?) AS mission FROM spending s"
        " LEFT JOIN missions m ON m.code = s.mission_code WHERE s.year = ?"
        " ORDER BY s.spent_on, s.id", (RUNNING, year))


def remove_spending(store: Store, actor: Actor, spending_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("spending", spending_id, "spending", "Cette dépense a déjà été retirée.")


def use_of_funds(store: Store, year: int) -> pd.DataFrame:
    """Moyens et utilisation des fonds: per mission (the running of the CPTS first), the
    fixed and variable parts due, the indemnities of the validated statements for the
    year's time, the other spending. Every mission listed, blanks as zero."""
    y0, y1 = f"{year}-01-01", f"{year}-12-31"
    return store.frame(
        "WITH rows(code, title, position) AS (SELECT NULL, ?, 0 UNION ALL"
        " SELECT code, title, position FROM missions)"
        " SELECT r.code AS mission_code, r.title AS mission,"
        " (SELECT COALESCE(SUM(expected_cents), 0) FROM aci_funding f WHERE f.year = ?"
        "  AND f.mission_code IS r.code AND f.part IN ('fonctionnement', 'fixe'))"
        "  AS fixed_cents,"
        " (SELECT COALESCE(SUM(expected_cents), 0) FROM aci_funding f WHERE f.year = ?"
        "  AND f.mission_code IS r.code AND f.part = 'variable') AS variable_cents,"
        " (SELECT COALESCE(SUM(l.amount_cents), 0) FROM indemnity_lines l"
        "  JOIN indemnity_statements s ON s.id = l.statement_id"
        "  WHERE s.validated_at IS NOT NULL AND l.worked_on BETWEEN ? AND ?"
        "  AND l.mission_code IS r.code) AS indemnities_cents,"
        " (SELECT COALESCE(SUM(amount_cents), 0) FROM spending p WHERE p.year = ?"
        "  AND p.mission_code IS r.code) AS spending_cents"
        " FROM rows r ORDER BY r.position", (RUNNING, year, year, y0, y1, year))


def received(store: Store, year: int) -> int:
    return store.scalar("SELECT COALESCE(SUM(amount_cents), 0) FROM aci_payments"
                        " WHERE year = ?", (year,))
