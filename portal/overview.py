"""Key figures for the home page: each module registers its own, with who may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import meetings, minutes
from .db import Store, iso, now
from .roles import ADMIN, ALL, BUREAU, COORDINATOR

BOARD = frozenset({ADMIN, BUREAU, COORDINATOR})


@dataclass(frozen=True)
class Figure:
    label: str
    roles: frozenset[str]
    compute: Callable[[Store], int | float | str]


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
    Figure("Comptes actifs", frozenset({ADMIN}),
           lambda store: store.scalar("SELECT COUNT(*) FROM users WHERE active = 1")),
    Figure("Comptes verrouillés", frozenset({ADMIN}),
           lambda store: store.scalar("SELECT COUNT(*) FROM users WHERE locked_until > ?",
                                      (iso(now()),))),
]


def key_figures(store: Store, roles) -> list[tuple[str, int | float | str]]:
    """(label, value) of every figure these roles may see, in registration order."""
    return [(f.label, f.compute(store)) for f in FIGURES if f.roles & set(roles)]
