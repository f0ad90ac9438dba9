"""Key figures for the home page: each module registers its own, with who may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from . import directory, doctor_search, meetings, minutes, unscheduled_care
from .db import Store, iso, now
from .formats import number_fr
from .roles import ADMINS, ALL, BOARD, Actor


@dataclass(frozen=True)
class Figure:
    label: str
    roles: frozenset[str]
    compute: Callable[[Store, Actor], int | float | str]   # counts what the actor may see


def _people(store: Store, actor: Actor) -> int:
    """The directory's people as the reader's directory lists them: a member sees only
    those who agreed to appear."""
    return directory.count_people(store, directory.Filters(
        include_hidden=directory.sees_hidden(actor)))


def _snp_share(store: Store, actor: Actor) -> str:
    """The share of SNP requests of the last 30 days seen within 24 hours."""
    today = date.today()
    share = unscheduled_care.share_within_24h(store, None, today - timedelta(days=30),
                                              today + timedelta(days=1))
    return "—" if share is None else f"{number_fr(share, 0)} %"


FIGURES: list[Figure] = [
    Figure("Professionnels dans l'annuaire", ALL, _people),
    Figure("Structures", ALL,
           lambda store, _: store.scalar("SELECT COUNT(*) FROM organizations")),
    Figure("Communes du territoire", ALL,
           lambda store, _: store.scalar("SELECT COUNT(*) FROM territory_communes")),
    Figure("Réunions à venir", BOARD,
           lambda store, _: meetings.count_meetings(store, meetings.Filters(upcoming=True))),
    Figure("Décisions en retard", BOARD, lambda store, _: minutes.overdue_count(store)),
    # Access to care, as counts only: every role may follow mission socle 1.
    Figure("En attente d'un médecin traitant", ALL,
           lambda store, _: doctor_search.waiting(store)),
    Figure("SNP vus sous 24 h (30 derniers jours)", ALL, _snp_share),
    Figure("Comptes actifs", ADMINS,
           lambda store, _: store.scalar("SELECT COUNT(*) FROM users WHERE active = 1")),
    Figure("Comptes verrouillés", ADMINS,
           lambda store, _: store.scalar("SELECT COUNT(*) FROM users WHERE locked_until > ?",
                                         (iso(now()),))),
]


def key_figures(store: Store, actor: Actor) -> list[tuple[str, int | float | str]]:
    """(label, value) of every figure this actor may see, in registration order, each
    counting what the actor's own pages list."""
    return [(f.label, f.compute(store, actor)) for f in FIGURES if f.roles & actor.roles]
