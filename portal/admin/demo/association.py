"""The demo's association: last year's and this year's members, their fees and payments;
some paid late, some in part, some not yet."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ...association import indemnities, memberships
from ...core.db import Store
from ...core.roles import TREASURER, Actor
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
