"""The demo's access to care: GPs' places and patients' requests at every step of the
médecin traitant workflow, SNP slots and six weeks of calls, saved as the pages save them."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ...care import doctor_capacity, doctor_requests, unscheduled_care
from ...core.db import Store
from ...core.formats import PARIS
from ...core.roles import Actor
from ...directory import territory
from .directory import Cast

# Fictional patients looking for a médecin traitant: (last name, first name, birth date,
# days ago, criteria, steps taken).
PATIENTS = (
    ("Lemoine", "Gisèle", date(1948, 4, 12), 61, ("ald",), ("en_recherche",)),
    ("Perrot", "Ahmed", date(1979, 9, 3), 40, ("precarite",), ()),
    ("Carré", "Louise", date(1953, 1, 30), 33, ("ald", "sortie_hospitalisation"),
     ("en_recherche", "proposee")),
    ("Marchand", "Yanis", date(2019, 6, 21), 20, (), ()),
    ("Lucas", "Odette", date(1941, 11, 2), 95, ("ald",),
     ("en_recherche", "proposee", "acceptee")),
    ("Giraud", "Samir", date(1966, 2, 14), 120, ("handicap",),
     ("en_recherche", "proposee", "acceptee", "close")),
    ("Picard", "Manon", date(1994, 8, 8), 14, ("grossesse",), ("en_recherche",)),
    ("Renaud", "Jean", date(1957, 12, 24), 75, (), ("en_recherche", "abandonnee")),
    ("Brun", "Inès", date(1988, 3, 3), 5, ("precarite",), ()),
    ("Colin", "Marcel", date(1939, 7, 14), 9, ("ald", "precarite"), ()),
)

PLACES = (6, 3, 2, 0)  # new patients each of the first four GPs takes
# Every SNP slot of the demo: weekly, from 17:00 to 19:00, three patients.
SLOT_HOURS = (time(17), time(19))
SLOT_PLACES = 3


@dataclass(frozen=True)
class Slot:
    """A slot the demo opened, to send its calls to a place that is free."""

    id: int
    weekday: int
    profession: str


SLOT_HOURS = (time(17), time(19))
SLOT_PLACES = 3


def load(store: Store, actor: Actor, cast: Cast) -> None:
    _doctor_requests(store, actor, cast.of("10", specialty="SM54")[:len(PLACES)])
    _unscheduled_care(store, actor, [p for p in cast.people
                                     if p["profession"] in ("10", "60") and p["snp"]][:8])


def _doctor_requests(store: Store, actor: Actor, gps: list[int]) -> None:
    """Four GPs' places, and each patient's request taken one step a week."""
    for person_id, places in zip(gps, PLACES):
        doctor_capacity.set_capacity(store, actor, person_id, places)
    communes = sorted(territory.codes(store))
    for number, (last, first, birth, days, criteria, steps) in enumerate(PATIENTS):
        day = date.today() - timedelta(days=days)
        request_id, _ = doctor_requests.save_request(store, actor, {
            "last_name": last, "first_name": first, "birth_date": birth, "received_on": day,
            "channel": ("telephone", "pharmacie", "cpam")[number % 3],
            "commune_code": communes[number % len(communes)]}, codes=criteria)
        for status in steps:
            day += timedelta(days=7)
            doctor_requests.move(store, actor, request_id, status, day,
                                 doctor_id=gps[number % 3] if status == "proposee" else None,
                                 reason="Parti(e) hors du territoire"
                                 if status == "abandonnee" else "")


def _unscheduled_care(store: Store, actor: Actor, people: list[dict]) -> None:
    """A weekly slot for each of `people`, and six weeks of calls: those sent to a slot
    take a free place that day or the next, the others are advised or sent elsewhere; the
    SAS among the channels."""
    rng = random.Random(24)
    start = date.today() - timedelta(days=60)
    slots = [Slot(unscheduled_care.open_slot(store, actor, person["id"], SLOT_HOURS[0],
                                             SLOT_HOURS[1], SLOT_PLACES, weekday=number % 5,
                                             valid_from=start),
                  number % 5, person["profession"])
             for number, person in enumerate(people)]
    communes = sorted(territory.codes(store))
    motives = list(unscheduled_care.MOTIVES.offered(store))
    moment = datetime.now(PARIS).replace(tzinfo=None)
    taken: Counter = Counter()
    for days in range(42, -1, -1):
        day = date.today() - timedelta(days=days)
        for _ in range(rng.randrange(2, 7)):
            received = datetime.combine(day, time(rng.randrange(8, 19),
                                                  rng.choice((0, 15, 30, 45))))
            if received > moment:
                continue
            values = {"received_day": day, "received_time": received.time(),
                      "channel": rng.choice(("sas", "sas", "telephone", "telephone",
                                             "pharmacie", "msp")),
                      "commune_code": rng.choice(communes),
                      "age_band": rng.choice(unscheduled_care.AGE_BANDS),
                      "motive_code": rng.choice(motives),
                      "profession_code": rng.choice(("10", "10", "10", "60")),
                      "outcome": rng.choices(("rdv", "conseil", "urgences", "pdsa",
                                              "sans_suite"), (14, 3, 1, 1, 1))[0]
                      if days else None}
            if values["outcome"] == "rdv":
                values.update(_appointment(rng, slots, taken, received, moment,
                                           values["channel"]))
            unscheduled_care.save_request(store, actor, values)


def _appointment(rng: random.Random, slots: list[Slot], taken: Counter, received: datetime,
                 moment: datetime, channel: str) -> dict:
    """A free place in a slot that day or the next, at a quarter hour within the slot's
    hours and after the call; advice instead when every place is taken."""
    for offset in (0, 1):
        day = received.date() + timedelta(days=offset)
        first = max(datetime.combine(day, SLOT_HOURS[0]), received)
        last = datetime.combine(day, SLOT_HOURS[1]) - timedelta(minutes=1)
        free = [slot for slot in slots if slot.weekday == day.weekday()
                and taken[slot.id, day] < SLOT_PLACES]
        if not free or first > last:
            continue
        slot = rng.choice(free)
        taken[slot.id, day] += 1
        at = first + timedelta(minutes=15 * rng.randrange(int((last - first).seconds // 900) + 1))
        return {"slot_id": slot.id, "slot_day": day, "appointment_day": day,
                "appointment_time": at.time(), "profession_code": slot.profession,
                "sas_status": rng.choice(("honore", "honore", "honore", "non_honore"))
                if channel == "sas" and at < moment else None}
    return {"outcome": "conseil"}
