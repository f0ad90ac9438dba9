"""The demo's association: last year's and this year's members, their fees and payments
(some paid late, some in part, some not yet); the indemnity rates and one validated
statement; the ACI's two years of funding and their use."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ...association import funding, indemnities, memberships
from ...core.db import Store
from ...core.roles import TREASURER, Actor
from ...missions import indicators
from .directory import Cast

# The treasury records the payments the demo's administrator cannot.
TREASURY = Actor("demo", frozenset({TREASURER}))
FEES = {"liberaux": (1000, 0), "exercice_coordonne": (3000, 200), "usagers": (500, 0)}


def load(store: Store, actor: Actor, cast: Cast) -> None:
    rng = random.Random(18)
    this = date.today().year
    for year in (this - 1, this):
        for college, (fee, per_professional) in FEES.items():
            memberships.set_fee(store, actor, college, year, fee, per_professional)
    for person_id in cast.members:
        memberships.add_membership(store, actor, this - 1, "liberaux", person_id=person_id)
    memberships.renew(store, actor, this)
    for year, paying in ((this - 1, 0.95), (this, 0.6)):
        frame = memberships.members(store, memberships.Filters(year))
        for row in frame.itertuples():
            if rng.random() > paying:
                continue
            # Most pay in the first months; a few late in the year, or only half.
            day = min(date(year, 1, 15) + timedelta(days=int(rng.expovariate(1 / 60))),
                      date.today())
            amount = row.due_cents // 2 if rng.random() < 0.1 else row.due_cents
            method = rng.choice(["virement", "virement", "cheque", "en_ligne"])
            memberships.record_payment(store, TREASURY, row.id, day, amount, method,
                                       f"HA-{year}-{row.id}" if method == "en_ligne" else None)


def indemnify(store: Store, actor: Actor, cast: Cast) -> None:
    """Rates since last year; one statement, validated, for the first demo account's
    professional with time this year (read on "Mon compte"): the rest is left to
    prepare."""
    this = date.today().year
    for kind, cents in (("reunion", 5000), ("groupe_travail", 5000), ("snp", 3000),
                        ("fonction", 6000)):
        indemnities.add_rate(store, TREASURY, kind, cents, date(this - 1, 1, 1))
    start = date(this, 1, 1)
    pending = set(indemnities.pending_by_person(store, start, date.today())["person_id"])
    chosen = next((p for p in cast.holders.values() if p in pending), None)
    if chosen is None:
        return
    indemnities.prepare(store, actor, start, date.today(), [chosen])
    statement = indemnities.statements(store, this)
    indemnities.validate(store, TREASURY, int(statement["id"][0]))


# A size-2 CPTS's contract: (part, mission, euros due).
CONTRACT = [("fonctionnement", None, 65_000), ("fixe", "socle_1", 25_000),
            ("variable", "socle_1", 25_000), ("fixe", "socle_2", 17_500),
            ("variable", "socle_2", 17_500), ("fixe", "socle_3", 10_000),
            ("variable", "socle_3", 10_000), ("fixe", "socle_4", 10_000)]


def fund(store: Store, actor: Actor) -> None:
    """Last year's and this year's ACI: amounts due, last year paid in full (the advance,
    the balance in April), this year's advance; and the running costs."""
    this = date.today().year
    for year in (this - 1, this):
        for part, mission, euros in CONTRACT:
            linked = [] if part != "variable" else [
                int(i) for i in indicators.list_indicators(store, mission)["id"]]
            funding.set_expected(store, actor, year, part, mission, euros * 100, linked)
    due = sum(euros for _, _, euros in CONTRACT) * 100
    advance = due * 6 // 10
    funding.record_payment(store, TREASURY, this - 1, date(this - 1, 5, 20), advance,
                           "Avance (60 %)")
    funding.record_payment(store, TREASURY, this - 1, min(date(this, 4, 15), date.today()),
                           due - advance, "Solde")
    if date.today() >= date(this, 5, 20):
        funding.record_payment(store, TREASURY, this, date(this, 5, 20), advance,
                               "Avance (60 %)")
    for year in (this - 1, this):
        last = min(date(year, 12, 31), date.today())
        funding.add_spending(store, actor, year, None, "Salaire de la coordinatrice (mi-temps)",
                             2_400_000, last)
        funding.add_spending(store, actor, year, "socle_3", "Impression des affiches de "
                             "prévention", 85_000, last)
