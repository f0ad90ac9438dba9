"""The ACI missions and the contract: which missions were signed, when, and the
deadlines that follow (start within 6 or 12 months, full deployment within 18 or 24)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from ..core import roles
from ..core.db import Store, set_setting
from ..core.errors import PortalError
from ..core.roles import ADMIN, Actor
from ..directory import territory

KINDS = {"socle": "Mission socle", "complementaire": "Mission complémentaire"}


@dataclass(frozen=True)
class Contract:
    signed_on: date | None
    complementary: frozenset[str]   # complementary missions signed
    size: int | None                # CPTS size 1 to 4 chosen in the contract

    def signed(self, mission: dict) -> bool:
        """Socle missions are always part of the contract; complementary ones if chosen."""
        return mission["kind"] == "socle" or mission["code"] in self.complementary


@dataclass(frozen=True)
class Deadline:
    mission: str
    start_by: date | None
    full_by: date | None


def all_missions(store: Store) -> list[dict]:
    return store.query("SELECT * FROM missions ORDER BY position")


def mission(store: Store, code: str) -> dict | None:
    return store.query_one("SELECT * FROM missions WHERE code = ?", (code,))


def contract(store: Store) -> Contract:
    signed_on = store.get_setting("contract_signed_on")
    chosen = store.get_setting("contract_complementary") or ""
    size = store.get_setting("contract_size")
    return Contract(date.fromisoformat(signed_on) if signed_on else None,
                    frozenset(c for c in chosen.split(",") if c),
                    int(size) if size else None)


def suggested_size(store: Store) -> int | None:
    """From the territory's population, when the territory is defined."""
    population = territory.population(store)
    return territory.suggested_size(population) if population else None


def save_contract(store: Store, actor: Actor, signed_on: date | None, complementary,
                  size: int | None) -> None:
    roles.require(actor, ADMIN)
    known = {m["code"] for m in all_missions(store) if m["kind"] == "complementaire"}
    complementary = sorted(set(complementary or ()))
    if set(complementary) - known:
        raise PortalError("Mission complémentaire inconnue.", field="complementary")
    if size is not None and size not in (1, 2, 3, 4):
        raise PortalError("La taille d'une CPTS va de 1 à 4.", field="size")
    if signed_on and signed_on > date.today():
        raise PortalError("La date de signature ne peut pas être dans le futur.",
                          field="signed_on")
    with store.write(actor) as tx:
        set_setting(tx, "contract_signed_on", signed_on.isoformat() if signed_on else "")
        set_setting(tx, "contract_complementary", ",".join(complementary))
        set_setting(tx, "contract_size", str(size) if size else "")


def deadlines(signed_on: date | None, missions: list[dict]) -> list[Deadline]:
    """Each mission's dates from the signature. Adding months keeps the end of month:
    31 August + 6 months is 28 (or 29) February."""
    def after(months):
        return signed_on + relativedelta(months=months) if signed_on and months else None
    return [Deadline(m["code"], after(m["start_months"]), after(m["full_months"]))
            for m in missions]


def due(contract: Contract, missions: list[dict], today: date,
        months: int = 12) -> list[tuple[date, str, str, bool]]:
    """The signed missions' deadlines up to `months` ahead, those already passed
    included, in date order, as (day, mission title, what is due, passed)."""
    horizon = today + relativedelta(months=months)
    found = []
    for mission, deadline in zip(missions, deadlines(contract.signed_on, missions)):
        if not contract.signed(mission):
            continue
        for day, what in ((deadline.start_by, "démarrage"),
                          (deadline.full_by, "déploiement complet")):
            if day and day <= horizon:
                found.append((day, mission["title"], what, day < today))
    return sorted(found)
