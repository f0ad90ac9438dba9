"""Who a meeting invites (one by one, by group, from outside) and who came, was excused
or gave a proxy: the attendance sheet, its names and the invitees' addresses."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..association import memberships
from ..core import roles, validation
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import qualified, records
from ..core.roles import Actor
from . import bodies

EDITORS = roles.EDIT["meetings"]
STATUSES = {"invite": "Invité", "present": "Présent", "excuse": "Excusé", "absent": "Absent",
            "represente": "Représenté"}
GROUPS = {"bureau": "Le bureau", "ca": "Le conseil d'administration",
          "members": "Tous les adhérents", "profession": "Une profession",
          "referents": "Les référents d'une action"}


def group_people(store: Store, group: str, value=None) -> list[int]:
    """The directory people of a group: the bureau or the CA on a day (`value`), all
    members, a profession, an action's referents."""
    active = "p.merged_into IS NULL AND p.erased_at IS NULL AND p.left_territory = 0"
    if group in bodies.MANDATE_BODIES:
        return sorted(bodies.electorate(store, group, value or date.today()))
    if group == "members":
        rows = store.query(f"SELECT id FROM people p WHERE {memberships.member_sql()}"
                           f" AND {active}")
    elif group == "profession":
        rows = store.query(f"SELECT id FROM people p WHERE p.profession_code = ? AND {active}",
                           (value,))
    elif group == "referents":
        rows = store.query("SELECT p.id FROM action_referents r JOIN people p"
                           f" ON p.id = r.person_id WHERE r.action_id = ? AND {active}",
                           (value,))
    else:
        raise PortalError("Groupe inconnu.", field="group")
    return [r["id"] for r in rows]


def invite(store: Store, actor: Actor, meeting_id: int, person_ids) -> int:
    """Invite directory people; those already invited are left as they are. Returns how
    many were added."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        before = tx.one("SELECT COUNT(*) AS n FROM attendees WHERE meeting_id = ?",
                        (meeting_id,))["n"]
        tx.executemany(
            "INSERT OR IGNORE INTO attendees (meeting_id, person_id) VALUES (?, ?)",
            [(meeting_id, int(p)) for p in person_ids])
        added = tx.one("SELECT COUNT(*) AS n FROM attendees WHERE meeting_id = ?",
                       (meeting_id,))["n"] - before
        if added:
            tx.audit("meeting", meeting_id, "invite", after={"people": added})
    return added


def invite_guest(store: Store, actor: Actor, meeting_id: int, name: str, email: str) -> int:
    """Invite someone outside the directory (a partner, a speaker)."""
    roles.require(actor, *EDITORS)
    name = (name or "").strip()
    if not name:
        raise PortalError("Indiquez le nom de l'invité.", field="guest_name")
    address = validation.email(email, field="guest_email")
    with store.write(actor) as tx:
        return tx.insert("attendees", {"meeting_id": meeting_id, "guest_name": name[:120],
                                       "guest_email": address}, entity="attendee")


def uninvite(store: Store, actor: Actor, attendee_id: int) -> None:
    """Take someone off the invitations (invited by mistake); not while they hold a
    proxy, which would leave the person they represent with none."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        given = tx.all(ATTENDEE_NAMES + " WHERE a.proxy_id = ?", (attendee_id,))
        if given:
            raise PortalError(f"Cette personne détient le pouvoir de {display_name(given[0])} "
                              ": changez d'abord la présence de la personne représentée.",
                              field="uninvite")
        tx.delete("attendees", attendee_id, "attendee", "Cette personne n'est plus invitée.")


def record_attendance(store: Store, actor: Actor, meeting_id: int,
                      changes: dict[int, tuple[str, int | None]]) -> int:
    """Set each attendee's status (and proxy holder when represented), all or nothing.

    A proxy goes to someone present at the same meeting, never to oneself, and a
    represented person holds no proxy."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        rows = {r["id"]: r for r in tx.all(
            "SELECT a.*, p.first_name, p.last_name FROM attendees a LEFT JOIN people p"
            " ON p.id = a.person_id WHERE a.meeting_id = ?", (meeting_id,))}
        final = {i: (r["status"], r["proxy_id"]) for i, r in rows.items()}
        for attendee_id, (status, proxy) in changes.items():
            if attendee_id not in rows:
                raise PortalError("Cette personne n'est pas invitée à cette réunion.")
            if status not in STATUSES:
                raise PortalError("Statut de présence inconnu.", field="attendance")
            final[attendee_id] = (status, int(proxy) if status == "represente" and proxy
                                  else None)
        for attendee_id, (status, proxy) in final.items():
            if status == "represente":
                _check_proxy(rows, final, attendee_id, proxy)
        kind = tx.one("SELECT kind FROM meetings WHERE id = ?", (meeting_id,))["kind"]
        bodies.check_proxy_limit(tx, kind, [p for s, p in final.values() if s == "represente"],
                                 lambda holder: display_name(rows[holder]))
        changed = 0
        for attendee_id, (status, proxy) in final.items():
            if (rows[attendee_id]["status"], rows[attendee_id]["proxy_id"]) != (status, proxy):
                tx.update("attendees", attendee_id, {"status": status, "proxy_id": proxy},
                          entity="attendee")
                changed += 1
    return changed


def _check_proxy(rows: dict, final: dict, attendee_id: int, proxy: int | None) -> None:
    name = display_name(rows[attendee_id])
    if proxy is None or proxy not in rows:
        raise PortalError(f"{name} est représenté(e) : choisissez qui détient son pouvoir.",
                          field="attendance")
    if proxy == attendee_id:
        raise PortalError(f"{name} ne peut pas détenir son propre pouvoir.",
                          field="attendance")
    if final[proxy][0] != "present":
        raise PortalError(f"Le pouvoir de {name} va à une personne présente "
                          f"({display_name(rows[proxy])} ne l'est pas).", field="attendance")


def display_name(row: dict) -> str:
    """An attendee's name: the guest's, or the person's from the directory (a row of
    `records`, blanks as None)."""
    if row.get("guest_name"):
        return row["guest_name"]
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p) \
        or f"Personne n° {int(row['person_id'])}"


def quality(row: dict) -> str:
    """What a sheet says an attendee is: their profession, or 'Invité extérieur' for a
    guest from outside the directory (a directory person without one: nothing)."""
    return row.get("profession") or ("" if row.get("person_id") else "Invité extérieur")


def sheet_names(frame: pd.DataFrame) -> dict[int, str]:
    """Each attendee's name, made unique so a proxy chosen by name on the sheet goes to
    the right person: two Camille Faure are told apart by profession and commune, then
    by e-mail, and by their number only when all of those are the same."""
    rows = {int(r["id"]): r for r in records(frame)}
    names = {i: display_name(r) for i, r in rows.items()}
    for details in (("profession", "commune"), ("profession", "commune", "email")):
        seen = pd.Series(list(names.values())).value_counts()
        names = {i: qualified(display_name(rows[i]), *(rows[i][d] for d in details))
                 if seen[n] > 1 else n for i, n in names.items()}
    seen = pd.Series(list(names.values())).value_counts()
    return {i: f"{n} (n° {i})" if seen[n] > 1 else n for i, n in names.items()}


ATTENDEE_NAMES = ("SELECT a.id, a.person_id, a.guest_name, p.first_name, p.last_name"
                  " FROM attendees a LEFT JOIN people p ON p.id = a.person_id")


def attendees(store: Store, meeting_id: int) -> pd.DataFrame:
    return store.frame(
        "SELECT a.id, a.person_id, a.guest_name, a.guest_email, a.status, a.proxy_id,"
        " p.first_name, p.last_name, p.email, pr.label AS profession, c.name AS commune"
        " FROM attendees a LEFT JOIN people p ON p.id = a.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code"
        " LEFT JOIN communes c ON c.code = p.commune_code"
        " WHERE a.meeting_id = ?"
        " ORDER BY COALESCE(p.last_name, a.guest_name) COLLATE NOCASE, p.first_name", (meeting_id,))


def invitee_emails(store: Store, meeting_id: int) -> list[str]:
    """The invitees' e-mail addresses (directory or guest), for a mailto link or a CSV."""
    frame = attendees(store, meeting_id)
    emails = frame["email"].where(frame["email"].notna(), frame["guest_email"])
    return sorted({e for e in emails.dropna() if e})
