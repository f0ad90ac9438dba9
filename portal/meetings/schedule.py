"""Réunions: the CPTS's meetings, their listing and the time they cost, and invitations
as calendar files (.ics). Who is invited and who came is portal.meetings.attendance.

Times are Europe/Paris wall times, as people type them; they become absolute only in
the .ics, where the time zone travels with them (a 10:00 meeting stays at 10:00 on
either side of the daylight-saving change).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlparse

import pandas as pd
from dateutil.relativedelta import relativedelta
from icalendar import Calendar, Event

from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import PARIS
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now
from ..core.where import Where

EDITORS = roles.EDIT["meetings"]
KINDS = {"bureau": "Bureau", "ca": "Conseil d'administration", "ag": "Assemblée générale",
         "groupe_travail": "Groupe de travail", "sensibilisation": "Réunion de sensibilisation",
         "concertation": "Concertation pluriprofessionnelle (cas complexes)",
         "formation": "Formation", "partenaires": "Réunion partenaires"}
FIELDS = ("kind", "title", "place", "video_link", "agenda", "organiser_id")


@dataclass(frozen=True)
class Filters:
    upcoming: bool | None = None    # True: from today on; False: before today; None: all
    between: tuple[date, date] | None = None   # starting in [first, last)
    kind: str | None = None
    mission: str | None = None
    action: int | None = None
    person: int | None = None


def _moment(day: date | None, at: time | None, field: str) -> str:
    if day is None or at is None:
        raise PortalError("Indiquez la date et l'heure.", field=field)
    return datetime.combine(day, at).strftime("%Y-%m-%dT%H:%M")


def _clean(values: dict) -> dict:
    clean = {k: values.get(k) for k in FIELDS}
    if clean["kind"] not in KINDS:
        raise PortalError("Choisissez le type de réunion.", field="kind")
    clean["title"] = (clean["title"] or "").strip() or KINDS[clean["kind"]]
    clean["starts_at"] = _moment(values.get("day"), values.get("start"), "start")
    clean["ends_at"] = _moment(values.get("day"), values.get("end"), "end")
    if clean["ends_at"] <= clean["starts_at"]:
        raise PortalError("La fin doit suivre le début.", field="end")
    for key in ("place", "video_link", "agenda"):
        clean[key] = (clean[key] or "").strip()
    link = urlparse(clean["video_link"])
    if clean["video_link"] and (link.scheme not in ("http", "https") or not link.netloc):
        raise PortalError("Le lien de visioconférence commence par https:// "
                          "(ex. : https://visio.exemple.fr/cpts).", field="video_link")
    return clean


def write_meeting(tx: Transaction, values: dict, meeting_id: int | None = None, missions=(),
                  actions=()) -> int:
    """Create or update a meeting inside a caller's transaction."""
    clean = _clean(values)
    stamp = iso(now())
    if meeting_id is None:
        meeting_id = tx.insert("meetings", {**clean, "uid": f"{uuid.uuid4()}@portail-cpts",
                                            "created_at": stamp,
                                            "updated_at": stamp}, entity="meeting")
    elif tx.update("meetings", meeting_id, clean, entity="meeting"):
        tx.execute("UPDATE meetings SET sequence = sequence + 1, updated_at = ? WHERE id = ?",
                   (stamp, meeting_id))
    tx.set_links("meeting_missions", "meeting_id", meeting_id, "mission_code", missions,
                 "meeting")
    tx.set_links("meeting_actions", "meeting_id", meeting_id, "action_id",
                 [int(a) for a in actions], "meeting")
    return meeting_id


def save_meeting(store: Store, actor: Actor, values: dict, meeting_id: int | None = None,
                 missions=(), actions=()) -> tuple[int, list[str]]:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        return write_meeting(tx, values, meeting_id, missions, actions), []


def schedule_next(store: Store, actor: Actor, meeting_id: int, day: date | None) -> int:
    """The next of a recurring meeting (the monthly bureau, a working group): the same
    kind, title, hours, place, agenda, missions, actions and invitees on `day`, with no
    attendance, minutes or decisions yet. Returns the new meeting's id."""
    roles.require(actor, *EDITORS)
    if day is None:
        raise PortalError("Indiquez la date de la prochaine réunion.", field="next_day")
    meeting = get_meeting(store, meeting_id)
    if meeting is None:
        raise PortalError("Cette réunion n'existe plus.", field="next_day")
    starts, ends = (datetime.fromisoformat(meeting[k]) for k in ("starts_at", "ends_at"))
    with store.write(actor) as tx:
        new_id = write_meeting(
            tx, {**{k: meeting[k] for k in FIELDS}, "day": day, "start": starts.time(),
                 "end": ends.time()},
            missions=[m["code"] for m in meeting["missions"]],
            actions=[a["id"] for a in meeting["actions"]])
        tx.execute("INSERT INTO attendees (meeting_id, person_id, guest_name, guest_email)"
                   " SELECT ?, person_id, guest_name, guest_email FROM attendees"
                   " WHERE meeting_id = ?", (new_id, meeting_id))
        tx.audit("meeting", new_id, "invite",
                 after={"from_meeting": meeting_id,
                        "people": tx.one("SELECT COUNT(*) AS n FROM attendees"
                                         " WHERE meeting_id = ?", (new_id,))["n"]})
    return new_id


def set_cancelled(store: Store, actor: Actor, meeting_id: int, cancelled: bool) -> None:
    """A cancelled meeting stays listed, struck out, and its .ics tells calendars."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        if tx.update("meetings", meeting_id, {"cancelled": int(cancelled)}, entity="meeting",
                     action="cancel" if cancelled else "update"):
            tx.execute("UPDATE meetings SET sequence = sequence + 1 WHERE id = ?",
                       (meeting_id,))


def delete_meeting(store: Store, actor: Actor, meeting_id: int) -> None:
    """Delete a meeting created by mistake, with its invitations. Once something
    happened there (attendance, minutes, votes, decisions) it stays: cancel it instead."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        held = tx.one(
            "SELECT EXISTS (SELECT 1 FROM attendees WHERE meeting_id = :m AND status != 'invite')"
            " AS attendance, EXISTS (SELECT 1 FROM motions WHERE meeting_id = :m) AS motions,"
            " EXISTS (SELECT 1 FROM decisions WHERE meeting_id = :m) AS decisions,"
            " (SELECT minutes != '' FROM meetings WHERE id = :m) AS minutes", {"m": meeting_id})
        if any(held.values()):
            raise PortalError("Cette réunion a déjà une feuille de présence, un compte rendu, "
                              "des délibérations ou des décisions : annulez-la plutôt, elle "
                              "restera dans l'historique.", field="delete")
        tx.delete("meetings", meeting_id, "meeting", "Cette réunion a déjà été supprimée.")


def get_meeting(store: Store, meeting_id: int) -> dict | None:
    meeting = store.query_one(
        "SELECT m.*, TRIM(COALESCE(p.first_name, '') || ' ' || COALESCE(p.last_name, ''))"
        " AS organiser FROM meetings m LEFT JOIN people p ON p.id = m.organiser_id"
        " WHERE m.id = ?", (meeting_id,))
    if meeting is None:
        return None
    meeting["missions"] = store.query(
        "SELECT m.code, m.title FROM meeting_missions mm JOIN missions m"
        " ON m.code = mm.mission_code WHERE mm.meeting_id = ? ORDER BY m.position", (meeting_id,))
    meeting["actions"] = store.query(
        "SELECT a.id, a.number, a.title FROM meeting_actions ma JOIN actions a"
        " ON a.id = ma.action_id WHERE ma.meeting_id = ? ORDER BY a.number", (meeting_id,))
    return meeting


def _where(filters: Filters, today: date) -> tuple[str, dict]:
    where = Where(today=today.isoformat())
    if filters.upcoming is not None:
        where.add("m.ends_at >= :today" if filters.upcoming else "m.ends_at < :today")
    if filters.between:
        where.add("m.starts_at >= :first AND m.starts_at < :last",
                  first=filters.between[0].isoformat(), last=filters.between[1].isoformat())
    where.equal("m.kind", filters.kind)
    if filters.mission:
        where.add("m.id IN (SELECT meeting_id FROM meeting_missions"
                  " WHERE mission_code = :mission)", mission=filters.mission)
    if filters.action:
        where.add("m.id IN (SELECT meeting_id FROM meeting_actions WHERE action_id = :action)",
                  action=filters.action)
    if filters.person:
        where.add("m.id IN (SELECT meeting_id FROM attendees WHERE person_id = :person)",
                  person=filters.person)
    return where.sql, where.params


def count_meetings(store: Store, filters: Filters, today: date | None = None) -> int:
    where, params = _where(filters, today or date.today())
    return store.scalar(f"SELECT COUNT(*) FROM meetings m{where}", params)


def list_meetings(store: Store, filters: Filters, limit: int = 50, offset: int = 0,
                  today: date | None = None) -> pd.DataFrame:
    """One page of meetings: upcoming ones soonest first, past ones latest first."""
    where, params = _where(filters, today or date.today())
    order = "ASC" if filters.upcoming else "DESC"
    return store.frame(
        "SELECT m.id, m.starts_at, m.ends_at, m.kind, m.title, m.place, m.cancelled,"
        " (SELECT COUNT(*) FROM attendees a WHERE a.meeting_id = m.id) AS invited,"
        " (SELECT COUNT(*) FROM attendees a WHERE a.meeting_id = m.id"
        "  AND a.status = 'present') AS present"
        f" FROM meetings m{where} ORDER BY m.starts_at {order} LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset})


def coordination_time(store: Store, start: date, end: date,
                      until: str | None = None) -> pd.DataFrame:
    """Per mission, the meetings held in [start, end) (not cancelled, begun before
    `until`, a Paris wall time defaulting to now): how many, their hours, and the
    participant-hours (people present × duration) the ACI values.

    A meeting about several missions shares its time equally between them, so the
    missions' figures add up to the time really spent."""
    return store.frame(
        "WITH held AS (SELECT m.id, (julianday(m.ends_at) - julianday(m.starts_at)) * 24"
        "  / (SELECT COUNT(*) FROM meeting_missions x WHERE x.meeting_id = m.id) AS hours,"
        "  (SELECT COUNT(*) FROM attendees a WHERE a.meeting_id = m.id"
        "   AND a.status = 'present') AS present"
        "  FROM meetings m WHERE m.cancelled = 0 AND m.starts_at >= :start"
        "  AND m.starts_at < :end AND m.starts_at < :until"
        "  AND m.id IN (SELECT meeting_id FROM meeting_missions))"
        " SELECT mm.mission_code, COUNT(*) AS meetings, ROUND(SUM(h.hours), 2) AS hours,"
        " ROUND(SUM(h.hours * h.present), 2) AS person_hours,"
        " SUM(h.present = 0) AS without_sheet"
        " FROM held h JOIN meeting_missions mm ON mm.meeting_id = h.id"
        " GROUP BY mm.mission_code",
        {"start": start.isoformat(), "end": end.isoformat(),
         "until": until or datetime.now(PARIS).strftime("%Y-%m-%dT%H:%M")})


def people_mobilised(store: Store, start: date, end: date) -> dict[str, int]:
    """Per mission, how many different directory people were present at its meetings
    held in [start, end): the professionals the mission mobilised."""
    return {r["mission_code"]: r["people"] for r in store.query(
        "SELECT mm.mission_code, COUNT(DISTINCT a.person_id) AS people"
        " FROM meetings m JOIN meeting_missions mm ON mm.meeting_id = m.id"
        " JOIN attendees a ON a.meeting_id = m.id AND a.status = 'present'"
        " AND a.person_id IS NOT NULL"
        " WHERE m.cancelled = 0 AND m.starts_at >= ? AND m.starts_at < ?"
        " GROUP BY mm.mission_code", (start.isoformat(), end.isoformat()))}


def coordination_by_quarter(store: Store, year: int) -> pd.DataFrame:
    """coordination_time for each quarter of `year`, with a `quarter` column (1 to 4)."""
    starts = [date(year, month, 1) for month in (1, 4, 7, 10)]
    frames = [coordination_time(store, start, start + relativedelta(months=3))
              .assign(quarter=number) for number, start in enumerate(starts, 1)]
    return pd.concat(frames, ignore_index=True)


def mission_person_hours(store: Store, mission: str, start: date, end: date) -> float:
    """One mission's participant-hours in [start, end): an indicator source."""
    frame = coordination_time(store, start, end)
    rows = frame[frame["mission_code"] == mission]
    return float(rows["person_hours"].iloc[0]) if len(rows) else 0.0


def account_person(store: Store, actor: Actor) -> int | None:
    """The directory person this account belongs to, if an administrator linked one."""
    return store.scalar("SELECT person_id FROM users WHERE username = ?", (actor.username,))


def readable_meeting(store: Store, actor: Actor, meeting_id: int) -> dict | None:
    """The meeting if this actor may open it: the board and coordination open any, a
    member only those they are invited to (None otherwise, as if it did not exist)."""
    meeting = get_meeting(store, meeting_id)
    if meeting is None or actor.has(*EDITORS):
        return meeting
    person = account_person(store, actor)
    if person and store.scalar("SELECT COUNT(*) FROM attendees WHERE meeting_id = ?"
                               " AND person_id = ?", (meeting_id, person)):
        return meeting
    return None


def listing(frame: pd.DataFrame) -> pd.DataFrame:
    """When, kind and title in French for a table of meetings (cancelled ones marked)."""
    return pd.DataFrame({
        "Quand": [when(r.starts_at, r.ends_at) for r in frame.itertuples()],
        "Type": frame["kind"].map(KINDS).to_numpy(),
        "Intitulé": [("ANNULÉE – " if r.cancelled else "") + r.title
                     for r in frame.itertuples()]})


def person_meetings(store: Store, person_id: int, limit: int = 20) -> pd.DataFrame:
    """A person's latest meetings with their attendance, most recent first."""
    return store.frame(
        "SELECT m.id, m.starts_at, m.ends_at, m.kind, m.title, m.cancelled, a.status"
        " FROM attendees a JOIN meetings m ON m.id = a.meeting_id WHERE a.person_id = ?"
        " ORDER BY m.starts_at DESC LIMIT ?", (person_id, limit))


def _event(meeting: dict) -> Event:
    event = Event()
    event.add("uid", meeting["uid"])
    event.add("sequence", meeting["sequence"])
    event.add("dtstamp", now())
    event.add("summary", meeting["title"])
    for key, moment in (("dtstart", meeting["starts_at"]), ("dtend", meeting["ends_at"])):
        event.add(key, datetime.fromisoformat(moment).replace(tzinfo=PARIS))
    if meeting["place"]:
        event.add("location", meeting["place"])
    if meeting["video_link"]:
        event.add("url", meeting["video_link"])
    description = "\n\n".join(part for part in (
        KINDS[meeting["kind"]], meeting["agenda"],
        f"Visioconférence : {meeting['video_link']}" if meeting["video_link"] else "") if part)
    event.add("description", description)
    event.add("status", "CANCELLED" if meeting["cancelled"] else "CONFIRMED")
    return event


def ics_bytes(meetings: list[dict], name: str = "Réunions de la CPTS") -> bytes:
    """A calendar file for these meetings, with the Europe/Paris time zone definition."""
    calendar = Calendar()
    calendar.add("prodid", "-//Portail CPTS//Réunions//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def upcoming_ics(store: Store, today: date | None = None, person: int | None = None) -> bytes:
    """Every meeting not yet over (those `person` is invited to, if given), to import or
    subscribe to in a calendar."""
    where, params = _where(Filters(upcoming=True, person=person), today or date.today())
    return ics_bytes(store.query(f"SELECT * FROM meetings m{where} ORDER BY m.starts_at",
                                 params))


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def when(starts_at: str, ends_at: str) -> str:
    """'mardi 01/12/2026, 10:00 – 12:00' from Paris wall times."""
    start, end = datetime.fromisoformat(starts_at), datetime.fromisoformat(ends_at)
    return f"{WEEKDAYS[start.weekday()]} {start:%d/%m/%Y}, {start:%H:%M} – {end:%H:%M}"
