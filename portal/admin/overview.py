"""Key figures for the home page, with who may see them: each is asked of its domain's
service, counting what the reader's own pages list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ..accounts import users
from ..association import memberships
from ..care import doctor_figures, snp_figures
from ..core.db import Store
from ..core.formats import percent_fr
from ..core.roles import ADMINS, ALL, BOARD, TREASURER, Actor
from ..directory import organizations, persons, search, territory
from ..meetings import minutes, schedule


@dataclass(frozen=True)
class Figure:
    label: str
    roles: frozenset[str]
    compute: Callable[[Store, Actor], int | float | str]   # counts what the actor may see


def _people(store: Store, actor: Actor) -> int:
    """The directory's people as the reader's directory lists them: a member sees only
    those who agreed to appear."""
    return search.count_people(store, search.Filters(
        include_hidden=persons.sees_hidden(actor)))


def _snp_share(store: Store, actor: Actor) -> str:
    """The share of SNP requests of the last 30 days seen within 24 hours."""
    today = date.today()
    share = snp_figures.share_within_24h(store, None, today - timedelta(days=30),
                                         today + timedelta(days=1))
    return percent_fr(share)


def _members_up_to_date(store: Store, actor: Actor) -> str:
    """'25 / 39': this year's members whose fee is paid, of all this year's members."""
    year = memberships.current_year(store)
    total = memberships.count_members(store, memberships.Filters(year))
    return f"{total - memberships.count_late(store, year)} / {total}"


FIGURES: list[Figure] = [
    Figure("Professionnels dans l'annuaire", ALL, _people),
    Figure("Structures", ALL, lambda store, _: organizations.organization_count(store)),
    Figure("Communes du territoire", ALL, lambda store, _: territory.commune_count(store)),
    Figure("Réunions à venir", BOARD,
           lambda store, _: schedule.count_meetings(store, schedule.Filters(upcoming=True))),
    Figure("Décisions en retard", BOARD, lambda store, _: minutes.overdue_count(store)),
    # Access to care, as counts only: every role may follow mission socle 1.
    Figure("En attente d'un médecin traitant", ALL,
           lambda store, _: doctor_figures.waiting(store)),
    Figure("SNP vus sous 24 h (30 derniers jours)", ALL, _snp_share),
    Figure("Adhérents de l'année à jour", BOARD | {TREASURER}, _members_up_to_date),
    Figure("Comptes actifs", ADMINS, lambda store, _: users.account_counts(store)["active"]),
    Figure("Comptes verrouillés", ADMINS,
           lambda store, _: users.account_counts(store)["locked"]),
]


def key_figures(store: Store, actor: Actor) -> list[tuple[str, int | float | str]]:
    """(label, value) of every figure this actor may see, in registration order, each
    counting what the actor's own pages list."""
    return [(f.label, f.compute(store, actor)) for f in FIGURES if f.roles & actor.roles]
