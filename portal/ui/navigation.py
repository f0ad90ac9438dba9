"""The menu: every page once, with its section and the roles that may open it.

Plain data, no Streamlit: the entry point turns it into st.navigation, each page checks
its own entry again, and tests read it to know which role sees what. Adding a page is
one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.roles import ADMINS, ALL, BOARD, EDIT, TREASURER

SECTIONS = (
    "Accueil",
    "Annuaire",
    "Missions et actions",
    "Réunions",
    "Questionnaires",
    "Accès aux soins",
    "Indicateurs",
    "Association",
    "Administration",
)


def path(key: str) -> str:
    """A page's file as Streamlit names it: relative to the entry script at the root."""
    return f"portal/pages/{key}.py"


@dataclass(frozen=True)
class PageEntry:
    key: str          # file name in portal/pages/ without .py, and URL path
    title: str
    icon: str
    section: str
    roles: frozenset[str]
    hidden: bool = False  # reached from another page (a person's record), not the menu


PAGES = (
    PageEntry("home", "Accueil", ":material/home:", "Accueil", ALL),
    PageEntry("account", "Mon compte", ":material/person:", "Accueil", ALL),
    PageEntry("directory", "Annuaire", ":material/contacts:", "Annuaire", ALL),
    PageEntry("organizations", "Structures", ":material/domain:", "Annuaire", ALL),
    PageEntry("duplicates", "Doublons possibles", ":material/merge:", "Annuaire",
              EDIT["directory"]),
    PageEntry("directory_import", "Importer", ":material/upload_file:", "Annuaire",
              EDIT["directory"]),
    PageEntry("person", "Fiche personne", ":material/badge:", "Annuaire", ALL, hidden=True),
    PageEntry("organization", "Fiche structure", ":material/apartment:", "Annuaire", ALL,
              hidden=True),
    PageEntry("missions", "Missions", ":material/flag:", "Missions et actions", ALL),
    PageEntry("actions", "Fiches action", ":material/task:", "Missions et actions", ALL),
    PageEntry("pathways", "Parcours", ":material/route:", "Missions et actions", ALL),
    PageEntry("pathway", "Parcours", ":material/alt_route:", "Missions et actions", ALL,
              hidden=True),
    PageEntry("support", "Accompagnement", ":material/waving_hand:", "Missions et actions",
              ALL),
    PageEntry("prevention", "Prévention", ":material/health_and_safety:", "Missions et actions",
              ALL),
    PageEntry("prevention_event", "Événement de prévention", ":material/event_available:",
              "Missions et actions", ALL, hidden=True),
    PageEntry("crisis_plan", "Plan de crise (SSE)", ":material/crisis_alert:",
              "Missions et actions", BOARD),
    PageEntry("action", "Fiche action", ":material/assignment:", "Missions et actions", ALL,
              hidden=True),
    PageEntry("meetings", "Réunions", ":material/groups:", "Réunions", ALL),
    PageEntry("meeting", "Réunion", ":material/event:", "Réunions", ALL, hidden=True),
    PageEntry("decisions", "Suivi des décisions", ":material/checklist:", "Réunions", BOARD),
    PageEntry("bodies", "Instances et quorum", ":material/account_balance:", "Réunions", BOARD),
    PageEntry("campaigns", "Questionnaires", ":material/quiz:", "Questionnaires", BOARD),
    PageEntry("survey_entry", "Saisie des réponses", ":material/keyboard:", "Questionnaires",
              EDIT["questionnaires"]),
    PageEntry("campaign", "Campagne", ":material/fact_check:", "Questionnaires", BOARD,
              hidden=True),
    PageEntry("doctor_queue", "Médecin traitant", ":material/stethoscope:", "Accès aux soins",
              EDIT["care"]),
    PageEntry("doctor_request", "Demande de médecin traitant", ":material/person_search:",
              "Accès aux soins", EDIT["care"], hidden=True),
    PageEntry("unscheduled_care", "Soins non programmés", ":material/emergency:",
              "Accès aux soins", EDIT["care"]),
    PageEntry("care_figures", "Accès aux soins : chiffres", ":material/bar_chart:",
              "Accès aux soins", ALL),
    PageEntry("members", "Adhérents", ":material/card_membership:", "Association",
              BOARD | {TREASURER}),
    PageEntry("indemnities", "Indemnisations", ":material/volunteer_activism:", "Association",
              BOARD | {TREASURER}),
    PageEntry("funding", "Financement ACI", ":material/account_balance_wallet:", "Association",
              BOARD | {TREASURER}),
    PageEntry("officers", "Dirigeants", ":material/badge:", "Association", BOARD),
    PageEntry("contract", "Contrat", ":material/contract:", "Administration", ADMINS),
    PageEntry("dashboard", "Tableau de bord", ":material/dashboard:", "Indicateurs", BOARD),
    PageEntry("report", "Rapport annuel", ":material/summarize:", "Indicateurs", BOARD),
    PageEntry("indicators", "Indicateurs", ":material/monitoring:", "Indicateurs", ALL),
    PageEntry("indicator", "Indicateur", ":material/insights:", "Indicateurs", ALL, hidden=True),
    PageEntry("territory", "Territoire", ":material/map:", "Administration", ADMINS),
    PageEntry("users", "Utilisateurs", ":material/group:", "Administration", ADMINS),
    PageEntry("audit_log", "Journal des modifications", ":material/history:", "Administration",
              ADMINS),
    PageEntry("maintenance", "Sauvegardes", ":material/backup:", "Administration",
              ADMINS),
)
BY_KEY = {p.key: p for p in PAGES}
DEFAULT = "home"


def allowed(entry: PageEntry, roles) -> bool:
    return bool(entry.roles & set(roles))


def menu(roles) -> dict[str, list[PageEntry]]:
    """Sections in menu order, each with the pages these roles may open; empty ones left out."""
    sections: dict[str, list[PageEntry]] = {}
    for section in SECTIONS:
        entries = [p for p in PAGES if p.section == section and allowed(p, roles)]
        if entries:
            sections[section] = entries
    return sections
