"""Reading the two journals: the audit log (every change: the admin's journal, the home
page's latest changes) and the access log (who viewed patients' identities).

Writing them is db's job: every change appends its audit row in its transaction, and
Store.log_access records each view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from dateutil.relativedelta import relativedelta

from . import roles
from .db import Store
from .formats import PARIS
from .roles import ADMIN, ALL, Actor
from .transactions import iso

ENTITIES = {
    "user": "Compte utilisateur",
    "app_setting": "Paramètre du portail",
    "backup": "Sauvegarde",
    "demo": "Données de démonstration",
    "person": "Personne (annuaire)",
    "action": "Fiche action",
    "indicator": "Indicateur",
    "evidence": "Pièce justificative",
    "organization": "Structure (annuaire)",
    "territory": "Territoire",
    "reference": "Référentiels",
    "meeting": "Réunion",
    "attendee": "Participant à une réunion",
    "mandate": "Mandat (bureau, CA)",
    "quorum_rule": "Règle de quorum",
    "motion": "Délibération",
    "decision": "Décision ou tâche",
    "campaign": "Campagne de questionnaire",
    "question": "Question d'un questionnaire",
    "response": "Réponse à un questionnaire",
    "spreadsheet_import": "Import de tableur",
    "mt_request": "Demande de médecin traitant",
    "mt_rules": "Règles de priorité (médecin traitant)",
    "doctor_capacity": "Capacité d'accueil d'un médecin",
    "snp_slot": "Créneau de soins non programmés",
    "snp_request": "Demande de soins non programmés",
    "snp_motive": "Motif de soins non programmés",
    "journal": "Journaux (consultations, connexions)",
    "mt_queue": "File d'attente médecin traitant (liste)",
    "membership": "Adhésion",
    "membership_payment": "Paiement de cotisation",
    "college_fee": "Cotisation d'un collège",
    "closed_year": "Exercice clos",
    "officer": "Dirigeant (déclaration en préfecture)",
    "aci_funding": "Financement ACI attendu",
    "aci_payment": "Versement ACI reçu",
    "spending": "Dépense (utilisation des fonds)",
    "prevention_event": "Action de prévention",
    "pathway": "Parcours",
    "pathway_theme": "Thème de parcours",
    "prevention_theme": "Thème de prévention",
    "pathway_member": "Acteur d'un parcours",
    "protocol": "Protocole",
    "newcomer": "Nouvel installé",
    "newcomer_step": "Démarche pour un nouvel installé",
    "training_place": "Places de stage",
    "placement": "Stage accueilli",
    "document": "Document (prévention, parcours)",
    "indemnity_rate": "Taux d'indemnisation",
    "indemnity_line": "Temps à indemniser (saisie)",
    "indemnity_statement": "Relevé d'indemnisation",
    "crisis_plan": "Plan de crise (SSE)",
    "crisis_contact": "Contact du plan de crise",
    "crisis_resource": "Ressource du plan de crise",
    "crisis_training": "Formation à la gestion de crise",
}
# The journals the admin reads: table -> its columns, newest first.
JOURNALS = {"audit_log": "id, at, username, entity, entity_id, action, before, after",
            "access_log": "id, at, username, entity, entity_id"}
ACTIONS = {
    "create": "Création",
    "invite": "Invitations",
    "cancel": "Annulation",
    "end": "Arrêt",
    "minutes": "Compte rendu",
    "answers": "Réponses saisies",
    "import": "Import",
    "import_update": "Mise à jour par l'import RPPS",
    "import_left": "Sortie du territoire (import RPPS)",
    "import_returned": "Retour sur le territoire (import RPPS)",
    "status": "Étape",
    "anonymise": "Anonymisation",
    "purge": "Purge des traces anciennes",
    "criteria": "Critères",
    "replace": "Réponses remplacées",
    "archive": "Archivage",
    "move": "Déplacement",
    "person": "Fiche annuaire reliée",
    "update": "Modification",
    "validate": "Validation",
    "declared": "Déclaré en préfecture",
    "indicators": "Indicateurs",
    "withdraw": "Retrait",
    "delete": "Suppression",
    "login": "Connexion",
    "logout": "Déconnexion",
    "lock": "Verrouillage (trop d'essais)",
    "unlock": "Déverrouillage",
    "roles": "Rôles",
    "activate": "Réactivation",
    "deactivate": "Désactivation",
    "password_change": "Changement de mot de passe",
    "password_reset": "Mot de passe réinitialisé",
    "restore": "Restauration",
    "load": "Chargement",
    "indicator_values": "Valeurs d'indicateurs",
    "meetings": "Réunions",
    "snp_requests": "Appels de soins non programmés",
    "affiliations": "Structures et activités",
    "merge": "Fusionnée dans une autre fiche",
    "merge_keep": "Fusion (fiche conservée)",
    "merge_fill": "Complétée par fusion",
    "erase": "Effacement à la demande",
    "add_communes": "Communes ajoutées",
    "remove_communes": "Communes retirées",
    "missions": "Missions",
    "referents": "Référents",
    "partners": "Partenaires",
    "people": "Professionnels",
    "reach": "Personnes touchées (détail)",
    "inclusions": "Patients inclus",
    "adherents": "Adhésions au protocole",
    "links": "Actions liées",
    "value": "Valeur saisie",
    "actions": "Actions",
    "copy": "Version suivante commencée",
    "reopen": "Repassé en brouillon",
    "text": "Texte modifié",
    "fiche": "Fiche réflexe modifiée",
}
# Which roles see an entity's changes on their home page (admins see everything).
# Modules add their entities here; patient data is never listed for bureau or members.
VISIBLE_TO: dict[str, set[str]] = {
    "person": set(ALL),
    "organization": set(ALL),
    "territory": set(ALL),
    "action": set(ALL),
}


def purge_logs(store: Store, actor: Actor, access_months: int, login_months: int,
               today: date | None = None) -> dict[str, int]:
    """Delete the views of patients' data older than `access_months` and the login
    attempts older than `login_months` (the audit of changes stays); returns how many of
    each. Running it twice changes nothing more."""
    roles.require(actor, ADMIN)
    today = today or date.today()
    limits = {"access_log": today - relativedelta(months=access_months),
              "login_attempts": today - relativedelta(months=login_months)}
    with store.write(actor) as tx:
        removed = {table: tx.execute(f"DELETE FROM {table} WHERE at < ?",
                                     (iso(datetime.combine(limit, time(), PARIS)),)).rowcount
                   for table, limit in limits.items()}
        tx.audit("journal", None, "purge", after={
            "access_log": removed["access_log"], "login_attempts": removed["login_attempts"],
            "access_before": limits["access_log"].isoformat(),
            "login_before": limits["login_attempts"].isoformat()})
    return removed


@dataclass(frozen=True)
class Filters:
    username: str | None = None
    entity: str | None = None
    start: date | None = None
    end: date | None = None
    record: str | None = None   # one record's number, alone or in a list ("12,40,7")


def _where(filters: Filters) -> tuple[str, dict]:
    clauses, params = [], {}
    if filters.record:
        clauses.append("',' || entity_id || ',' LIKE :record ESCAPE '\\'")
        literal = "".join("\\" + c if c in "\\%_" else c for c in filters.record.strip())
        params["record"] = f"%,{literal},%"
    if filters.username:
        clauses.append("username = :username")
        params["username"] = filters.username
    if filters.entity:
        clauses.append("entity = :entity")
        params["entity"] = filters.entity
    # Days are Paris days: 24/11 runs from 23:00 UTC on 23/11 in winter.
    if filters.start:
        clauses.append("at >= :start")
        params["start"] = iso(datetime.combine(filters.start, time(), PARIS))
    if filters.end:
        clauses.append("at < :end")
        params["end"] = iso(datetime.combine(filters.end + timedelta(days=1), time(), PARIS))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _journal(table: str) -> str:
    if table not in JOURNALS:
        raise ValueError(f"not a journal: {table!r}")
    return table


def count(store: Store, filters: Filters, table: str = "audit_log") -> int:
    where, params = _where(filters)
    return store.scalar(f"SELECT COUNT(*) FROM {_journal(table)}{where}", params)


def page(store: Store, filters: Filters, limit: int = 50, offset: int = 0,
         table: str = "audit_log") -> pd.DataFrame:
    """One page of a journal, newest first."""
    where, params = _where(filters)
    return store.frame(
        f"SELECT {JOURNALS[_journal(table)]} FROM {table}{where}"
        " ORDER BY id DESC LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )


def usernames(store: Store, table: str = "audit_log") -> list[str]:
    return [r["username"] for r in store.query(
        f"SELECT DISTINCT username FROM {_journal(table)} ORDER BY username")]


def entities(store: Store, table: str = "audit_log") -> list[str]:
    return [r["entity"] for r in store.query(
        f"SELECT DISTINCT entity FROM {_journal(table)} ORDER BY entity")]


def history(store: Store, entity: str, entity_id) -> pd.DataFrame:
    """One record's changes, newest first: the history shown on its page."""
    return store.frame(
        "SELECT at, username, action, before, after FROM audit_log"
        " WHERE entity = ? AND entity_id = ? ORDER BY id DESC", (entity, str(entity_id)))


def recent_changes(store: Store, roles, limit: int = 10) -> pd.DataFrame:
    """The latest changes the given roles may see, for the home page."""
    if ADMIN in roles:
        # Logins and reference reloads are routine: the journal page lists them.
        return store.frame(
            "SELECT at, username, entity, entity_id, action FROM audit_log"
            " WHERE action NOT IN ('login', 'logout') AND entity != 'reference'"
            " AND NOT (entity = 'app_setting' AND entity_id = 'reference_version')"
            " ORDER BY id DESC LIMIT ?", (limit,))
    visible = sorted(e for e, allowed in VISIBLE_TO.items() if allowed & set(roles))
    if not visible:
        return pd.DataFrame(columns=["at", "username", "entity", "entity_id", "action"])
    marks = ", ".join("?" for _ in visible)
    return store.frame(
        f"SELECT at, username, entity, entity_id, action FROM audit_log"
        f" WHERE entity IN ({marks}) ORDER BY id DESC LIMIT ?", (*visible, limit))
