"""Socle 3, prevention: the events the CPTS runs (theme, national campaign, format, date,
place), the professionals who ran them and the partner structures, the people reached
(a count, optionally by age band and sex: never identities), a short evaluation (their
documents are in `documents`); a year's calendar with the national campaigns; the
figures the indicators read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from ..core import roles
from ..core.code_lists import CodeList
from ..core.db import Store
from ..core.errors import PortalError
from ..core.formats import blanks_as_none, date_fr
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now
from . import documents

EDITORS = roles.EDIT["missions"]
FORMATS = {"atelier": "Atelier", "stand": "Stand", "depistage": "Dépistage",
           "conference": "Conférence", "affichage": "Campagne d'affichage",
           "intervention_scolaire": "Intervention scolaire"}
AGE_BANDS = ("0-17", "18-39", "40-64", "65-74", "75+")
SEXES = {"f": "Femmes", "m": "Hommes"}
CAMPAIGNS = {"mars_bleu": "Mars bleu (cancer colorectal)",
             "semaine_vaccination": "Semaine européenne de la vaccination",
             "octobre_rose": "Octobre rose (cancer du sein)",
             "mois_sans_tabac": "Mois sans tabac"}


def campaign_dates(year: int) -> dict[str, tuple[date, date]]:
    """The national campaigns of a year: Mars bleu in March, Octobre rose in October, the
    Mois sans tabac in November, the European vaccination week the last full week of
    April (Monday to Sunday)."""
    april_end = date(year, 4, 30)
    last_sunday = april_end - timedelta(days=(april_end.weekday() + 1) % 7)
    return {"mars_bleu": (date(year, 3, 1), date(year, 3, 31)),
            "semaine_vaccination": (last_sunday - timedelta(days=6), last_sunday),
            "octobre_rose": (date(year, 10, 1), date(year, 10, 31)),
            "mois_sans_tabac": (date(year, 11, 1), date(year, 11, 30))}


# Themes are the CPTS's own list (vaccination, canicule...).
THEMES = CodeList("prevention_themes", "prevention_theme", "thème", EDITORS,
                  "prevention_events.theme_code")


def _clean(tx: Transaction, values: dict, today: date) -> dict:
    title = (values.get("title") or "").strip()
    if not title:
        raise PortalError("Indiquez l'intitulé.", field="title")
    if not tx.one("SELECT 1 AS x FROM prevention_themes WHERE code = ?",
                  (values.get("theme_code"),)):
        raise PortalError("Choisissez le thème.", field="theme_code")
    if values.get("format") not in FORMATS:
        raise PortalError("Choisissez le format.", field="format")
    if values.get("campaign") and values["campaign"] not in CAMPAIGNS:
        raise PortalError("Campagne nationale inconnue.", field="campaign")
    held_on = values.get("held_on")
    if held_on is None:
        raise PortalError("Indiquez la date.", field="held_on")
    duration = values.get("duration_minutes")
    if duration is not None and duration <= 0:
        raise PortalError("Une durée positive, ou rien.", field="duration_minutes")
    reached = values.get("reached")
    if reached is not None:
        if reached < 0:
            raise PortalError("Un nombre de personnes positif ou nul.", field="reached")
        if held_on > today:
            raise PortalError("Cet événement n'a pas encore eu lieu : les personnes "
                              "touchées se comptent après.", field="reached")
    return {"title": title[:200], "theme_code": values["theme_code"],
            "campaign": values.get("campaign") or None, "format": values["format"],
            "action_id": values.get("action_id") or None, "held_on": held_on.isoformat(),
            "duration_minutes": duration, "commune_code": values.get("commune_code") or None,
            "place": (values.get("place") or "").strip()[:200], "reached": reached,
            "evaluation": (values.get("evaluation") or "").strip()[:4000],
            "visible": int(bool(values.get("visible", True)))}


def _check_reach(reach: dict[tuple[str, str], int], reached: int | None) -> list:
    rows = [(band, sex, int(count)) for (band, sex), count in reach.items() if count]
    if any(count < 0 for _, _, count in rows):
        raise PortalError("Des nombres positifs ou nuls.", field="reach")
    if any(band not in AGE_BANDS or sex not in SEXES for band, sex, _ in rows):
        raise PortalError("Tranche d'âge ou sexe inconnu.", field="reach")
    if rows and sum(c for _, _, c in rows) != (reached or 0):
        raise PortalError(f"Le détail compte {sum(c for _, _, c in rows)} personne(s), le "
                          f"total {reached or 0} : ils doivent être égaux.", field="reach")
    return rows


def save_event(store: Store, actor: Actor, values: dict, event_id: int | None = None,
               people=(), partners=(), reach: dict | None = None,
               today: date | None = None) -> tuple[int, list[str]]:
    """Create or update an event, its professionals, its partners and the detail of the
    people reached (by age band and sex), all or nothing."""
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        clean = _clean(tx, values, today or date.today())
        rows = _check_reach(reach or {}, clean["reached"])
        stamp = iso(now())
        if event_id is None:
            event_id = tx.insert("prevention_events", {**clean, "created_at": stamp,
                                                       "updated_at": stamp},
                                 entity="prevention_event")
        elif tx.update("prevention_events", event_id, clean, entity="prevention_event"):
            tx.execute("UPDATE prevention_events SET updated_at = ? WHERE id = ?",
                       (stamp, event_id))
        tx.set_links("prevention_event_people", "event_id", event_id, "person_id",
                     [int(p) for p in people], "prevention_event")
        tx.set_links("prevention_event_partners", "event_id", event_id, "organization_id",
                     [int(o) for o in partners], "prevention_event")
        before = tx.all("SELECT age_band, sex, count FROM prevention_reach WHERE event_id = ?"
                        " ORDER BY age_band, sex", (event_id,))
        after = [{"age_band": b, "sex": s, "count": c} for b, s, c in sorted(rows)]
        if before != after:
            tx.execute("DELETE FROM prevention_reach WHERE event_id = ?", (event_id,))
            tx.executemany("INSERT INTO prevention_reach VALUES (?, ?, ?, ?)",
                           [(event_id, b, s, c) for b, s, c in rows])
            tx.audit("prevention_event", event_id, "reach", before={"reach": before},
                     after={"reach": after})
        return event_id, []


def delete_event(store: Store, actor: Actor, event_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        for table in ("prevention_reach", "prevention_event_people",
                      "prevention_event_partners"):
            tx.execute(f"DELETE FROM {table} WHERE event_id = ?", (event_id,))
        documents.remove_all(tx, "prevention_event", event_id)
        tx.delete("prevention_events", event_id, "prevention_event",
                  "Cet événement a déjà été supprimé.")


EVENT = ("SELECT e.*, t.label AS theme, c.name AS commune, a.number AS action_number,"
         " a.title AS action_title,"
         " (SELECT COUNT(*) FROM prevention_event_people x WHERE x.event_id = e.id)"
         " AS professionals FROM prevention_events e"
         " JOIN prevention_themes t ON t.code = e.theme_code"
         " LEFT JOIN communes c ON c.code = e.commune_code"
         " LEFT JOIN actions a ON a.id = e.action_id")


def get_event(store: Store, event_id: int, members_view: bool = False) -> dict | None:
    event = store.query_one(EVENT + " WHERE e.id = ?" + (" AND e.visible = 1"
                                                          if members_view else ""),
                            (event_id,))
    if event is None:
        return None
    people = store.query(
        "SELECT x.person_id, TRIM(p.first_name || ' ' || p.last_name) AS name,"
        " pr.label AS profession FROM prevention_event_people x"
        " JOIN people p ON p.id = x.person_id"
        " LEFT JOIN professions pr ON pr.code = p.profession_code WHERE x.event_id = ?"
        " ORDER BY p.last_name COLLATE NOCASE", (event_id,))
    event["people"] = [r["person_id"] for r in people]
    event["people_names"] = [r["name"] + (f" ({r['profession']})" if r["profession"] else "")
                             for r in people]
    event["partners"] = [r["organization_id"] for r in store.query(
        "SELECT organization_id FROM prevention_event_partners WHERE event_id = ?",
        (event_id,))]
    event["reach"] = {(r["age_band"], r["sex"]): r["count"] for r in store.query(
        "SELECT * FROM prevention_reach WHERE event_id = ?", (event_id,))}
    return event


@dataclass(frozen=True)
class Filters:
    year: int
    theme: str | None = None
    members_view: bool = False      # a member reads only what is visible to members


def _where(filters: Filters, alias: str = "e") -> tuple[str, list]:
    clauses = [f"{alias}.held_on BETWEEN ? AND ?"]
    params: list = [f"{filters.year}-01-01", f"{filters.year}-12-31"]
    if filters.theme:
        clauses.append(f"{alias}.theme_code = ?")
        params.append(filters.theme)
    if filters.members_view:
        clauses.append(f"{alias}.visible = 1")
    return " WHERE " + " AND ".join(clauses), params


def events(store: Store, filters: Filters, limit: int = -1, offset: int = 0) -> pd.DataFrame:
    """A page of the year's events, by date."""
    where, params = _where(filters)
    return store.frame(EVENT + where + " ORDER BY e.held_on, e.id LIMIT ? OFFSET ?",
                       (*params, limit, offset))


def count_events(store: Store, filters: Filters) -> int:
    where, params = _where(filters)
    return store.scalar(f"SELECT COUNT(*) FROM prevention_events e{where}", params)


def _figures(filters: Filters, day: str, group: str | None) -> tuple[str, list]:
    """Events held and planned, people reached, communes covered, and professionals
    mobilised (each once, read apart: a join would count an event once per runner);
    per theme when `group`."""
    where, params = _where(filters)
    inner, inner_params = _where(filters, "f")
    same = " AND f.theme_code = t.code" if group else ""
    sql = (f"SELECT {'t.label AS theme, ' if group else ''}"
           "COALESCE(SUM(e.held_on <= ?), 0) AS held,"
           " COALESCE(SUM(e.held_on > ?), 0) AS planned,"
           " COALESCE(SUM(e.reached), 0) AS reached,"
           " COUNT(DISTINCT e.commune_code) AS communes,"
           " (SELECT COUNT(DISTINCT x.person_id) FROM prevention_event_people x"
           f" JOIN prevention_events f ON f.id = x.event_id{inner} AND f.held_on <= ?{same})"
           " AS professionals FROM prevention_events e"
           " JOIN prevention_themes t ON t.code = e.theme_code"
           f"{where}{' GROUP BY t.code ORDER BY t.position' if group else ''}")
    return sql, [day, day, *inner_params, day, *params]


def summary(store: Store, filters: Filters, today: date | None = None) -> dict:
    """The year's figures: events held and planned, people reached, professionals
    mobilised and communes covered (each once)."""
    return store.query_one(*_figures(filters, (today or date.today()).isoformat(), None))


def by_theme(store: Store, filters: Filters, today: date | None = None) -> pd.DataFrame:
    """The same figures per theme."""
    return store.frame(*_figures(filters, (today or date.today()).isoformat(), "theme"))


def calendar_of(store: Store, filters: Filters, today: date | None = None) -> pd.DataFrame:
    """Per month of the year: events held, events planned, and the national campaigns."""
    where, params = _where(filters)
    day = (today or date.today()).isoformat()
    counts = {r["month"]: r for r in store.query(
        "SELECT CAST(strftime('%m', e.held_on) AS INTEGER) AS month,"
        " SUM(e.held_on <= ?) AS held, SUM(e.held_on > ?) AS planned"
        f" FROM prevention_events e{where} GROUP BY month", (day, day, *params))}
    campaigns = campaign_dates(filters.year)
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]
    return pd.DataFrame({
        "month": [f"{months[m - 1].capitalize()} {filters.year}" for m in range(1, 13)],
        "held": [counts.get(m, {}).get("held") or 0 for m in range(1, 13)],
        "planned": [counts.get(m, {}).get("planned") or 0 for m in range(1, 13)],
        "campaigns": [", ".join(CAMPAIGNS[c] for c, (first, _) in campaigns.items()
                                if first.month == m) for m in range(1, 13)]})


# Indicator sources ----------------------------------------------------------------------

def _held(indicator: dict) -> tuple[str, list]:
    """Events held in [start, end), those of the indicator's fiche action if it has one."""
    clause = " AND e.action_id = ?" if indicator.get("action_id") else ""
    return clause, [indicator["action_id"]] if clause else []


def events_held(store: Store, indicator: dict, start: date, end: date) -> float:
    clause, params = _held(indicator)
    return store.scalar("SELECT COUNT(*) FROM prevention_events e WHERE e.held_on >= ?"
                        f" AND e.held_on < ? AND e.held_on <= date('now'){clause}",
                        (start.isoformat(), end.isoformat(), *params))


def people_reached(store: Store, indicator: dict, start: date, end: date) -> float:
    clause, params = _held(indicator)
    return store.scalar("SELECT COALESCE(SUM(e.reached), 0) FROM prevention_events e"
                        f" WHERE e.held_on >= ? AND e.held_on < ?{clause}",
                        (start.isoformat(), end.isoformat(), *params))


def professionals_mobilised(store: Store, indicator: dict, start: date, end: date) -> float:
    clause, params = _held(indicator)
    return store.scalar("SELECT COUNT(DISTINCT x.person_id) FROM prevention_events e"
                        " JOIN prevention_event_people x ON x.event_id = e.id"
                        " WHERE e.held_on >= ? AND e.held_on < ? AND e.held_on <= date('now')"
                        f"{clause}", (start.isoformat(), end.isoformat(), *params))


def communes_covered(store: Store, indicator: dict, start: date, end: date) -> float:
    clause, params = _held(indicator)
    return store.scalar("SELECT COUNT(DISTINCT e.commune_code) FROM prevention_events e"
                        " WHERE e.held_on >= ? AND e.held_on < ? AND e.held_on <= date('now')"
                        f"{clause}", (start.isoformat(), end.isoformat(), *params))


EXPORT_LIMIT = 50_000


def export_frame(store: Store, filters: Filters) -> pd.DataFrame:
    """The year's events as a spreadsheet reads them."""
    return readable(events(store, filters, EXPORT_LIMIT))


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Events with French headers and labels."""
    return blanks_as_none(pd.DataFrame({
        "Date": frame["held_on"].map(date_fr), "Intitulé": frame["title"],
        "Thème": frame["theme"], "Campagne": frame["campaign"].map(
            lambda c: CAMPAIGNS.get(c) if isinstance(c, str) else None),
        "Format": frame["format"].map(FORMATS), "Commune": frame["commune"],
        "Lieu": frame["place"], "Professionnels": frame["professionals"],
        "Personnes touchées": frame["reached"], "Évaluation": frame["evaluation"]}))
