"""Soins non programmés: the slots professionals open each week or on a date, the requests
taken on the phone or from the SAS, where they were sent and what came of it, and the
figures the ACI asks (share handled within 24 hours, SAS appointments honoured, slots
offered against slots used).

Times are Paris wall times as typed; the delay to the appointment is real time, worked
out once when the request is saved: received at 10:00 on the Saturday before the change
to summer time and seen at 10:30 on the Sunday is 23 h 30 later, within 24 hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from ..core import roles
from ..core.code_lists import CodeList
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import PARIS, plural, records
from ..core.roles import Actor
from ..core.transactions import iso, now
from ..directory import persons

EDITORS = roles.EDIT["care"]
CHANNELS = {"telephone": "Téléphone CPTS", "sas": "SAS", "pharmacie": "Pharmacie",
            "msp": "MSP", "autre": "Autre"}
AGE_BANDS = ("0-5", "6-17", "18-39", "40-64", "65-74", "75+")
OUTCOMES = {"rdv": "RDV obtenu", "conseil": "Conseil", "urgences": "Réorienté urgences",
            "pdsa": "Réorienté PDSA", "sans_suite": "Sans suite"}
SAS_STATUSES = {"honore": "Honoré", "non_honore": "Non honoré", "annule": "Annulé",
                "modifie": "Modifié"}
WEEKDAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
DAY_MINUTES = 24 * 60
# The motives calls are counted by: the CPTS's own list (vaccination, morsure...).
MOTIVES = CodeList("snp_motives", "snp_motive", "motif", EDITORS, "snp_requests.motive_code")


def minutes_between(start: datetime, end: datetime) -> int:
    """Real minutes between two Paris wall times (the clock change counted)."""
    # Subtracting two datetimes of the same tzinfo ignores the offset change: go to UTC.
    return round((end.replace(tzinfo=PARIS).astimezone(UTC)
                  - start.replace(tzinfo=PARIS).astimezone(UTC)).total_seconds() / 60)


def _moment(day: date | None, at: time | None, field: str, label: str) -> datetime:
    if day is None or at is None:
        raise PortalError(f"Indiquez {label}.", field=field)
    return datetime.combine(day, at).replace(second=0, microsecond=0)


def open_slot(store: Store, actor: Actor, person_id: int, starts: time, ends: time,
              capacity: int, weekday: int | None = None, on_day: date | None = None,
              valid_from: date | None = None, valid_until: date | None = None) -> int:
    """A professional's slot: every week on `weekday`, or once on `on_day`."""
    roles.require(actor, *EDITORS)
    if (weekday is None) == (on_day is None):
        raise PortalError("Choisissez un jour de la semaine ou une date.", field="when")
    if not starts or not ends or ends <= starts:
        raise PortalError("La fin du créneau suit son début.", field="ends")
    if not capacity or int(capacity) < 1:
        raise PortalError("Au moins un patient par créneau.", field="capacity")
    start = on_day or valid_from or date.today()
    if valid_until and valid_until < start:
        raise PortalError("La fin de validité suit son début.", field="valid_until")
    with store.write(actor) as tx:
        if not tx.one("SELECT 1 AS x FROM people WHERE id = ? AND merged_into IS NULL",
                      (person_id,)):
            raise PortalError("Choisissez le professionnel.", field="person")
        return tx.insert("snp_slots", {
            "person_id": int(person_id), "weekday": weekday,
            "on_day": on_day.isoformat() if on_day else None,
            "starts": starts.strftime("%H:%M"), "ends": ends.strftime("%H:%M"),
            "capacity": int(capacity), "valid_from": start.isoformat(),
            "valid_until": (on_day or valid_until).isoformat() if on_day or valid_until
            else None, "created_at": iso(now())}, entity="snp_slot")


def end_slot(store: Store, actor: Actor, slot_id: int, last_day: date) -> None:
    """A slot stops after `last_day`; it stays for the figures of the days it ran. A last
    day before its first one cancels it (a slot opened by mistake, a dated slot called
    off)."""
    roles.require(actor, *EDITORS)
    if slot_id is None:
        raise PortalError("Choisissez le créneau.", field="slot")
    if last_day is None:
        raise PortalError("Indiquez le dernier jour du créneau.", field="last_day")
    with store.write(actor) as tx:
        slot = tx.one("SELECT * FROM snp_slots WHERE id = ?", (slot_id,))
        if slot is None:
            raise PortalError("Ce créneau n'existe plus.", field="slot")
        if slot["valid_until"] and last_day.isoformat() > slot["valid_until"]:
            raise PortalError("Le créneau finit déjà le "
                              f"{date.fromisoformat(slot['valid_until']):%d/%m/%Y}.",
                              field="last_day")
        tx.update("snp_slots", slot_id, {"valid_until": last_day.isoformat()},
                  entity="snp_slot", action="end")


def open_slots(store: Store, today: date | None = None) -> list[dict]:
    """Slots not over yet (weekly ones still running, dated ones to come), with their
    professional, weekly ones first."""
    return store.query(
        "SELECT s.id, p.last_name, p.first_name, pr.label AS profession, c.name AS commune,"
        " s.weekday, s.on_day, s.starts, s.ends, s.capacity, s.valid_from, s.valid_until"
        " FROM snp_slots s JOIN people p ON p.id = s.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes c ON c.code = p.commune_code"
        " WHERE (s.valid_until IS NULL OR s.valid_until >= :today)"
        " AND (s.valid_until IS NULL OR s.valid_until >= s.valid_from)"
        " ORDER BY s.on_day IS NOT NULL, s.weekday, s.on_day, s.starts, p.last_name",
        {"today": (today or date.today()).isoformat()})


def slot_when(row: dict) -> str:
    """'Chaque lundi, 17:00 – 19:00' or 'Le 14/11/2026, 09:00 – 12:00'."""
    hours = f"{row['starts']} – {row['ends']}"
    if row["on_day"]:
        return f"Le {date.fromisoformat(row['on_day']):%d/%m/%Y}, {hours}"
    return f"Chaque {WEEKDAYS[int(row['weekday'])].lower()}, {hours}"


# A call sent to a slot holds one of its places on its day, unless its outcome says the
# patient will not be seen there (advice, emergency department, no follow-up) or the SAS
# appointment was cancelled: then the place is free again.
HOLDS_PLACE = ("COALESCE(r.outcome, 'rdv') = 'rdv' AND COALESCE(r.sas_status, '') != 'annule'")
RUNS_ON = ("s.valid_from <= :day AND (s.valid_until IS NULL OR s.valid_until >= :day)"
           " AND (s.on_day = :day OR (s.on_day IS NULL AND s.weekday = :weekday))")


def slots_on(store: Store, day: date, after: time | None = None) -> pd.DataFrame:
    """The slots open on `day` (those not ended by `after`, for today's calls), with the
    professional, profession, commune and how many of their places are taken and free."""
    return store.frame(
        "SELECT *, MAX(capacity - taken, 0) AS free FROM (SELECT s.id, s.person_id,"
        " p.last_name, p.first_name, pr.label AS profession, p.profession_code,"
        " c.name AS commune, s.starts, s.ends, s.capacity,"
        " (SELECT COUNT(*) FROM snp_requests r WHERE r.slot_id = s.id"
        f"  AND r.slot_day = :day AND {HOLDS_PLACE}) AS taken"
        " FROM snp_slots s JOIN people p ON p.id = s.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes c ON c.code = p.commune_code"
        f" WHERE {RUNS_ON} AND (:after IS NULL OR s.ends > :after))"
        " ORDER BY starts, profession, last_name",
        {"day": day.isoformat(), "weekday": day.weekday(),
         "after": after.strftime("%H:%M") if after else None})


def free_places(store: Store, moment: datetime) -> int:
    """The places still free at `moment` in that day's slots that have not ended."""
    return int(store.scalar(
        f"SELECT SUM(MAX(s.capacity - (SELECT COUNT(*) FROM snp_requests r"
        f" WHERE r.slot_id = s.id AND r.slot_day = :day AND {HOLDS_PLACE}), 0))"
        f" FROM snp_slots s WHERE {RUNS_ON} AND s.ends > :after",
        {"day": moment.date().isoformat(), "weekday": moment.weekday(),
         "after": moment.strftime("%H:%M")}) or 0)


def slot_choices(store: Store, moment: datetime) -> dict[str, str]:
    """The places a call taken at `moment` can be sent to: that day's slots not ended yet,
    then the next day's (within 24 hours), as 'slot id@day' -> a label with the places
    left."""
    choices = {}
    for offset in (0, 1):
        day = moment.date() + timedelta(days=offset)
        for row in records(slots_on(store, day, moment.time() if offset == 0 else None)):
            free = max(row["capacity"] - row["taken"], 0)
            choices[f"{row['id']}@{day.isoformat()}"] = (
                f"{WEEKDAYS[day.weekday()][:3]}. {day:%d/%m} {row['starts']}–{row['ends']} · "
                f"{persons.person_label(row)} · "
                + (plural(free, "place libre", "places libres") if free else "complet"))
    return choices


def week_offer(store: Store, first: date) -> pd.DataFrame:
    """Places offered per profession and day over the seven days from `first`."""
    days = [first + timedelta(days=i) for i in range(7)]
    frames = [slots_on(store, day).assign(day=day) for day in days]
    rows = pd.concat(frames) if frames else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame()
    table = rows.pivot_table(index="profession", columns="day", values="capacity",
                             aggfunc="sum", fill_value=0)
    return table.reindex(columns=days, fill_value=0)


def _clean_request(tx, values: dict, request_id: int | None = None) -> dict:
    received = _moment(values.get("received_day"), values.get("received_time"),
                       "received", "la date et l'heure de la demande")
    if received > datetime.now(PARIS).replace(tzinfo=None) + timedelta(minutes=5):
        raise PortalError("La demande ne peut pas être datée dans le futur.", field="received")
    clean = {"received_at": received.strftime("%Y-%m-%dT%H:%M"),
             "channel": values.get("channel"), "age_band": values.get("age_band"),
             "motive_code": values.get("motive_code"),
             "profession_code": values.get("profession_code"),
             "commune_code": values.get("commune_code") or None,
             "person_id": values.get("person_id") or None,
             "slot_id": int(values["slot_id"]) if values.get("slot_id") else None,
             "outcome": values.get("outcome") or None,
             "sas_status": values.get("sas_status") or None}
    for key, options, message in (("channel", CHANNELS, "Choisissez le canal."),
                                  ("age_band", AGE_BANDS, "Choisissez la tranche d'âge."),
                                  ("outcome", (*OUTCOMES, None), "Issue inconnue."),
                                  ("sas_status", (*SAS_STATUSES, None), "Statut inconnu.")):
        if clean[key] not in options:
            raise PortalError(message, field=key)
    if not tx.one("SELECT 1 AS x FROM snp_motives WHERE code = ?", (clean["motive_code"],)):
        raise PortalError("Choisissez le motif.", field="motive_code")
    if not tx.one("SELECT 1 AS x FROM professions WHERE code = ?",
                  (clean["profession_code"],)):
        raise PortalError("Choisissez la profession sollicitée.", field="profession_code")
    if clean["sas_status"] and clean["channel"] != "sas":
        raise PortalError("Le statut du rendez-vous ne concerne que les demandes du SAS.",
                          field="sas_status")
    clean["appointment_at"], clean["delay_minutes"], appointment = None, None, None
    if clean["outcome"] == "rdv":
        appointment = _moment(values.get("appointment_day"), values.get("appointment_time"),
                              "appointment", "la date et l'heure du rendez-vous")
        if appointment < received:
            raise PortalError("Le rendez-vous suit la demande.", field="appointment")
        clean["appointment_at"] = appointment.strftime("%Y-%m-%dT%H:%M")
        clean["delay_minutes"] = minutes_between(received, appointment)
    clean["slot_day"] = None
    if clean["slot_id"]:
        day = values.get("slot_day") or (appointment or received).date()
        day = date.fromisoformat(day) if isinstance(day, str) else day
        clean["person_id"] = _check_slot(tx, clean, day, appointment, request_id)
        clean["slot_day"] = day.isoformat()
    return clean


def _check_slot(tx, clean: dict, day: date, appointment: datetime | None,
                request_id: int | None) -> int:
    """A slot takes the call only on a day it runs, for an appointment within its hours,
    while it has a place left; returns its professional."""
    slot = tx.one("SELECT * FROM snp_slots WHERE id = ?", (clean["slot_id"],))
    if slot is None:
        raise PortalError("Ce créneau n'existe plus.", field="slot_id")
    when = slot_when(slot)
    params = {"id": slot["id"], "day": day.isoformat(), "weekday": day.weekday()}
    if not tx.one(f"SELECT 1 AS x FROM snp_slots s WHERE s.id = :id AND {RUNS_ON}", params):
        raise PortalError(f"Ce créneau n'a pas lieu le {day:%d/%m/%Y} ({when}).",
                          field="slot_id")
    if appointment is not None and (appointment.date() != day or not (
            slot["starts"] <= appointment.strftime("%H:%M") < slot["ends"])):
        raise PortalError(f"Le rendez-vous du {appointment:%d/%m/%Y à %H:%M} est hors du "
                          f"créneau choisi ({when.lower()}, le {day:%d/%m/%Y}) : corrigez "
                          "l'heure ou choisissez un autre créneau.", field="appointment")
    holds = clean["outcome"] in (None, "rdv") and clean["sas_status"] != "annule"
    taken = tx.one("SELECT COUNT(*) AS n FROM snp_requests r WHERE r.slot_id = :id"
                   f" AND r.slot_day = :day AND {HOLDS_PLACE} AND r.id IS NOT :request",
                   {**params, "request": request_id})["n"]
    if holds and taken >= slot["capacity"]:
        raise PortalError(f"Ce créneau est complet le {day:%d/%m/%Y} "
                          f"({plural(slot['capacity'], 'place')}, toutes prises) : "
                          "choisissez-en un autre.", field="slot_id")
    return slot["person_id"]


def save_request(store: Store, actor: Actor, values: dict,
                 request_id: int | None = None) -> tuple[int, list[str]]:
    """Record a request as the phone is answered (the outcome may come later); returns
    (id, warnings) as every save_* does."""
    roles.require(actor, *EDITORS)
    stamp = iso(now())
    with store.write(actor) as tx:
        clean = _clean_request(tx, values, request_id)
        if request_id is None:
            return tx.insert("snp_requests", {**clean, "entered_by": actor.username,
                                              "created_at": stamp, "updated_at": stamp},
                             entity="snp_request"), []
        if tx.update("snp_requests", request_id, clean, entity="snp_request"):
            tx.execute("UPDATE snp_requests SET updated_at = ? WHERE id = ?",
                       (stamp, request_id))
        return request_id, []


def _between(first: date, last: date, pending_only: bool) -> tuple[str, tuple]:
    return (" WHERE r.received_at >= ? AND r.received_at < ?"
            + (" AND r.outcome IS NULL" if pending_only else ""),
            (first.isoformat(), last.isoformat()))


def requests_between(store: Store, first: date, last: date, pending_only: bool = False,
                     limit: int = -1, offset: int = 0) -> pd.DataFrame:
    """Requests received from `first` to the day before `last`, latest first (those still
    without an outcome only, if asked), a page of them for the board."""
    where, params = _between(first, last, pending_only)
    return store.frame(
        "SELECT r.id, r.received_at, r.channel, r.age_band, m.label AS motive,"
        " pr.label AS profession, c.name AS commune, r.outcome, r.appointment_at,"
        " r.delay_minutes, r.sas_status, TRIM(COALESCE(p.first_name, '') || ' ' ||"
        " COALESCE(p.last_name, '')) AS professional FROM snp_requests r"
        " JOIN snp_motives m ON m.code = r.motive_code"
        " JOIN professions pr ON pr.code = r.profession_code"
        " LEFT JOIN communes c ON c.code = r.commune_code"
        " LEFT JOIN people p ON p.id = r.person_id"
        f"{where} ORDER BY r.received_at DESC LIMIT ? OFFSET ?", (*params, limit, offset))


def count_requests(store: Store, first: date, last: date, pending_only: bool = False) -> int:
    where, params = _between(first, last, pending_only)
    return store.scalar(f"SELECT COUNT(*) FROM snp_requests r{where}", params)


def get_request(store: Store, request_id: int) -> dict | None:
    return store.query_one("SELECT * FROM snp_requests WHERE id = ?", (request_id,))


def usual_channel(store: Store, today: date | None = None) -> str:
    """The channel a new call most likely came by: the most frequent of the last 30
    days, else the first one offered (never a guess that the call came from the SAS)."""
    since = (today or date.today()) - timedelta(days=30)
    frequent = store.scalar("SELECT channel FROM snp_requests WHERE received_at >= ?"
                            " GROUP BY channel ORDER BY COUNT(*) DESC, channel LIMIT 1",
                            (since.isoformat(),))
    return frequent or next(iter(CHANNELS))
