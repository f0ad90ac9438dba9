"""The audit log as a person reads it: each change in French ("Téléphone : 02 38 47 55 17
→ 02 38 47 55 18"), with the element's name and a link to its page, never raw JSON.

The rows stay as db wrote them (exact values, for an audit); this module only reads
them. It knows every domain's labels, so it sits above the domains and only pages and
the CLI import it.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from ..association import funding, indemnities, memberships
from ..care import doctor_requests
from ..care import unscheduled_care as snp
from ..core.audit import ACTIONS, ENTITIES
from ..core.db import Store
from ..core.formats import blank, date_fr, datetime_fr, euros, number_fr
from ..core.roles import ROLES
from ..core.validation import phone_display
from ..directory import organizations, persons
from ..meetings import attendance, bodies, minutes, schedule
from ..missions import actions, crisis_plan, indicators, pathways, prevention, support
from ..questionnaires import campaigns, responses

# Columns a change never shows: bookkeeping, derived keys, technical identifiers.
HIDDEN = {"id", "created_at", "updated_at", "name_key", "demo", "manual_fields", "uid",
          "sequence", "password_hash", "tokens_valid_after_epoch", "entered_at", "entered_by",
          "source_date", "last_login_at", "delay_minutes", "campaign_id", "meeting_id",
          "sha256", "uploaded_at", "uploaded_by"}
LABELS = {
    "amount_cents": "Montant", "cancelled_at": "Annulé le", "cancelled_by": "Annulé par",
    "college_code": "Collège", "due_cents": "Montant dû", "fee_cents": "Cotisation",
    "membership_id": "Adhésion", "method": "Moyen de paiement", "organization_id": "Structure",
    "paid_on": "Payé le", "per_professional_cents": "Par professionnel",
    "receipt_number": "N° de reçu", "recorded_at": "Enregistré le",
    "recorded_by": "Enregistré par", "reference": "Référence",
    "to_regularise": "À régulariser", "year": "Année",
    "closed_by": "Clos par", "first_day": "Du", "last_day": "Au", "lines": "Lignes",
    "prepared_at": "Préparé le", "prepared_by": "Préparé par", "quantity": "Quantité",
    "rate_cents": "Taux", "statement_id": "Relevé",
    "validated_at": "Validé le", "validated_by": "Validé par", "worked_on": "Date",
    "withdrawn_at": "Retiré le", "withdrawn_by": "Retiré par",
    "created_by": "Saisi par", "first_names": "Prénoms", "nationality": "Nationalité",
    "home_address": "Adresse personnelle", "start_declared_on": "Entrée déclarée le",
    "end_declared_on": "Sortie déclarée le", "expected_cents": "Montant attendu",
    "part": "Part", "spent_on": "Date de la dépense", "theme_code": "Thème",
    "campaign": "Campagne nationale", "format": "Format", "held_on": "Date",
    "duration_minutes": "Durée (minutes)", "reached": "Personnes touchées",
    "evaluation": "Évaluation", "reach": "Détail des personnes touchées",
    "ended_on": "Fin", "ars_declared_on": "Déclaré à l'ARS le",
    "inclusion": "Critères d'inclusion", "exclusion": "Exclusions", "steps": "Étapes",
    "follow_up": "Suivi et traçabilité", "cases_reviewed": "Cas revus", "side": "Rôle",
    "adhered_on": "Adhésion le", "pathway_id": "Parcours", "pathway_theme": "Thème",
    "description": "Description", "count": "Nombre",
    "expected_on": "Installation prévue le", "settled_on": "Installé(e) le",
    "newcomer_id": "Nouvel installé", "level": "Niveau",
    "supervisor_id": "Maître de stage", "school": "École", "student_name": "Étudiant",
    "consent": "Accord de l'étudiant",
    "abstentions": "Abstentions", "accepted_on": "Acceptée le",
    "accepts_from": "Nouveaux patients à partir du", "accepts_patients": "Nouveaux patients",
    "access_before": "Consultations antérieures au", "access_log": "Consultations effacées",
    "accounts": "Comptes", "action_id": "Action", "active": "Actif", "address": "Adresse",
    "adeli": "ADELI", "age_band": "Tranche d'âge", "aged_70": "70 ans ou plus",
    "agenda": "Ordre du jour", "aggregation": "Calcul annuel", "anonymised_at": "Anonymisée le",
    "answers": "Réponses", "appointment_at": "Rendez-vous", "archived": "Archivée",
    "birth_date": "Date de naissance", "body": "Instance", "can_travel": "Peut se déplacer",
    "cancelled": "Annulée", "capacity": "Places", "channel": "Canal", "civility": "Civilité",
    "closed": "Close", "closed_before": "Closes avant le", "closed_on": "Close le", "code": "Code",
    "comment": "Commentaire", "commune_code": "Commune", "communes": "Communes",
    "complete": "Complète", "denominator": "Dénominateur", "direction": "Sens",
    "doctor_id": "Médecin", "done_on": "Faite le", "due_on": "Échéance", "email": "E-mail",
    "end_on": "Fin", "ends": "Fin", "ends_at": "Fin", "ends_on": "Fin du mandat",
    "filename": "Fichier", "finess": "FINESS", "first_name": "Prénom", "from_date": "À partir du",
    "from_meeting": "Suite de la réunion", "guest_email": "E-mail de l'invité",
    "guest_name": "Invité", "household": "Foyer", "indicator_id": "Indicateur",
    "kept_aside": "Base précédente gardée dans", "kind": "Type", "label": "Libellé",
    "last_name": "Nom", "linked_id": "Action liée", "locked_until": "Verrouillé jusqu'au",
    "login_attempts": "Tentatives de connexion effacées",
    "login_before": "Tentatives antérieures au", "majority": "Majorité", "mandates": "Mandats",
    "max_proxies": "Pouvoirs au plus", "meetings": "Réunions", "member": "Membre CPTS",
    "merged": "Fiche fusionnée", "mime": "Type", "minutes": "Compte rendu",
    "minutes_restricted": "Compte rendu réservé", "mission_code": "Missions",
    "motive_code": "Motif", "mssante": "MSSanté", "must_change_password": "Mot de passe à changer",
    "name": "Nom", "notes": "Notes", "number": "Numéro", "numerator": "Numérateur", "on_day": "Le",
    "options": "Choix", "organiser_id": "Organisateur", "organizations": "Structures",
    "other_partners": "Autres partenaires", "outcome": "Issue", "owner_id": "Responsable",
    "partner": "Partenaires", "people": "Personnes", "period": "Période", "period_start": "Période",
    "person_id": "Personne", "phone": "Téléphone", "place": "Lieu", "points": "Points",
    "position": "Rang", "practice_mode": "Mode d'exercice", "profession_code": "Profession",
    "progress": "Avancement (%)", "proposed_on": "Proposée le", "proxies_count": "Pouvoirs comptés",
    "proxy_id": "Pouvoir donné à", "reason": "Motif", "received_at": "Reçue le",
    "received_on": "Reçue le", "referents_text": "Référents (texte)",
    "remaining": "Places restantes", "requests": "Demandes",
    "retention_months": "Conservation (mois)", "return_address": "Adresse de retour",
    "return_by": "Retour attendu le", "role": "Fonction", "roles": "Rôles", "rows": "Lignes",
    "rpps": "RPPS", "sas_status": "Statut SAS", "sector": "Secteur", "siret": "SIRET",
    "size": "Taille", "slot_day": "Jour du créneau", "slot_id": "Créneau",
    "snp": "Soins non programmés", "source": "Source", "specialty_code": "Spécialité",
    "start_on": "Début", "starts": "Début", "starts_at": "Début", "starts_on": "Début du mandat",
    "status": "Statut", "strict": "Strictement plus de", "tag": "Activité", "tags": "Activités",
    "target": "Objectif", "territory": "Territoire", "text": "Texte", "title": "Intitulé",
    "unit": "Unité", "username": "Identifiant", "valid_from": "Valable à partir du",
    "valid_until": "Valable jusqu'au", "value": "Valeur", "values": "Valeurs",
    "video_link": "Lien de visioconférence", "visible": "Visible des membres",
    "votes_against": "Contre", "votes_for": "Pour", "website": "Site internet",
    "week": "Points par semaine d'attente", "weekday": "Jour",
}
# Labels a domain gives its own fields, read before LABELS.
FIELD_LABELS = {"action": actions.SECTIONS,
                "indemnity_rate": {"starts_on": "Début", "ends_on": "Fin"},
                "pathway": {"started_on": "Début"}, "protocol": {"started_on": "Début"},
                "crisis_plan": {**crisis_plan.SECTIONS, **crisis_plan.FICHE_FIELDS,
                                "crisis_type": "Type de crise", "from": "À partir de la version",
                                "based_on": "Version d'origine", "validated_on": "Validée le",
                                "sent_ars_on": "Envoyée à l'ARS le",
                                "sent_cpam_on": "Envoyée à la CPAM le",
                                "discussed_ars_on": "Échangée avec l'ARS le",
                                "next_review_on": "Prochaine révision"},
                "crisis_contact": {"alert_rank": "Rang d'alerte", "called_by": "Appelé par",
                                   "function": "Fonction", "plan_id": "Version du plan"},
                "crisis_resource": {"details": "Précisions", "plan_id": "Version du plan"},
                "crisis_training": {"lessons": "Enseignements", "participants": "Participants",
                                    "plan_id": "Version du plan"}}
FLAGS = {"active", "aged_70", "archived", "can_travel", "cancelled", "closed", "complete",
         "member", "minutes_restricted", "must_change_password", "snp", "strict", "to_regularise",
         "visible"}
# Codes read as their labels, per entity (None: any entity).
CODES = {
    (None, "accepts_patients"): persons.ACCEPTS,
    (None, "practice_mode"): persons.PRACTICE_MODES,
    (None, "sector"): organizations.SECTORS,
    (None, "age_band"): {b: b for b in snp.AGE_BANDS},
    (None, "outcome"): snp.OUTCOMES,
    (None, "sas_status"): snp.SAS_STATUSES,
    (None, "majority"): minutes.MAJORITIES,
    (None, "body"): bodies.BODIES,
    (None, "role"): bodies.MANDATE_ROLES,
    (None, "roles"): ROLES,
    (None, "aggregation"): indicators.AGGREGATIONS,
    (None, "direction"): indicators.DIRECTIONS,
    (None, "weekday"): dict(enumerate(snp.WEEKDAYS)),
    ("organization", "kind"): organizations.KINDS,
    ("action", "status"): actions.STATUSES,
    ("meeting", "kind"): schedule.KINDS,
    ("attendee", "status"): attendance.STATUSES,
    ("decision", "kind"): minutes.DECISION_KINDS,
    ("decision", "status"): minutes.DECISION_STATUSES,
    ("indicator", "kind"): indicators.KINDS,
    ("indicator", "period"): indicators.PERIODS,
    ("question", "kind"): campaigns.KINDS,
    ("mt_request", "status"): doctor_requests.STATUSES,
    ("mt_request", "channel"): doctor_requests.CHANNELS,
    ("snp_request", "channel"): snp.CHANNELS,
    ("response", "channel"): responses.CHANNELS,
    ("membership_payment", "method"): memberships.METHODS,
    ("indemnity_rate", "kind"): indemnities.KINDS,
    ("indemnity_line", "kind"): indemnities.KINDS,
    ("indemnity_line", "source"): indemnities.SOURCES,
    ("aci_funding", "part"): funding.PARTS,
    ("prevention_event", "format"): prevention.FORMATS,
    ("prevention_event", "campaign"): prevention.CAMPAIGNS,
    ("pathway", "status"): pathways.STATUSES,
    ("protocol", "kind"): pathways.PROTOCOL_KINDS,
    ("protocol", "side"): pathways.SIDES,
    ("newcomer", "status"): support.STATUSES,
    ("newcomer_step", "kind"): support.STEPS,
    ("training_place", "level"): support.LEVELS,
    ("placement", "level"): support.LEVELS,
}
# Columns holding an id or code of a table, read as that row's name.
REFERENCES = {
    "person_id": "person", "owner_id": "person", "doctor_id": "person",
    "organiser_id": "person", "organizations": "organization", "action_id": "action",
    "indicator_id": "indicator", "from_meeting": "meeting", "merged": "person",
    "linked_id": "action", "commune_code": "commune", "communes": "commune",
    "profession_code": "profession", "specialty_code": "specialty",
    "mission_code": "mission", "motive_code": "snp_motive", "organization_id": "organization",
    "college_code": "college", "theme_code": "prevention_theme", "pathway_id": "pathway",
    "supervisor_id": "person",
    "pathway_theme": "pathway_theme",
}
NAMES = {
    "person": "SELECT id AS key, trim(last_name || ' ' || first_name) AS name FROM people",
    "organization": "SELECT id AS key, name FROM organizations",
    "action": "SELECT id AS key, 'n° ' || number || ' ' || title AS name FROM actions",
    "meeting": "SELECT id AS key, title || ' du ' || strftime('%d/%m/%Y', starts_at) AS name"
               " FROM meetings",
    "indicator": "SELECT id AS key, name FROM indicators",
    "campaign": "SELECT id AS key, title AS name FROM campaigns",
    "decision": "SELECT id AS key, text AS name FROM decisions",
    "user": "SELECT id AS key, name || ' (' || username || ')' AS name FROM users",
    "commune": "SELECT code AS key, name FROM communes",
    "profession": "SELECT code AS key, label AS name FROM professions",
    "specialty": "SELECT code AS key, label AS name FROM specialties",
    "mission": "SELECT code AS key, title AS name FROM missions",
    "snp_motive": "SELECT code AS key, label AS name FROM snp_motives",
    "college": "SELECT code AS key, label AS name FROM colleges",
    "prevention_theme": "SELECT code AS key, label AS name FROM prevention_themes",
    "prevention_event": "SELECT id AS key, title || ' du ' || strftime('%d/%m/%Y', held_on)"
                        " AS name FROM prevention_events",
    "pathway": "SELECT id AS key, title AS name FROM pathways",
    "pathway_theme": "SELECT code AS key, label AS name FROM pathway_themes",
}
# The page that shows an element, opened with ?id=.
PAGES = {"person": "person", "organization": "organization", "action": "action",
         "meeting": "meeting", "indicator": "indicator", "campaign": "campaign",
         "mt_request": "doctor_request", "prevention_event": "prevention_event",
         "pathway": "pathway"}
LONG = 160  # characters of a long text shown in a change
LOCAL_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")  # a meeting's wall time
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class Names:
    """The names of the elements a page of the journal mentions, read in one query per
    kind of element for all the rows at once."""

    def __init__(self, store: Store):
        self.store = store
        self.wanted: dict[str, set] = {}
        self.found: dict[str, dict] = {}

    def want(self, kind: str, key) -> None:
        if not blank(key):
            self.wanted.setdefault(kind, set()).add(str(key))

    def load(self) -> None:
        for kind, keys in self.wanted.items():
            marks = ", ".join("?" for _ in keys)
            rows = self.store.query(f"SELECT * FROM ({NAMES[kind]}) WHERE CAST(key AS TEXT)"
                                    f" IN ({marks})", sorted(keys))
            self.found[kind] = {str(r["key"]): r["name"] for r in rows}

    def get(self, kind: str, key) -> str | None:
        return self.found.get(kind, {}).get(str(key))


def _values(blob) -> dict | None:
    """A before/after column as a dict (a list or scalar is one 'valeurs' entry)."""
    if blank(blob):
        return None
    data = json.loads(blob)
    return data if isinstance(data, dict) else {"values": data}


def _items(value) -> list:
    return value if isinstance(value, list) else [value]


def _want_names(names: Names, values: dict | None) -> None:
    for key, value in (values or {}).items():
        if key in REFERENCES:
            for item in _items(value):
                names.want(REFERENCES[key], item)


def value_text(entity: str, key: str, value, names: Names) -> str:
    """One stored value as the record's page shows it."""
    if blank(value) or value == []:
        return "(vide)"
    if isinstance(value, list):
        return ", ".join(value_text(entity, key, item, names) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {value_text(entity, k, v, names)}" for k, v in value.items())
    if key in REFERENCES:
        return names.get(REFERENCES[key], value) or f"n° {value}"
    codes = CODES.get((entity, key)) or CODES.get((None, key))
    if codes is not None:
        return codes.get(value, str(value))
    if key in FLAGS:
        return "Oui" if value else "Non"
    if key == "phone":
        return phone_display(value)
    if key.endswith("_cents"):
        return euros(value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, (int, float)):
        return number_fr(value, 2)
    text = str(value)
    if LOCAL_MOMENT.fullmatch(text):
        return f"{date_fr(text)} {text[11:16]}"
    if DAY.fullmatch(text):
        return date_fr(text)
    if DAY.match(text) and "T" in text:  # a UTC moment
        return datetime_fr(text)
    return text if len(text) <= LONG else text[:LONG] + "…"


def field_label(entity: str, key: str) -> str:
    return FIELD_LABELS.get(entity, {}).get(key) or LABELS.get(key, key)


def changes_text(entity: str, before: dict | None, after: dict | None, names: Names) -> str:
    """'Téléphone : 02 38 … → 02 38 … · Nom : …' for a change; 'Nom : …' for what a
    creation set (blanks left out) or a deletion removed."""
    parts = []
    if before and after:
        for key in after:
            if key in HIDDEN:
                continue
            old, new = (value_text(entity, key, v, names) for v in (before.get(key),
                                                                    after[key]))
            parts.append(f"{field_label(entity, key)} : {old} → {new}")
    else:
        for key, value in (after or before or {}).items():
            if key in HIDDEN or blank(value) or value in ([], 0) and key not in FLAGS:
                continue
            parts.append(f"{field_label(entity, key)} : {value_text(entity, key, value, names)}")
    return " · ".join(parts)


def readable(store: Store, frame: pd.DataFrame, links: bool = True) -> pd.DataFrame:
    """Rows of the audit log (at, username, entity, entity_id, action, and before/after
    when present) as a person reads them: the element ("Personne (annuaire) : Faure
    Camille"), a link to its page, the action and what changed, in French."""
    rows = frame.to_dict("records")
    names = Names(store)
    for row in rows:
        row["before"], row["after"] = _values(row.get("before")), _values(row.get("after"))
        if row.get("entity") in NAMES:
            names.want(row["entity"], row["entity_id"])
        _want_names(names, row["before"])
        _want_names(names, row["after"])
    names.load()
    out = {"Date": [datetime_fr(r["at"]) for r in rows],
           "Par": [r["username"] for r in rows]}
    if "entity" in frame:
        out["Élément"] = [" : ".join(part for part in (
            ENTITIES.get(r["entity"], r["entity"]),
            element_name(r["entity"], r["entity_id"], names)) if part) for r in rows]
        if links:
            out["Ouvrir"] = [f"{PAGES[r['entity']]}?id={r['entity_id']}"
                             if r["entity"] in PAGES and str(r["entity_id"]).isdigit()
                             else None for r in rows]
    if "action" in frame:  # the access log records views, not actions
        out["Action"] = [ACTIONS.get(r["action"], r["action"]) for r in rows]
    if "after" in frame or "before" in frame:
        out["Changements"] = [changes_text(r.get("entity", ""), r["before"], r["after"], names)
                              for r in rows]
    return pd.DataFrame(out)


def element_name(entity: str, entity_id, names: Names) -> str:
    """'Faure Camille', 'n° 3 Coordination des SNP'; a patient's request is named by its
    number only (NAMES has no query for it: the journal is read beside other things)."""
    if blank(entity_id):
        return ""
    if entity == "mt_queue":  # one display of the queue, with the requests it listed
        return "demandes n° " + ", ".join(str(entity_id).split(","))
    return names.get(entity, entity_id) or (f"n° {entity_id}" if str(entity_id).isdigit()
                                            else str(entity_id))
