"""Patients looking for a médecin traitant: requests, their priority, the GPs who take new
patients, and the steps from "nouvelle" to "acceptée" (or abandoned).

Health data (DESIGN.md, privacy): only the coordination and the administrator see who
the patients are, and every opening of a request is written to access_log. The board and
the members get counts (see `figures`). A closed request keeps its identity for the
retention period, then `purge` wipes it and keeps the dates and criteria.

The priority score, shown with its reasons on every row of the queue:
    score = the points of each criterion met (ALD, 70 years or more on the day of the
            queue, precarity, and the local ones) + `points per week` × full weeks waited.
Ties go to the earlier request.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta

from ..core import roles, validation
from ..core.db import Store, set_setting
from ..core.errors import PermissionDenied, PortalError
from ..core.formats import fold
from ..core.roles import ADMIN, Actor
from ..core.transactions import Transaction, iso, now
from . import doctor_capacity

EDITORS = roles.EDIT["care"]     # the only roles that see patients' identities
CHANNELS = {"telephone": "Téléphone", "formulaire": "Formulaire", "pharmacie": "Pharmacie",
            "professionnel": "Professionnel de santé", "cpam": "CPAM", "sas": "SAS",
            "autre": "Autre"}
STATUSES = {"nouvelle": "Nouvelle", "en_recherche": "En recherche", "proposee": "Proposée",
            "acceptee": "Acceptée", "refusee": "Refusée", "close": "Close",
            "abandonnee": "Abandonnée"}
OPEN = ("nouvelle", "en_recherche", "proposee", "refusee")
# Where a request may go from each status: a doctor can be proposed at once, without
# a search step, when the coordinator already knows one with a place.
TRANSITIONS = {"nouvelle": ("proposee", "en_recherche", "abandonnee"),
               "en_recherche": ("proposee", "abandonnee"),
               "proposee": ("acceptee", "refusee", "abandonnee"),
               "refusee": ("en_recherche", "proposee", "close", "abandonnee"),
               "acceptee": ("close",), "close": (), "abandonnee": ()}
# What is left to do at each status, said plainly on the request's page.
TO_DO = {
    "nouvelle": "Proposez un médecin (ceux qui ont des places sont listés ci-dessus), ou "
                "notez que la recherche est en cours.",
    "en_recherche": "Proposez un médecin dès qu'une place se libère.",
    "proposee": "En attente de la réponse du médecin : notez son acceptation ou son refus.",
    "refusee": "Proposez un autre médecin, reprenez la recherche ou clôturez la demande.",
    "acceptee": "Le médecin a accepté le patient. Il reste à clore la demande quand le "
                "patient l'a vu et l'a déclaré comme médecin traitant.",
}
# The field each step needs, beside its date.
STEP_FIELDS = {"proposee": "doctor", "refusee": "reason", "abandonnee": "reason"}
WEEK_POINTS, RETENTION_MONTHS = "mt_points_per_week", "mt_retention_months"
# A request `r` from a fragile patient: 70 or more, or a criterion marked fragile.
FRAGILE = ("(r.aged_70 = 1 OR EXISTS (SELECT 1 FROM mt_request_criteria x JOIN mt_criteria c"
           " ON c.code = x.code WHERE x.request_id = r.id AND c.fragile = 1))")
IDENTITY = ("last_name", "first_name", "birth_date", "phone", "email", "name_key")


def _require(actor: Actor) -> None:
    if not actor.has(*EDITORS):
        raise PermissionDenied("Seule la coordination a accès aux demandes des patients.")


def aged_70(birth: date, on: date) -> bool:
    """70 years or more on day `on` (born 29/02: the birthday is 28/02 in other years)."""
    return on >= birth + relativedelta(years=70)


def priority_facts(store: Store, request: dict, today: date) -> list[str]:
    """The request's priority criteria in French, "70 ans ou plus" first when the birth
    date says so today (it is computed, never ticked)."""
    labels = {c["code"]: c["label"] for c in criteria(store, active_only=False)}
    facts = [labels[c] for c in request["criteria"]]
    born = request["birth_date"]
    if born and aged_70(date.fromisoformat(born), today):
        facts.insert(0, labels["age70"])
    return facts


def points_per_week(store: Store) -> int:
    return int(store.get_setting(WEEK_POINTS, "2"))


def retention_months(store: Store) -> int:
    return int(store.get_setting(RETENTION_MONTHS, "6"))


def criteria(store: Store, active_only: bool = True) -> list[dict]:
    return store.query("SELECT * FROM mt_criteria"
                       + (" WHERE active = 1" if active_only else "") + " ORDER BY position")


def set_rules(store: Store, actor: Actor, points: dict[str, int], active: dict[str, bool],
              week_points: int, months: int) -> None:
    """The score's points per criterion and per week waited, and the retention period."""
    roles.require(actor, ADMIN)
    if week_points < 0 or any(p < 0 for p in points.values()):
        raise PortalError("Les points sont positifs.", field="points")
    if months < 1:
        raise PortalError("La durée de conservation est d'au moins un mois.", field="months")
    with store.write(actor) as tx:
        for code, value in points.items():
            tx.execute("UPDATE mt_criteria SET points = ?, active = ? WHERE code = ?",
                       (int(value), int(active.get(code, True)), code))
        set_setting(tx, WEEK_POINTS, str(int(week_points)))
        set_setting(tx, RETENTION_MONTHS, str(int(months)))
        tx.audit("mt_rules", None, "update", after={"points": points, "week": week_points,
                                                    "retention_months": months})


def add_criterion(store: Store, actor: Actor, label: str, points: int) -> str:
    """A local criterion (handicap, sortie d'hospitalisation...): a yes/no fact."""
    roles.require(actor, ADMIN)
    label = (label or "").strip()
    if not label:
        raise PortalError("Indiquez le critère.", field="criterion")
    code = "_".join(fold(label).split())[:40]
    with store.write(actor) as tx:
        if tx.one("SELECT 1 AS x FROM mt_criteria WHERE code = ?", (code,)):
            raise PortalError("Ce critère existe déjà.", field="criterion")
        position = tx.one("SELECT MAX(position) + 1 AS p FROM mt_criteria")["p"]
        tx.execute("INSERT INTO mt_criteria (code, label, points, position) VALUES (?, ?, ?, ?)",
                   (code, label[:100], int(points), position))
        tx.audit("mt_rules", code, "create", after={"label": label, "points": points})
    return code


def name_key(last_name: str, first_name: str, birth: date) -> str:
    return f"{fold(last_name).strip()}|{fold(first_name).strip()}|{birth.isoformat()}"


def _day(value, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PortalError(f"Indiquez {label}.", field=field) from None


def _clean(tx: Transaction, values: dict) -> dict:
    clean = {k: validation.clean(values.get(k)) for k in ("last_name", "first_name")}
    if not clean["last_name"]:
        raise PortalError("Indiquez le nom du patient.", field="last_name")
    if not clean["first_name"]:
        raise PortalError("Indiquez le prénom du patient.", field="first_name")
    received = _day(values.get("received_on") or date.today(), "received_on",
                    "la date de la demande")
    if received > date.today():
        raise PortalError("La demande ne peut pas être datée dans le futur.",
                          field="received_on")
    birth = _day(values.get("birth_date"), "birth_date", "la date de naissance")
    if birth > received or birth < received - relativedelta(years=120):
        raise PortalError("Date de naissance invraisemblable.", field="birth_date")
    if values.get("channel") not in CHANNELS:
        raise PortalError("Choisissez le canal de la demande.", field="channel")
    commune = values.get("commune_code") or None
    department = tx.one("SELECT department FROM communes WHERE code = ?", (commune,))
    household = values.get("household") or 0
    if int(household) < 0:
        raise PortalError("Le nombre de personnes est positif.", field="household")
    return {**clean, "received_on": received.isoformat(), "birth_date": birth.isoformat(),
            "channel": values["channel"], "commune_code": commune,
            "phone": validation.phone(values.get("phone"),
                                      department["department"] if department else None),
            "email": validation.email(values.get("email")),
            "household": int(household), "can_travel": int(bool(values.get("can_travel", True))),
            "aged_70": int(aged_70(birth, received)),
            "name_key": name_key(clean["last_name"], clean["first_name"], birth)}


def duplicates(store: Store, actor: Actor, last_name: str, first_name: str,
               birth: date, exclude: int | None = None) -> list[dict]:
    """Requests for the same person (same names and birth date), anonymised ones aside."""
    _require(actor)
    return store.query("SELECT id, received_on, status FROM mt_requests WHERE name_key = ?"
                       " AND id IS NOT ? ORDER BY id",
                       (name_key(last_name, first_name, birth), exclude))


def save_request(store: Store, actor: Actor, values: dict, codes=(),
                 request_id: int | None = None,
                 allow_duplicate: bool = False) -> tuple[int, list[str]]:
    """Create or correct a request; returns (id, warnings) as every save_* does. A second
    request for the same person is refused (with the first one's number) unless the
    coordinator says it is on purpose."""
    _require(actor)
    with store.write(actor) as tx:
        clean = _clean(tx, values)
        same = tx.all("SELECT id, status FROM mt_requests WHERE name_key = ? AND id IS NOT ?",
                      (clean["name_key"], request_id))
        if same and not allow_duplicate:
            raise PortalError(f"Une demande existe déjà pour ce patient (n° {same[0]['id']}, "
                              f"{STATUSES[same[0]['status']].lower()}).", field="duplicate")
        known = {r["code"] for r in tx.all("SELECT code FROM mt_criteria")}
        codes = sorted(set(codes) & known - {"age70"})  # age is computed, not ticked
        stamp = iso(now())
        if request_id is None:
            request_id = tx.insert("mt_requests", {**clean, "created_at": stamp,
                                                   "updated_at": stamp}, entity="mt_request")
            _step(tx, request_id, "nouvelle", date.fromisoformat(clean["received_on"]))
        elif tx.update("mt_requests", request_id, clean, entity="mt_request"):
            tx.execute("UPDATE mt_requests SET updated_at = ? WHERE id = ?", (stamp, request_id))
        tx.set_links("mt_request_criteria", "request_id", request_id, "code", codes,
                     "mt_request")
    return request_id, []


def _step(tx: Transaction, request_id: int, status: str, day: date,
          doctor_id: int | None = None, reason: str = "") -> None:
    tx.execute("INSERT INTO mt_steps (request_id, on_day, status, doctor_id, reason, username,"
               " at) VALUES (?, ?, ?, ?, ?, ?, ?)", (request_id, day.isoformat(), status,
                                                     doctor_id, reason, tx.actor.username,
                                                     iso(now())))


def move(store: Store, actor: Actor, request_id: int, status: str, day: date | None = None,
         doctor_id: int | None = None, reason: str = "") -> None:
    """Take a request one step along its workflow; the step is dated and audited, and an
    acceptance takes one place off the doctor's capacity (never below zero)."""
    _require(actor)
    day = day or date.today()
    reason = (reason or "").strip()
    with store.write(actor) as tx:
        request = tx.one("SELECT * FROM mt_requests WHERE id = ?", (request_id,))
        if request is None or request["anonymised_at"]:
            raise PortalError("Demande introuvable.")
        if status not in TRANSITIONS[request["status"]]:
            raise PortalError(f"Passage impossible de « {STATUSES[request['status']]} » à "
                              f"« {STATUSES.get(status, status)} ».", field="status")
        if day < date.fromisoformat(request["received_on"]) or day > date.today():
            raise PortalError("La date de l'étape va de la demande à aujourd'hui.",
                              field="day")
        changes = {"status": status, "updated_at": iso(now())}
        if status == "proposee":
            if not doctor_id or not doctor_capacity.is_gp(tx, doctor_id):
                raise PortalError("Choisissez le médecin généraliste proposé.", field="doctor")
            changes.update(doctor_id=int(doctor_id), proposed_on=day.isoformat(), reason="")
        elif status in ("refusee", "abandonnee"):
            if not reason:
                raise PortalError("Indiquez le motif.", field="reason")
            changes["reason"] = reason[:500]
        elif status == "acceptee":
            changes["accepted_on"] = day.isoformat()
            tx.execute("UPDATE doctor_capacity SET remaining = MAX(remaining - 1, 0),"
                       " updated_at = ? WHERE person_id = ?", (iso(now()), request["doctor_id"]))
        if status in ("close", "abandonnee"):
            changes["closed_on"] = day.isoformat()
        tx.update("mt_requests", request_id, changes, entity="mt_request", action="status")
        _step(tx, request_id, status, day, changes.get("doctor_id", request["doctor_id"]),
              changes.get("reason", ""))


def get_request(store: Store, actor: Actor, request_id: int) -> dict | None:
    """A request with its criteria, steps and doctor; the opening is logged."""
    _require(actor)
    request = store.query_one(
        "SELECT r.*, c.name AS commune, TRIM(COALESCE(d.first_name, '') || ' ' ||"
        " COALESCE(d.last_name, '')) AS doctor FROM mt_requests r"
        " LEFT JOIN communes c ON c.code = r.commune_code"
        " LEFT JOIN people d ON d.id = r.doctor_id WHERE r.id = ?", (request_id,))
    if request is None:
        return None
    store.log_access(actor, "mt_request", request_id)
    request["criteria"] = [r["code"] for r in store.query(
        "SELECT code FROM mt_request_criteria WHERE request_id = ?", (request_id,))]
    request["steps"] = store.frame(
        "SELECT s.on_day, s.status, TRIM(COALESCE(d.first_name, '') || ' ' ||"
        " COALESCE(d.last_name, '')) AS doctor, s.reason, s.username FROM mt_steps s"
        " LEFT JOIN people d ON d.id = s.doctor_id WHERE s.request_id = ? ORDER BY s.id",
        (request_id,))
    return request


def _score_sql() -> str:
    """The priority score of a request `r` on day :today (see the module docstring)."""
    return ("(COALESCE((SELECT SUM(c.points) FROM mt_request_criteria x JOIN mt_criteria c"
            " ON c.code = x.code WHERE x.request_id = r.id AND c.active = 1), 0)"
            " + CASE WHEN (r.birth_date IS NOT NULL AND date(r.birth_date, '+70 years')"
            " <= :today) OR (r.birth_date IS NULL AND r.aged_70 = 1) THEN (SELECT points"
            " FROM mt_criteria WHERE code = 'age70' AND active = 1) ELSE 0 END"
            " + :week * CAST((julianday(:today) - julianday(r.received_on)) / 7 AS INTEGER))")


def _search_clauses(search: str, commune: str | None) -> tuple[list[str], dict]:
    """Narrow the queue to a patient a coordinator looks for: each word of `search` is
    part of the names, a birth date (12/04/1948) or the request's number; and a commune."""
    clauses, params = [], {}
    for i, word in enumerate(fold(search).split()):
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", word):
            day, month, year = word.split("/")
            word = f"{year}-{int(month):02d}-{int(day):02d}"
        literal = "".join("\\" + c if c in "\\%_" else c for c in word)
        params.update({f"w{i}": f"%{literal}%", f"n{i}": word})
        if word.isdigit():  # a request's number, or a year of birth
            clauses.append(f"(CAST(r.id AS TEXT) = :n{i} OR (length(:n{i}) = 4"
                           f" AND r.name_key LIKE :w{i}))")
        else:
            clauses.append(f"r.name_key LIKE :w{i} ESCAPE '\\'")
    if commune:
        clauses.append("r.commune_code = :commune")
        params["commune"] = commune
    return clauses, params


def _statuses(statuses) -> tuple[str, dict]:
    marks = ", ".join(f":s{i}" for i in range(len(statuses)))
    return f"r.status IN ({marks})", {f"s{i}": s for i, s in enumerate(statuses)}


def count_queue(store: Store, actor: Actor, statuses=OPEN, search: str = "",
                commune: str | None = None) -> int:
    _require(actor)
    clause, params = _statuses(statuses)
    clauses, found = _search_clauses(search, commune)
    return store.scalar(f"SELECT COUNT(*) FROM mt_requests r WHERE {clause}"
                        + "".join(f" AND {c}" for c in clauses), {**params, **found})


def queue(store: Store, actor: Actor, statuses=OPEN, limit: int = 50, offset: int = 0,
          today: date | None = None, search: str = "",
          commune: str | None = None) -> pd.DataFrame:
    """Open requests in priority order, one page, each with its rank and the reason for
    it ("ALD +30 · 70 ans ou plus +20 · attente 3 sem. +6 = 56"). A search keeps each
    patient's rank in the whole queue. The page shows names: the access log records who
    saw which requests listed."""
    _require(actor)
    today = today or date.today()
    week = points_per_week(store)
    clause, params = _statuses(statuses)
    clauses, found = _search_clauses(search, commune)
    # Without a search the page is the top of the queue: its ranks follow the offset,
    # and SQLite keeps only the first rows while sorting (twice as fast at 20,000).
    rank = ("ROW_NUMBER() OVER (ORDER BY score DESC, received_on, id)" if clauses
            else ":offset + ROW_NUMBER() OVER (ORDER BY score DESC, received_on, id)")
    page = "" if clauses else " ORDER BY score DESC, received_on, id LIMIT :limit OFFSET :offset"
    frame = store.frame(
        "WITH ranked AS (SELECT r.id, r.last_name, r.first_name, r.birth_date,"
        " r.received_on, r.status, r.household, r.can_travel, r.commune_code, r.name_key,"
        f" {_score_sql()} AS score,"
        " CAST((julianday(:today) - julianday(r.received_on)) / 7 AS INTEGER) AS weeks"
        f" FROM mt_requests r WHERE {clause}{page}), ordered AS (SELECT *, {rank} AS rank"
        " FROM ranked) SELECT r.*, c.name AS commune, (SELECT group_concat(x.code) FROM"
        " mt_request_criteria x WHERE x.request_id = r.id) AS codes FROM ordered r"
        " LEFT JOIN communes c ON c.code = r.commune_code"
        + "".join(f" {'WHERE' if i == 0 else 'AND'} {c}" for i, c in enumerate(clauses))
        + " ORDER BY r.rank" + (" LIMIT :limit OFFSET :offset" if clauses else ""),
        {"today": today.isoformat(), "week": week, "limit": limit, "offset": offset,
         **params, **found})
    if len(frame):
        store.log_access(actor, "mt_queue", ",".join(str(i) for i in frame["id"]))
    rules = {c["code"]: c for c in criteria(store)}
    frame["age"] = [relativedelta(today, date.fromisoformat(b)).years if b else None
                    for b in frame["birth_date"]]
    frame["reason"] = [_reason(row, rules, week, today) for row in frame.to_dict("records")]
    return frame


def _reason(row: dict, rules: dict, week: int, today: date) -> str:
    parts = [f"{rules[c]['label']} +{rules[c]['points']}"
             for c in (row["codes"] if isinstance(row["codes"], str) else "").split(",")
             if c in rules]
    if "age70" in rules and row["birth_date"] and aged_70(
            date.fromisoformat(row["birth_date"]), today):
        parts.insert(0, f"{rules['age70']['label']} +{rules['age70']['points']}")
    if row["weeks"] and week:
        parts.append(f"attente {row['weeks']} sem. +{row['weeks'] * week}")
    return (" · ".join(parts) or "aucun critère") + f" = {row['score']}"


# Requests still holding an identity though closed before the retention limit (?).
PAST_RETENTION = ("SELECT id FROM mt_requests WHERE anonymised_at IS NULL"
                  " AND closed_on IS NOT NULL AND closed_on < ?")


def retention_limit(store: Store, today: date | None = None) -> date:
    return (today or date.today()) - relativedelta(months=retention_months(store))


def past_retention(store: Store, today: date | None = None) -> int:
    """How many closed requests have kept their identity past the retention period: the
    administrator is told on the home page until the purge runs."""
    return len(store.query(PAST_RETENTION, (retention_limit(store, today).isoformat(),)))


def purge(store: Store, actor: Actor, today: date | None = None) -> int:
    """Wipe the identity of requests closed longer ago than the retention period; their
    dates, commune and criteria stay. Running it twice changes nothing more."""
    roles.require(actor, ADMIN)
    limit = retention_limit(store, today)
    with store.write(actor) as tx:
        ids = [r["id"] for r in tx.all(PAST_RETENTION, (limit.isoformat(),))]
        if ids:
            marks = ", ".join("?" for _ in ids)
            tx.execute(f"UPDATE mt_requests SET {', '.join(f'{c} = NULL' for c in IDENTITY)},"
                       f" anonymised_at = ? WHERE id IN ({marks})", (iso(now()), *ids))
            tx.redact("mt_request", ids)  # their audit rows held the identity too
        tx.audit("mt_request", None, "anonymise", after={"requests": ids,
                                                         "closed_before": limit.isoformat()})
    return len(ids)
