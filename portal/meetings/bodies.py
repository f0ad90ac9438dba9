"""The bodies that need a quorum: who sits on the bureau and the conseil
d'administration (mandates with dates, so a past meeting counts the board of its day),
the statuts' quorum rule per body, and whether a meeting reached it.

The assemblée générale counts the members (adhérents) as the directory holds them today:
the portal keeps no history of membership.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..association import memberships
from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import ADMIN, Actor
from ..core.transactions import Transaction

EDITORS = roles.EDIT["bodies"]
BODIES = {"bureau": "Bureau", "ca": "Conseil d'administration", "ag": "Assemblée générale"}
MANDATE_BODIES = {"bureau": "Bureau", "ca": "Conseil d'administration"}
MANDATE_ROLES = {"president": "Président(e)", "vice_president": "Vice-président(e)",
                 "tresorier": "Trésorier(ère)", "tresorier_adjoint": "Trésorier(ère) adjoint(e)",
                 "secretaire": "Secrétaire", "secretaire_adjoint": "Secrétaire adjoint(e)",
                 "membre": "Membre"}
ACTIVE_PERSON = "p.merged_into IS NULL AND p.erased_at IS NULL"


def add_mandate(store: Store, actor: Actor, person_id: int, body: str, role: str,
                starts_on: date | None, ends_on: date | None = None) -> int:
    roles.require(actor, *EDITORS)
    if not person_id:
        raise PortalError("Choisissez la personne.", field="person_id")
    if body not in MANDATE_BODIES:
        raise PortalError("Choisissez l'instance.", field="body")
    if role not in MANDATE_ROLES:
        raise PortalError("Choisissez la fonction.", field="role")
    if starts_on is None:
        raise PortalError("Indiquez le début du mandat.", field="starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise PortalError("La fin du mandat suit son début.", field="ends_on")
    with store.write(actor) as tx:
        if tx.one("SELECT 1 AS x FROM mandates WHERE person_id = ? AND body = ?"
                  " AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)",
                  (person_id, body, (ends_on or date.max).isoformat(), starts_on.isoformat())):
            raise PortalError("Cette personne a déjà un mandat à cette instance sur ces "
                              "dates : terminez-le d'abord.", field="person_id")
        return tx.insert("mandates", {"person_id": int(person_id), "body": body, "role": role,
                                      "starts_on": starts_on.isoformat(),
                                      "ends_on": ends_on.isoformat() if ends_on else None},
                         entity="mandate")


def end_mandate(store: Store, actor: Actor, mandate_id: int, ends_on: date) -> None:
    """A mandate ends (resignation, election): its history stays for past quorums."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.end("mandates", mandate_id, ends_on, "mandate", "Ce mandat")


def mandates(store: Store, on: date | None = None) -> pd.DataFrame:
    """Mandates with the person's name: those running on `on`, or all when None."""
    where, params = "", {}
    if on is not None:
        where = " WHERE m.starts_on <= :on AND (m.ends_on IS NULL OR m.ends_on >= :on)"
        params = {"on": on.isoformat()}
    return store.frame(
        "SELECT m.id, m.person_id, p.last_name, p.first_name,"
        " TRIM(COALESCE(p.first_name, '') || ' ' || p.last_name) AS name, m.body, m.role,"
        " m.starts_on, m.ends_on FROM mandates m JOIN people p ON p.id = m.person_id" + where +
        " ORDER BY m.body, m.ends_on IS NOT NULL, m.ends_on DESC, CASE m.role "
        + " ".join(f"WHEN '{role}' THEN {rank}" for rank, role in enumerate(MANDATE_ROLES))
        + " END, p.last_name COLLATE NOCASE", params)


def electorate(db: Store | Transaction, body: str, on: date) -> set[int]:
    """The people whose presence counts for the quorum of `body` on day `on`."""
    if body == "ag":
        rows = db.query(f"SELECT p.id FROM people p WHERE {memberships.member_sql(on)}"
                        f" AND {ACTIVE_PERSON}"
                        " AND p.left_territory = 0")
    else:
        rows = db.query("SELECT DISTINCT m.person_id AS id FROM mandates m JOIN people p"
                        " ON p.id = m.person_id WHERE m.body = ? AND m.starts_on <= ?"
                        f" AND (m.ends_on IS NULL OR m.ends_on >= ?) AND {ACTIVE_PERSON}",
                        (body, on.isoformat(), on.isoformat()))
    return {r["id"] for r in rows}


def rules(db: Store | Transaction) -> dict[str, dict]:
    return {r["body"]: r for r in db.query("SELECT * FROM quorum_rules")}


def set_rule(store: Store, actor: Actor, body: str, numerator: int, denominator: int,
             strict: bool, proxies_count: bool, max_proxies: int | None) -> None:
    """Write the statuts' rule: `strict` means "plus de" the fraction, else "au moins"."""
    roles.require(actor, ADMIN)
    if body not in BODIES:
        raise PortalError("Instance inconnue.")
    if not (0 < numerator <= denominator):
        raise PortalError("La fraction est comprise entre 0 et 1 (ex. : 1/3, 1/2, 2/3).",
                          field=f"{body}_fraction")
    if max_proxies is not None and max_proxies < 0:
        raise PortalError("Le nombre de pouvoirs est positif.", field=f"{body}_proxies")
    with store.write(actor) as tx:
        tx.execute("UPDATE quorum_rules SET numerator = ?, denominator = ?, strict = ?,"
                   " proxies_count = ?, max_proxies = ? WHERE body = ?",
                   (numerator, denominator, int(strict), int(proxies_count), max_proxies,
                    body))
        tx.audit("quorum_rule", body, "update",
                 after={"numerator": numerator, "denominator": denominator,
                        "strict": strict, "proxies_count": proxies_count,
                        "max_proxies": max_proxies})


def required(members: int, rule: dict) -> int:
    """How many members make the quorum: "au moins 1/3" of 10 is 4, "plus de 1/2" of 10
    is 6 and of 9 is 5. Exact fractions, no floating point."""
    share, denominator = members * rule["numerator"], rule["denominator"]
    return share // denominator + 1 if rule["strict"] else -(-share // denominator)


def rule_text(rule: dict) -> str:
    fraction = {(1, 2): "la moitié", (1, 3): "un tiers", (2, 3): "deux tiers",
                (1, 4): "un quart", (3, 4): "trois quarts"}.get(
        (rule["numerator"], rule["denominator"]), f"{rule['numerator']}/{rule['denominator']}")
    text = f"{'plus de' if rule['strict'] else 'au moins'} {fraction} des membres"
    if not rule["proxies_count"]:
        return text + " présents (les pouvoirs ne comptent pas)"
    limit = rule["max_proxies"]
    return text + " présents ou représentés" + (
        f" ({limit} pouvoir(s) au plus par personne)" if limit is not None else "")


@dataclass(frozen=True)
class Quorum:
    body: str
    members: int        # the body's membership on the day
    present: int        # members present
    represented: int    # members represented, when proxies count
    needed: int
    rule: str
    recorded: bool      # whether the attendance sheet has been filled in

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.counted >= self.needed


def quorum(store: Store, meeting: dict) -> Quorum | None:
    """The quorum of a bureau, CA or AG meeting from its attendance sheet; None for the
    kinds that do not vote as a body."""
    body = meeting["kind"]
    if body not in BODIES:
        return None
    rule = rules(store)[body]
    day = date.fromisoformat(meeting["starts_at"][:10])
    members = electorate(store, body, day)
    sheet = store.query("SELECT person_id, status FROM attendees WHERE meeting_id = ?"
                        " AND person_id IS NOT NULL", (meeting["id"],))
    present = sum(1 for r in sheet if r["person_id"] in members and r["status"] == "present")
    represented = sum(1 for r in sheet if r["person_id"] in members
                      and r["status"] == "represente") if rule["proxies_count"] else 0
    return Quorum(body, len(members), present, represented, required(len(members), rule),
                  rule_text(rule), any(r["status"] != "invite" for r in sheet))


def check_proxy_limit(tx: Transaction, kind: str, holders: list[int], name_of) -> None:
    """Refuse a sheet where someone holds more proxies than the statuts allow."""
    if kind not in BODIES:
        return
    limit = rules(tx)[kind]["max_proxies"]
    if limit is None:
        return
    for holder in set(holders):
        count = holders.count(holder)
        if count > limit:
            raise PortalError(f"{name_of(holder)} détient {count} pouvoirs : les statuts en "
                              f"permettent {limit} au plus par personne.", field="attendance")
