"""ACI indicators: configured per contract (each contract negotiates its own), valued per
period, either typed with a comment or computed from the portal's own data by a
source. SOURCES lists them all: the actions and meetings' own, and the figures of access
to care and of the questionnaires, each computed by its domain's module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta

from ..care import doctor_figures, snp_figures
from ..core import roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import Actor
from ..core.transactions import Transaction, iso, now
from ..meetings import schedule
from ..questionnaires import figures
from . import crisis_plan, pathways, prevention, support

EDITORS = roles.EDIT["missions"]
KINDS = {"moyens": "Moyens", "resultat": "Résultat", "diagnostic": "Diagnostic"}
PERIODS = {"month": "Mois", "quarter": "Trimestre", "year": "Année"}
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
DIRECTIONS = {"higher": "Plus c'est haut, mieux c'est", "lower": "Plus c'est bas, mieux c'est"}
# How the period values make the year's value, and what the target is compared with.
AGGREGATIONS = {"sum": "Somme des périodes (un nombre : patients, actions…)",
                "last": "Dernière valeur (un état ou un stock : oui/non, effectif…)",
                "mean": "Moyenne des périodes (un taux, un délai…)"}
FIELDS = ("name", "mission_code", "action_id", "kind", "unit", "period", "target",
          "direction", "aggregation", "source", "notes")


@dataclass(frozen=True)
class Source:
    """A computation of an indicator's value for one period [start, end)."""
    label: str
    description: str
    compute: Callable[[Store, dict, date, date], float]    # (store, indicator, start, end)
    # A count of things as they are now has no past: only the current period gets it.
    snapshot: bool = False


def _actions_with_status(status: str) -> Callable[[Store, dict, date, date], float]:
    def compute(store: Store, indicator: dict, start: date, end: date) -> float:
        return store.scalar("SELECT COUNT(*) FROM actions WHERE status = ?", (status,))
    return compute


def _fiches_updated(store: Store, indicator: dict, start: date, end: date) -> float:
    return store.scalar(
        "SELECT COUNT(DISTINCT entity_id) FROM audit_log WHERE entity = 'action'"
        " AND at >= ? AND at < ?", (start.isoformat(), end.isoformat()))


SOURCES: dict[str, Source] = {
    "actions_en_cours": Source("Actions en cours", "Nombre de fiches action au statut "
                               "« en cours » (à la date du calcul).",
                               _actions_with_status("en_cours"), snapshot=True),
    "actions_realisees": Source("Actions réalisées", "Nombre de fiches action au statut "
                                "« réalisée » (à la date du calcul).",
                                _actions_with_status("realisee"), snapshot=True),
    "fiches_mises_a_jour": Source("Fiches action mises à jour", "Nombre de fiches action "
                                  "créées ou modifiées pendant la période.", _fiches_updated),
    "temps_reunions": Source(
        "Temps de réunion de la mission", "Heures-participant des réunions de la mission "
        "pendant la période : personnes présentes × durée, une réunion sur plusieurs "
        "missions partagée entre elles.",
        lambda store, indicator, start, end: schedule.mission_person_hours(
            store, indicator["mission_code"], start, end)),
    "reponses_questionnaires": Source(
        "Réponses aux questionnaires", "Questionnaires reçus pendant la période, toutes "
        "campagnes confondues.", figures.responses_received),
    "part_oui_mission": Source(
        "Part de « Oui » à la mission (questionnaires)", "Parmi les questionnaires reçus "
        "pendant la période qui répondent sur la mission de l'indicateur, part (%) de ceux "
        "qui y disent Oui au moins une fois.", figures.mission_oui_share),
    "mt_demandes": Source("Demandes de médecin traitant reçues", "Demandes de patients sans "
                          "médecin traitant reçues pendant la période.", doctor_figures.received),
    "mt_demandes_fragiles": Source(
        "Demandes de médecin traitant de patients fragiles", "Demandes reçues pendant la "
        "période de patients en ALD, de 70 ans ou plus ou en précarité (CSS, AME).",
        doctor_figures.fragile_received),
    "mt_fragiles_trouves": Source(
        "Patients fragiles ayant trouvé un médecin traitant", "Demandes acceptées pendant la "
        "période de patients en ALD, de 70 ans ou plus ou en précarité (CSS, AME).",
        doctor_figures.fragile_found),
    "mt_attente_mediane": Source(
        "Délai médian pour trouver un médecin traitant (jours)", "Jours entre la demande et "
        "l'acceptation, médiane des demandes acceptées pendant la période.",
        doctor_figures.median_wait),
    "snp_demandes": Source("Demandes de soins non programmés", "Demandes de soins non "
                           "programmés reçues pendant la période.",
                           snp_figures.requests_received),
    "snp_24h": Source("Part des soins non programmés vus sous 24 h (%)", "Demandes de la "
                      "période dont le rendez-vous a lieu moins de 24 heures après la "
                      "demande (heure réelle, changement d'heure compris), sur toutes les "
                      "demandes reçues.", snp_figures.share_within_24h),
    "parcours_actifs": Source("Parcours en cours", "Nombre de parcours au statut « en cours » "
                              "(à la date du calcul).", pathways.active, snapshot=True),
    "parcours_adherents": Source(
        "Professionnels adhérents à un protocole", "Professionnels différents ayant adhéré, "
        "avant la fin de la période, à un protocole qui court encore à cette date.",
        pathways.adherents),
    "parcours_inclusions": Source("Patients inclus dans les parcours", "Patients inclus "
                                  "pendant la période, tous parcours confondus.",
                                  pathways.patients_included),
    "parcours_cas_revus": Source("Cas revus en réunion de concertation", "Cas revus lors "
                                 "des réunions des parcours pendant la période.",
                                 pathways.cases_reviewed),
    "parcours_heures": Source("Heures de coordination des parcours", "Heures-participant "
                              "(présents × durée) des réunions des parcours pendant la "
                              "période.", pathways.coordination_hours),
    "installations_accompagnees": Source(
        "Installations accompagnées", "Nouveaux installés pour qui la CPTS a fait une "
        "démarche pendant la période.", support.installations_supported),
    "installations_realisees": Source(
        "Installations réalisées", "Nouveaux installés installés pendant la période.",
        support.installations_completed),
    "stages_accueillis": Source("Stages accueillis", "Stages en cours pendant la période, "
                                "ne serait-ce qu'un jour.", support.placements_hosted),
    "places_stage": Source("Places de stage offertes", "Places déclarées par les maîtres "
                           "de stage pour l'année de la période.", support.places_offered),
    "prevention_evenements": Source(
        "Actions de prévention réalisées", "Événements de prévention tenus pendant la période "
        "(ceux de la fiche action de l'indicateur, s'il en a une).", prevention.events_held),
    "prevention_personnes": Source(
        "Personnes touchées par la prévention", "Personnes touchées par les événements de "
        "prévention de la période (de la fiche action de l'indicateur, s'il en a une).",
        prevention.people_reached),
    "prevention_professionnels": Source(
        "Professionnels mobilisés pour la prévention", "Professionnels différents ayant "
        "animé un événement de prévention pendant la période.",
        prevention.professionals_mobilised),
    "prevention_communes": Source(
        "Communes touchées par la prévention", "Communes différentes où un événement de "
        "prévention s'est tenu pendant la période.", prevention.communes_covered),
    "plan_sse_transmis": Source(
        "Plan SSE transmis à l'ARS", "Versions du plan de préparation aux situations "
        "sanitaires exceptionnelles envoyées à l'ARS pendant la période.",
        crisis_plan.versions_sent),
    "formations_crise": Source("Formations à la gestion de crise", "Formations du plan SSE "
                               "tenues pendant la période.", crisis_plan.trainings_held),
    "sas_honores": Source("Demandes du SAS au rendez-vous honoré", "Demandes venues du SAS "
                          "pendant la période dont le rendez-vous a été honoré.",
                          snp_figures.sas_honoured),
}


def period_start(day: date, period: str) -> date:
    """The first day of the month, quarter or year that contains `day`."""
    if period == "year":
        return date(day.year, 1, 1)
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def periods_of_year(year: int, period: str) -> list[date]:
    step = MONTHS_IN[period]
    return [date(year, 1, 1) + relativedelta(months=i) for i in range(0, 12, step)]


def period_label(start: date, period: str) -> str:
    if period == "year":
        return str(start.year)
    if period == "quarter":
        return f"T{(start.month - 1) // 3 + 1} {start.year}"
    return start.strftime("%m/%Y")


def write_indicator(tx: Transaction, values: dict, indicator_id: int | None = None) -> int:
    """Create or update an indicator inside a caller's transaction."""
    clean = {k: values.get(k) for k in FIELDS}
    clean["name"] = (clean["name"] or "").strip()
    snapshot = clean["source"] in SOURCES and SOURCES[clean["source"]].snapshot
    clean["aggregation"] = clean["aggregation"] or ("last" if snapshot else "sum")
    if not clean["name"]:
        raise PortalError("Indiquez le nom de l'indicateur.", field="name")
    for key, options, message in (("kind", KINDS, "Choisissez le type."),
                                  ("period", PERIODS, "Choisissez la périodicité."),
                                  ("direction", DIRECTIONS, "Choisissez le sens."),
                                  ("aggregation", AGGREGATIONS, "Choisissez le calcul annuel.")):
        if clean[key] not in options:
            raise PortalError(message, field=key)
    clean["source"] = clean["source"] or "manual"
    if clean["source"] != "manual" and clean["source"] not in SOURCES:
        raise PortalError("Source de calcul inconnue.", field="source")
    if snapshot and clean["aggregation"] != "last":
        raise PortalError("Cette source donne un état à la date du calcul : choisissez "
                          "« Dernière valeur ».", field="aggregation")
    if clean["target"] not in (None, ""):
        try:
            clean["target"] = float(str(clean["target"]).replace(",", "."))
        except ValueError:
            raise PortalError("L'objectif est un nombre.", field="target") from None
    else:
        clean["target"] = None
    clean["unit"] = (clean["unit"] or "").strip()
    clean["notes"] = (clean["notes"] or "").strip()
    if not tx.one("SELECT 1 AS x FROM missions WHERE code = ?", (clean["mission_code"],)):
        raise PortalError("Choisissez la mission.", field="mission_code")
    stamp = iso(now())
    if indicator_id is None:
        return tx.insert("indicators", {**clean, "created_at": stamp,
                                        "updated_at": stamp}, entity="indicator")
    if tx.update("indicators", indicator_id, clean, entity="indicator"):
        tx.execute("UPDATE indicators SET updated_at = ? WHERE id = ?", (stamp, indicator_id))
    return indicator_id


def save_indicator(store: Store, actor: Actor, values: dict,
                   indicator_id: int | None = None) -> tuple[int, list[str]]:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        return write_indicator(tx, values, indicator_id), []


def record_value(store: Store, actor: Actor, indicator_id: int, day: date, value,
                 comment: str = "") -> None:
    """Type a value for the period containing `day` (replacing the previous one)."""
    roles.require(actor, *EDITORS)
    indicator = get_indicator(store, indicator_id)
    if indicator is None:
        raise PortalError("Indicateur introuvable.")
    if indicator["source"] != "manual":
        raise PortalError("Cet indicateur est calculé par le portail : pas de saisie.")
    try:
        value = float(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise PortalError("La valeur est un nombre (ex. : 12 ou 12,5).", field="value") from None
    start = period_start(day, indicator["period"]).isoformat()
    with store.write(actor) as tx:
        before = tx.one("SELECT value, comment FROM indicator_values"
                        " WHERE indicator_id = ? AND period_start = ?", (indicator_id, start))
        tx.execute(
            "INSERT INTO indicator_values (indicator_id, period_start, value, comment,"
            " entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (indicator_id, period_start) DO UPDATE SET value = excluded.value,"
            " comment = excluded.comment, entered_by = excluded.entered_by,"
            " entered_at = excluded.entered_at",
            (indicator_id, start, value, comment.strip(), actor.username, iso(now())))
        tx.audit("indicator", indicator_id, "value", before=before,
                 after={"period": start, "value": value, "comment": comment.strip()})


def get_indicator(store: Store, indicator_id: int) -> dict | None:
    return store.query_one(
        "SELECT i.*, m.title AS mission FROM indicators i JOIN missions m"
        " ON m.code = i.mission_code WHERE i.id = ?", (indicator_id,))


def list_indicators(store: Store, mission: str | None = None) -> pd.DataFrame:
    where, params = (" WHERE i.mission_code = ?", (mission,)) if mission else ("", ())
    return store.frame(
        "SELECT i.id, i.name, m.title AS mission, i.kind, i.unit, i.period, i.target,"
        f" i.source FROM indicators i JOIN missions m ON m.code = i.mission_code{where}"
        " ORDER BY m.position, i.name", params)


def values_for_year(store: Store, indicator: dict, year: int,
                    today: date | None = None) -> pd.DataFrame:
    """One row per period of the year: value (typed or computed), comment, the year's
    value so far (`to_date`, by the indicator's aggregation) and what the target expects
    by the end of the period (`expected`: prorated for a sum, the target otherwise)."""
    today = today or date.today()
    starts = periods_of_year(year, indicator["period"])
    typed = {r["period_start"]: r for r in store.query(
        "SELECT period_start, value, comment FROM indicator_values WHERE indicator_id = ?"
        " AND period_start >= ? AND period_start < ?",
        (indicator["id"], f"{year}-01-01", f"{year + 1}-01-01"))}
    source = SOURCES.get(indicator["source"])
    rows = []
    for index, start in enumerate(starts):
        end = start + relativedelta(months=MONTHS_IN[indicator["period"]])
        if source is not None:
            due = start <= today < end if source.snapshot else start <= today
            value = source.compute(store, indicator, start, end) if due else None
            comment = ""
        else:
            row = typed.get(start.isoformat())
            value, comment = (row["value"], row["comment"]) if row else (None, "")
        rows.append({"period": period_label(start, indicator["period"]),
                     "start": start, "value": value, "comment": comment,
                     "expected": expected(indicator, index + 1, len(starts))})
    frame = pd.DataFrame(rows)
    values = frame["value"].astype(float)
    running = {"sum": values.cumsum(), "last": values,
               "mean": values.expanding().mean()}[indicator["aggregation"]]
    frame["to_date"] = running.where(values.notna()).round(2)
    return frame


def expected(indicator: dict, periods_counted: int, periods_in_year: int) -> float | None:
    """What the yearly target asks after `periods_counted` periods: a share of it for a
    sum, all of it for a latest value or a mean (a rate is due at every period)."""
    target = indicator["target"]
    if target is None:
        return None
    if indicator["aggregation"] == "sum":
        return target * periods_counted / periods_in_year
    return target
