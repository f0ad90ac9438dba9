"""Key figures for the home page: each module registers its own, with who may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from . import doctor_search, meetings, minutes, unscheduled_care
from .db import Store, iso, now
from .formats import number_fr
from .roles import ADMIN, ALL, BUREAU, COORDINATOR

BOARD = frozenset({ADMIN, BUREAU, COORDINATOR})


@dataclass(frozen=True)
class Figure:
    label: str
    roles: frozenset[str]
    compute: Callable[[Store], int | float | str]


def _snp_share(store: Store) -> str:
    """The share of SNP requests of the last 30 days seen within 24 hours."""
    today = date.today()
    share = unscheduled_care.share_within_24h(store, None, today - timedelta(days=30),
                                              today + timedelta(days=1))
    return "—" if share is None else f"{number_fr(share, 0)} %"


FIGURES: list[Figure] = [
    Figure("Professionnels dans l'annuaire", ALL,
           lambda store: store.scalar("SELECT COUNT(*) FROM people WHERE merged_into IS NULL"
                                      " AND erased_at IS NULL")),
    Figure("Structures", ALL, lambda store: store.scalar("SELECT COUNT(*) FROM organizations")),
    Figure("Communes du territoire", ALL,
           lambda store: store.scalar("SELECT COUNT(*) FROM territory_communes")),
    Figure("Réunions à venir", BOARD,
           lambda store: meetings.count_meetings(store, meetings.Filters(upcoming=True))),
    Figure("Décisions en retard", BOARD, minutes.overdue_count),
    # Access to care, as counts only: every role may follow mission socle 1.
    Figure("En attente d'un médecin traitant", ALL, doctor_search.waiting),
    Figure("SNP vus sous 24 h (30 derniers jours)", ALL, _snp_share),
    Figure("Comptes actifs", frozenset({ADMIN}),
           lambda store: store.scalar("SELECT COUNT(*) FROM users WHERE active = 1")),
    Figure("Comptes verrouillés", frozenset({ADMIN}),
           lambda store: store.scalar("SELECT COUNT(*) FROM users WHERE locked_until > ?",
                                      (iso(now()),))),
]


def key_figures(store: Store, roles) -> list[tuple[str, int | float | str]]:
    """(label, value) of every figure these roles may see, in registration order."""
    return [(f.label, f.compute(store)) for f in FIGURES if f.roles & set(roles)]
