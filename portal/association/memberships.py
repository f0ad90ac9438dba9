"""Adhérents: who is a member of the association for a year, in which collège, what they
owe and what they paid.

A member is a person of the directory or an organisation (MSP, centre de santé,
établissement...), once per year (the calendar year). What a member owes is the fee of
their collège for the year, fixed when they join: a later change of the fee leaves it
alone. Payments add up to it, never beyond; each has a receipt number, never given
twice (a payment made by mistake is cancelled, its number stays used). Amounts are
integer cents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from ..core import roles
from ..core.db import Store, set_setting
from ..core.errors import PortalError
from ..core.formats import blanks_as_none, date_fr, euros
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now

EDITORS = roles.EDIT["association"]
TREASURERS = roles.EDIT["payments"]
METHODS = {"virement": "Virement", "cheque": "Chèque", "especes": "Espèces",
           "en_ligne": "Paiement en ligne"}
STATUSES = {"paid": "À jour", "partial": "Paiement partiel", "unpaid": "Non payée",
            "to_regularise": "À régulariser"}
# Who a membership is: the person's name, or the organisation's.
MEMBER_NAME = ("COALESCE(TRIM(p.last_name || ' ' || COALESCE(p.first_name, '')), o.name)")


def paid_sql(by: str | None = None) -> str:
    """What membership `m` has been paid (by the day `by`, an SQL date, if given),
    cancelled payments left out."""
    until = f" AND y.paid_on <= {by}" if by else ""
    return ("(SELECT COALESCE(SUM(amount_cents), 0) FROM membership_payments y"
            f" WHERE y.membership_id = m.id AND y.cancelled_at IS NULL{until})")


PAID = paid_sql()
GRACE_DAYS = 90
STATUS = (f"CASE WHEN m.due_cents IS NULL THEN 'to_regularise'"
          f" WHEN {PAID} >= m.due_cents THEN 'paid'"
          f" WHEN {PAID} > 0 THEN 'partial' ELSE 'unpaid' END")


# The membership year starts on 1 January unless the statuts say otherwise (a setting):
# year 2026 then runs from that day of 2026 to the day before it in 2027.
YEAR_START = (1, 1)
# The setting as 'MM-DD', in SQL, so that a query follows it without being rebuilt.
START_SQL = ("COALESCE((SELECT printf('%02d-%02d', json_extract(value, '$[0]'),"
             " json_extract(value, '$[1]')) FROM app_settings"
             " WHERE key = 'membership_year_start'), '01-01')")


def year_start(store: Store) -> tuple[int, int]:
    month, day = json.loads(store.get_setting("membership_year_start")
                            or json.dumps(YEAR_START))
    return month, day


def current_year(store: Store, today: date | None = None) -> int:
    """The membership year `today` falls in."""
    today = today or date.today()
    return today.year - (today.timetuple()[1:3] < year_start(store))


def period(store: Store, year: int) -> tuple[date, date]:
    """The first and last days of membership year `year`."""
    month, day = year_start(store)
    return date(year, month, day), date(year + 1, month, day) - timedelta(days=1)


def _year_sql(day: str) -> str:
    """The membership year the SQL date `day` falls in."""
    return (f"(CAST(strftime('%Y', {day}) AS INTEGER)"
            f" - (strftime('%m-%d', {day}) < {START_SQL}))")


def member_sql(on: date | None = None, person: str = "p.id") -> str:
    """SQL true when `person` (a column) is a member of the CPTS on day `on` (today when
    None): "Membre de la CPTS" is read from the memberships, never typed. A member holds
    a membership of the membership year of that day, paid by that day or to regularise;
    or the year before's, paid, while `on` is within the grace days after the year's
    start (setting membership_grace_days). The day is a date's ISO text, never user
    text."""
    day = "date('now')" if on is None else f"'{on.isoformat()}'"
    year = _year_sql(day)
    grace = ("COALESCE((SELECT CAST(value AS INTEGER) FROM app_settings"
             f" WHERE key = 'membership_grace_days'), {GRACE_DAYS})")
    # Paid by that day: a fee paid after an AG does not count for its quorum.
    paid_up = f"(m.due_cents IS NOT NULL AND {paid_sql(day)} >= m.due_cents)"
    return (f"EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = {person} AND ("
            f"(m.year = {year} AND (m.to_regularise = 1 OR {paid_up}))"
            f" OR (m.year = {year} - 1 AND {paid_up}"
            f" AND julianday({day}) - julianday({year} || '-' || {START_SQL}) < {grace})))")


def regularise(tx: Transaction, person_id: int, year: int | None = None) -> None:
    """A person declared a member elsewhere (a spreadsheet's "Membre" column) becomes a
    member of `year` (today's membership year when None) to regularise, in the first
    collège, unless already one."""
    if year is None:
        today = f"'{date.today().isoformat()}'"
        year = tx.one(f"SELECT {_year_sql(today)} AS year")["year"]
    if not tx.one("SELECT 1 AS x FROM memberships WHERE person_id = ? AND year = ?",
                  (person_id, year)):
        tx.insert("memberships", {
            "year": year, "college_code": tx.one(
                "SELECT code FROM colleges ORDER BY position LIMIT 1")["code"],
            "person_id": person_id, "due_cents": None, "to_regularise": 1,
            "created_at": iso(now())}, entity="membership")


def closed_years(store: Store) -> set[int]:
    return {r["year"] for r in store.query("SELECT year FROM closed_years")}


def close_year(store: Store, actor: Actor, year: int) -> None:
    """The treasurer closes a year once its accounts are approved: its memberships, fees
    and payments no longer change."""
    roles.require(actor, *TREASURERS)
    with store.write(actor) as tx:
        if tx.one("SELECT 1 AS x FROM closed_years WHERE year = ?", (year,)):
            raise PortalError(f"L'exercice {year} est déjà clos.", field="close")
        tx.execute("INSERT INTO closed_years VALUES (?, ?, ?)",
                   (int(year), actor.username, iso(now())))
        tx.audit("closed_year", year, "create")


def _refuse_closed(tx: Transaction, year: int, field: str) -> None:
    if tx.one("SELECT 1 AS x FROM closed_years WHERE year = ?", (year,)):
        raise PortalError(f"L'exercice {year} est clos : ses adhésions et ses paiements ne "
                          "changent plus.", field=field)


def colleges(store: Store, active_only: bool = True) -> dict[str, str]:
    return {r["code"]: r["label"] for r in store.query(
        "SELECT code, label FROM colleges" + (" WHERE active = 1" if active_only else "")
        + " ORDER BY position")}


def fees(store: Store, year: int) -> dict[str, dict]:
    """college -> {fee_cents, per_professional_cents} for `year`, where one is set."""
    return {r["college_code"]: r for r in store.query(
        "SELECT college_code, fee_cents, per_professional_cents FROM college_fees"
        " WHERE year = ?", (year,))}


def set_fee(store: Store, actor: Actor, college: str, year: int, fee_cents: int,
            per_professional_cents: int = 0) -> int:
    """The fee of a collège for a year. Members of that year and collège still without an
    amount due (to regularise) get it; those with one keep theirs. Returns how many got it."""
    roles.require(actor, *EDITORS)
    if college not in colleges(store, active_only=False):
        raise PortalError("Choisissez le collège.", field="college")
    for value, field in ((fee_cents, "fee"), (per_professional_cents, "per_professional")):
        if value is None or value < 0:
            raise PortalError("Indiquez un montant positif ou nul.", field=field)
    with store.write(actor) as tx:
        _refuse_closed(tx, int(year), "fee")
        amounts = {"fee_cents": int(fee_cents),
                   "per_professional_cents": int(per_professional_cents)}
        before = tx.one("SELECT fee_cents, per_professional_cents FROM college_fees"
                        " WHERE college_code = ? AND year = ?", (college, year))
        tx.execute("INSERT INTO college_fees VALUES (?, ?, ?, ?) ON CONFLICT"
                   " (college_code, year) DO UPDATE SET fee_cents = excluded.fee_cents,"
                   " per_professional_cents = excluded.per_professional_cents",
                   (college, int(year), *amounts.values()))
        tx.audit("college_fee", f"{college}/{year}", "update" if before else "create",
                 before=before, after=amounts)
        waiting = tx.all("SELECT id, organization_id FROM memberships WHERE year = ?"
                         " AND college_code = ? AND due_cents IS NULL", (year, college))
        for row in waiting:
            tx.update("memberships", row["id"],
                      {"due_cents": _due(tx, college, year, row["organization_id"])},
                      entity="membership")
        return len(waiting)


def _due(tx: Transaction, college: str, year: int, organization_id: int | None) -> int | None:
    """The fee of the collège for the year; an organisation's grows with the number of
    professionals of the directory attached to it. None while no fee is set."""
    fee = tx.one("SELECT fee_cents, per_professional_cents FROM college_fees"
                 " WHERE college_code = ? AND year = ?", (college, year))
    if fee is None:
        return None
    size = tx.one("SELECT COUNT(*) AS n FROM person_organizations WHERE organization_id = ?",
                  (organization_id,))["n"] if organization_id else 0
    return fee["fee_cents"] + fee["per_professional_cents"] * size


def add_membership(store: Store, actor: Actor, year: int, college: str | None,
                   person_id: int | None = None, organization_id: int | None = None) -> int:
    roles.require(actor, *EDITORS)
    if college not in colleges(store):
        raise PortalError("Choisissez le collège.", field="college")
    if bool(person_id) == bool(organization_id):
        raise PortalError("Choisissez une personne ou une structure.", field="member")
    with store.write(actor) as tx:
        return _join(tx, int(year), college, person_id, organization_id)


def _join(tx: Transaction, year: int, college: str, person_id: int | None,
          organization_id: int | None) -> int:
    _refuse_closed(tx, year, "member")
    column, member = ("person_id", person_id) if person_id else \
        ("organization_id", organization_id)
    if tx.one(f"SELECT 1 AS x FROM memberships WHERE year = ? AND {column} = ?",
              (year, member)):
        raise PortalError(f"Déjà adhérent(e) pour {year}.", field="member")
    return tx.insert("memberships", {
        "year": year, "college_code": college, "person_id": person_id,
        "organization_id": organization_id,
        "due_cents": _due(tx, college, year, organization_id), "to_regularise": 0,
        "created_at": iso(now())}, entity="membership")


def renew(store: Store, actor: Actor, year: int, college: str | None = None,
          ids: list[int] | None = None) -> int:
    """Year `year` started from the members of the year before (all of them, one
    collège's, or the memberships `ids`), each at the new year's fee; those already
    members of `year` are left as they are. Nothing is paid until recorded. Returns how
    many memberships were made."""
    roles.require(actor, *EDITORS)
    where, params = " WHERE m.year = ?", [int(year) - 1]
    if college:
        where += " AND m.college_code = ?"
        params.append(college)
    if ids is not None:
        where += f" AND m.id IN ({', '.join('?' for _ in ids)})"
        params += [int(i) for i in ids]
    with store.write(actor) as tx:
        previous = tx.all(
            "SELECT m.college_code, m.person_id, m.organization_id FROM memberships m"
            f"{where} AND NOT EXISTS (SELECT 1 FROM memberships n WHERE n.year = ?"
            " AND (n.person_id = m.person_id OR n.organization_id = m.organization_id))",
            (*params, int(year)))
        for row in previous:
            _join(tx, int(year), row["college_code"], row["person_id"], row["organization_id"])
        return len(previous)


def record_payment(store: Store, actor: Actor, membership_id: int | None,
                   paid_on: date | None, amount_cents: int | None, method: str | None,
                   reference: str | None = None) -> tuple[int, int]:
    """A payment of a membership; returns its id and its receipt number. A payment beyond
    what is left to pay is refused, with the amount left."""
    roles.require(actor, *TREASURERS)
    if not membership_id:
        raise PortalError("Choisissez l'adhésion.", field="membership")
    if paid_on is None:
        raise PortalError("Indiquez la date du paiement.", field="paid_on")
    if paid_on > date.today():
        raise PortalError("La date du paiement est dans le futur.", field="paid_on")
    if amount_cents is None or amount_cents <= 0:
        raise PortalError("Indiquez un montant positif.", field="amount")
    if method not in METHODS:
        raise PortalError("Choisissez le moyen de paiement.", field="method")
    reference = (reference or "").strip() or None
    if method == "en_ligne" and not reference:
        raise PortalError("Indiquez la référence du paiement en ligne.", field="reference")
    with store.write(actor) as tx:
        membership = tx.one(f"SELECT m.*, {PAID} AS paid FROM memberships m WHERE m.id = ?",
                            (membership_id,))
        if membership is None:
            raise PortalError("Adhésion introuvable.", field="membership")
        _refuse_closed(tx, membership["year"], "paid_on")
        if membership["due_cents"] is None:
            raise PortalError(f"Fixez d'abord la cotisation de ce collège pour "
                              f"{membership['year']}.", field="amount")
        left = membership["due_cents"] - membership["paid"]
        if amount_cents > left:
            raise PortalError(f"Ce paiement dépasse le montant dû : reste à payer "
                              f"{euros(left)}.", field="amount")
        number = tx.one("SELECT COALESCE(MAX(receipt_number), 0) + 1 AS n"
                        " FROM membership_payments")["n"]
        payment_id = tx.insert("membership_payments", {
            "membership_id": int(membership_id), "paid_on": paid_on.isoformat(),
            "amount_cents": int(amount_cents), "method": method, "reference": reference,
            "receipt_number": number, "recorded_by": actor.username,
            "recorded_at": iso(now())}, entity="membership_payment")
        return payment_id, number


def cancel_payment(store: Store, actor: Actor, payment_id: int) -> None:
    """A payment recorded by mistake no longer counts; it stays listed, as its receipt
    number stays used."""
    roles.require(actor, *TREASURERS)
    with store.write(actor) as tx:
        payment = tx.one("SELECT y.cancelled_at, m.year FROM membership_payments y"
                         " JOIN memberships m ON m.id = y.membership_id WHERE y.id = ?",
                         (payment_id,))
        if payment is None or payment["cancelled_at"]:
            raise PortalError("Ce paiement est déjà annulé.", field="payment")
        _refuse_closed(tx, payment["year"], "payment")
        tx.update("membership_payments", payment_id,
                  {"cancelled_at": iso(now()), "cancelled_by": actor.username},
                  entity="membership_payment", action="cancel")


@dataclass(frozen=True)
class Filters:
    year: int
    college: str | None = None
    status: str | None = None
    text: str = ""


def _where(filters: Filters) -> tuple[str, list]:
    clauses, params = ["m.year = ?"], [filters.year]
    if filters.college:
        clauses.append("m.college_code = ?")
        params.append(filters.college)
    if filters.status:
        clauses.append(f"{STATUS} = ?")
        params.append(filters.status)
    if filters.text.strip():
        clauses.append(f"{MEMBER_NAME} LIKE ?")
        params.append(f"%{filters.text.strip()}%")
    return " WHERE " + " AND ".join(clauses), params


FROM = (" FROM memberships m LEFT JOIN people p ON p.id = m.person_id"
        " LEFT JOIN organizations o ON o.id = m.organization_id"
        " JOIN colleges c ON c.code = m.college_code")


def members(store: Store, filters: Filters, limit: int = -1, offset: int = 0) -> pd.DataFrame:
    """A page of a year's members, by name: what each owes, paid and has left to pay."""
    where, params = _where(filters)
    return store.frame(
        f"SELECT m.id, {MEMBER_NAME} AS name, m.person_id, m.organization_id,"
        f" c.label AS college, m.due_cents, {PAID} AS paid_cents, {STATUS} AS status,"
        f" m.to_regularise{FROM}{where} ORDER BY name COLLATE NOCASE, m.id LIMIT ? OFFSET ?",
        (*params, limit, offset))


def count_members(store: Store, filters: Filters) -> int:
    where, params = _where(filters)
    return store.scalar(f"SELECT COUNT(*){FROM}{where}", params)


def counts_by_college(store: Store, year: int) -> pd.DataFrame:
    """Members, up to date, due and paid per collège for a year, every collège listed."""
    return store.frame(
        f"SELECT c.label AS college, COUNT(m.id) AS members,"
        f" COALESCE(SUM({STATUS} = 'paid'), 0) AS up_to_date,"
        f" COALESCE(SUM(m.due_cents), 0) AS due_cents,"
        f" COALESCE(SUM({PAID}), 0) AS paid_cents FROM colleges c"
        " LEFT JOIN memberships m ON m.college_code = c.code AND m.year = ?"
        " GROUP BY c.code ORDER BY c.position", (year,))


def get_membership(store: Store, membership_id: int) -> dict | None:
    return store.query_one(
        f"SELECT m.*, {MEMBER_NAME} AS name, c.label AS college, {PAID} AS paid_cents,"
        f" {STATUS} AS status{FROM} WHERE m.id = ?", (membership_id,))


def payments(store: Store, membership_id: int) -> list[dict]:
    return store.query("SELECT * FROM membership_payments WHERE membership_id = ?"
                       " ORDER BY paid_on, receipt_number", (membership_id,))


EXPORT_LIMIT = 50_000


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Members as the treasurer reads them: French headers and statuses, amounts in euros
    (numbers, so a spreadsheet adds them up)."""
    return pd.DataFrame({
        "Adhérent": frame["name"], "Collège": frame["college"],
        "Dû (EUR)": pd.Series([None if pd.isna(c) else c / 100 for c in frame["due_cents"]],
                              index=frame.index, dtype=object),
        "Payé (EUR)": frame["paid_cents"] / 100,
        "Statut": frame["status"].map(STATUSES)})


def export_frame(store: Store, filters: Filters) -> pd.DataFrame:
    return readable(members(store, filters, EXPORT_LIMIT))


def years(store: Store, today: date | None = None) -> list[int]:
    """The years a page offers, latest first: those with members or fees, this year and
    the next (to prepare the renewal)."""
    this = current_year(store, today)
    known = {r["year"] for r in store.query(
        "SELECT DISTINCT year FROM memberships UNION SELECT DISTINCT year FROM college_fees")}
    return sorted(known | {this, this + 1}, reverse=True)


def of_person(store: Store, person_id: int) -> list[dict]:
    """A person's memberships, latest year first, each with its payments: what a member
    reads of their own on "Mon compte"."""
    rows = store.query(f"SELECT m.*, c.label AS college, {PAID} AS paid_cents,"
                       f" {STATUS} AS status FROM memberships m"
                       " JOIN colleges c ON c.code = m.college_code"
                       " WHERE m.person_id = ? ORDER BY m.year DESC", (person_id,))
    return [{**row, "payments": payments(store, row["id"])} for row in rows]


# The fee falls due on a day of each year; reminders go at days around it (negative:
# before). Settings of the association, these are its defaults.
DUE_DAY = (3, 31)
REMINDER_DAYS = (-15, 0, 15)
LATE = ("unpaid", "partial", "to_regularise")


@dataclass(frozen=True)
class Reminders:
    due: date
    dates: list[date]
    grace_days: int     # last year's members stay members this long into the year

    def next_after(self, today: date) -> date | None:
        return next((d for d in self.dates if d >= today), None)


def reminders(store: Store, year: int) -> Reminders:
    """The due date of `year`'s fee (its day and month, the first after the year's
    start) and the dates of its reminders."""
    month, day = json.loads(store.get_setting("membership_due_day") or json.dumps(DUE_DAY))
    offsets = json.loads(store.get_setting("membership_reminder_days")
                         or json.dumps(REMINDER_DAYS))
    due = date(year, month, day)
    if due < period(store, year)[0]:
        due = date(year + 1, month, day)
    grace = int(store.get_setting("membership_grace_days") or GRACE_DAYS)
    return Reminders(due, [due + timedelta(days=offset) for offset in sorted(offsets)], grace)


def set_reminders(store: Store, actor: Actor, due: date | None, offsets: str,
                  grace_days: int = GRACE_DAYS, starts: date | None = None) -> None:
    """The day the fee falls due (its day and month count, every year), the reminders'
    days around it, typed as "-15, 0, 15", the grace days a member of last year stays
    a member into the new one, and the day the membership year starts (its day and
    month; 1 January when None)."""
    roles.require(actor, *EDITORS)
    if due is None:
        raise PortalError("Indiquez la date d'échéance.", field="due")
    for day, field in ((due, "due"), (starts, "starts")):
        if day is not None and (day.month, day.day) == (2, 29):
            raise PortalError("Choisissez un jour qui existe chaque année.", field=field)
    try:
        days = sorted({int(part) for part in offsets.replace(";", ",").split(",")
                       if part.strip()})
    except ValueError:
        raise PortalError("Des nombres de jours séparés par des virgules, par exemple "
                          "« -15, 0, 15 ».", field="offsets") from None
    if not days or any(abs(d) > 365 for d in days):
        raise PortalError("Entre une et plusieurs relances, à moins d'un an de l'échéance.",
                          field="offsets")
    if grace_days is None or not 0 <= grace_days <= 365:
        raise PortalError("Entre 0 et 365 jours.", field="grace_days")
    with store.write(actor) as tx:
        set_setting(tx, "membership_grace_days", str(int(grace_days)))
        set_setting(tx, "membership_due_day", json.dumps([due.month, due.day]))
        set_setting(tx, "membership_year_start",
                    json.dumps([starts.month, starts.day] if starts else list(YEAR_START)))
        set_setting(tx, "membership_reminder_days", json.dumps(days))


def count_late(store: Store, year: int) -> int:
    return store.scalar(f"SELECT COUNT(*) FROM memberships m WHERE m.year = ?"
                        f" AND {STATUS} IN ({', '.join('?' for _ in LATE)})", (year, *LATE))


def late(store: Store, year: int, limit: int = -1, offset: int = 0) -> pd.DataFrame:
    """The members of `year` not up to date, with the address to remind them at."""
    return store.frame(
        f"SELECT m.id, {MEMBER_NAME} AS name, c.label AS college, m.due_cents,"
        f" {PAID} AS paid_cents, {STATUS} AS status, COALESCE(p.email, o.email) AS email"
        f"{FROM} WHERE m.year = ? AND {STATUS} IN ({', '.join('?' for _ in LATE)})"
        " ORDER BY name COLLATE NOCASE, m.id LIMIT ? OFFSET ?", (year, *LATE, limit, offset))


def late_export(store: Store, year: int) -> pd.DataFrame:
    frame = late(store, year, EXPORT_LIMIT)
    return readable(frame).assign(**{"E-mail": frame["email"]})


def payments_between(store: Store, first: date, last: date) -> pd.DataFrame:
    """The payments dated from `first` to `last` included, as the treasurer's books take
    them: receipt, date, member, year, amount, method; cancelled ones say so."""
    frame = store.frame(
        f"SELECT y.receipt_number, y.paid_on, {MEMBER_NAME} AS name, m.year, c.label AS college,"
        " y.amount_cents, y.method, y.reference, y.cancelled_at, y.recorded_by"
        f" FROM membership_payments y JOIN memberships m ON m.id = y.membership_id"
        " LEFT JOIN people p ON p.id = m.person_id"
        " LEFT JOIN organizations o ON o.id = m.organization_id"
        " JOIN colleges c ON c.code = m.college_code"
        " WHERE y.paid_on BETWEEN ? AND ? ORDER BY y.paid_on, y.receipt_number LIMIT ?",
        (first.isoformat(), last.isoformat(), EXPORT_LIMIT))
    return blanks_as_none(pd.DataFrame({
        "Reçu n°": frame["receipt_number"], "Date": frame["paid_on"].map(date_fr),
        "Adhérent": frame["name"], "Année": frame["year"], "Collège": frame["college"],
        "Montant (EUR)": frame["amount_cents"] / 100, "Moyen": frame["method"].map(METHODS),
        "Référence": frame["reference"], "Annulé le": frame["cancelled_at"].map(
            lambda v: date_fr(v[:10]) if isinstance(v, str) else None),
        "Enregistré par": frame["recorded_by"]}))


def payments_summary(store: Store, first: date, last: date) -> dict:
    """How many payments of the period count (cancelled ones left out), and their total."""
    return store.query_one(
        "SELECT COUNT(*) AS count, COALESCE(SUM(amount_cents), 0) AS cents"
        " FROM membership_payments WHERE paid_on BETWEEN ? AND ? AND cancelled_at IS NULL",
        (first.isoformat(), last.isoformat()))
