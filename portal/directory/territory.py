"""The CPTS's territory: its name and the communes it covers, with their population."""

from __future__ import annotations

import pandas as pd

from ..core import roles
from ..core.db import Store, set_setting
from ..core.errors import PortalError
from ..core.roles import ADMIN, Actor

# ACI sizes by population covered (avenant 2 of the ACI CPTS).
SIZE_THRESHOLDS = ((40_000, 1), (80_000, 2), (175_000, 3))


def name(store: Store) -> str:
    return store.get_setting("cpts_name") or ""


def commune_count(store: Store) -> int:
    return store.scalar("SELECT COUNT(*) FROM territory_communes")


def communes(store: Store) -> pd.DataFrame:
    """The territory's communes with département and population, by département and name."""
    return store.frame(
        "SELECT c.code, c.name, c.department, d.name AS department_name, c.postal_codes,"
        " c.population FROM territory_communes t JOIN communes c ON c.code = t.code"
        " LEFT JOIN departments d ON d.code = c.department ORDER BY c.department, c.name")


def codes(store: Store) -> set[str]:
    return {r["code"] for r in store.query("SELECT code FROM territory_communes")}


def population(store: Store) -> int:
    return store.scalar(
        "SELECT COALESCE(SUM(c.population), 0) FROM territory_communes t"
        " JOIN communes c ON c.code = t.code")


def suggested_size(total_population: int) -> int:
    """CPTS size 1 to 4 from the population covered."""
    for threshold, size in SIZE_THRESHOLDS:
        if total_population < threshold:
            return size
    return 4


def set_name(store: Store, actor: Actor, value: str) -> None:
    roles.require(actor, ADMIN)
    value = (value or "").strip()
    if not value:
        raise PortalError("Indiquez le nom de la CPTS.", field="name")
    with store.write(actor) as tx:
        set_setting(tx, "cpts_name", value[:120])


def add_communes(store: Store, actor: Actor, new_codes) -> int:
    """Add communes (INSEE codes) to the territory; returns how many were new."""
    roles.require(actor, ADMIN)
    new_codes = sorted(set(new_codes) - codes(store))
    if not new_codes:
        return 0
    with store.write(actor) as tx:
        known = {r["code"] for r in tx.all(
            f"SELECT code FROM communes WHERE code IN ({', '.join('?' for _ in new_codes)})",
            new_codes)}
        unknown = sorted(set(new_codes) - known)
        if unknown:
            raise PortalError(f"Communes inconnues : {', '.join(unknown)}.", field="communes")
        tx.executemany("INSERT INTO territory_communes (code) VALUES (?)",
                       [(c,) for c in new_codes])
        tx.audit("territory", None, "add_communes", after={"communes": new_codes})
    return len(new_codes)


def remove_communes(store: Store, actor: Actor, old_codes) -> int:
    roles.require(actor, ADMIN)
    old_codes = sorted(set(old_codes) & codes(store))
    if not old_codes:
        return 0
    with store.write(actor) as tx:
        tx.executemany("DELETE FROM territory_communes WHERE code = ?",
                       [(c,) for c in old_codes])
        tx.audit("territory", None, "remove_communes", before={"communes": old_codes})
    return len(old_codes)
