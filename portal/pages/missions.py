"""Missions: what the CPTS committed to in its contract, and by when."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.formats import date_fr, md_escape, number_fr
from portal.core.roles import BOARD
from portal.meetings import schedule
from portal.missions import aci, actions, pathways, prevention, progress, support

actor = ui.require_access("missions")
store = ui.store()

st.title("Missions")
contract = aci.contract(store)
all_missions = aci.all_missions(store)
if contract.signed_on:
    st.caption(f"Contrat (ACI) signé le {date_fr(contract.signed_on)}.")
else:
    st.info("La date de signature du contrat n'est pas renseignée : les échéances ne peuvent "
            "pas être calculées. Un administrateur la saisit dans Administration > Contrat.",
            icon=":material/event_busy:")


def deadline_text(label: str, day: date | None) -> str:
    if day is None:
        return ""
    state = "dépassée" if day < date.today() else "à venir"
    return f"{label} : {date_fr(day)} ({state})"


dates = {d.mission: d for d in aci.deadlines(contract.signed_on, all_missions)}
standings = progress.standings(store, date.today().year)
time_spent = schedule.coordination_by_quarter(store, date.today().year)


def meeting_time(mission: str) -> None:
    """The year's meeting time on this mission, by quarter: what the ACI values."""
    rows = time_spent[time_spent["mission_code"] == mission]
    if rows.empty:
        return
    st.text(f"Réunions en {date.today().year} : {int(rows['meetings'].sum())}, soit "
            f"{number_fr(rows['hours'].sum(), 1)} h de réunion et "
            f"{number_fr(rows['person_hours'].sum(), 1)} heures-participant.")
    with st.expander("Temps de réunion par trimestre", icon=":material/schedule:"):
        ui.table({"Trimestre": rows["quarter"].map(lambda q: f"T{q}"),
                  "Réunions": rows["meetings"],
                  "Heures de réunion": rows["hours"].map(lambda v: number_fr(v, 1)),
                  "Heures-participant": rows["person_hours"].map(lambda v: number_fr(v, 1)),
                  "Sans feuille de présence": rows["without_sheet"]})
        st.caption("Heures-participant : personnes présentes × durée. Une réunion sur "
                   "plusieurs missions partage son temps entre elles.")


def pathway_line() -> None:
    """The pathways running, in a line, and the page that lists them."""
    running = pathways.count_pathways(store, "en_cours", not actor.has(*BOARD))
    if running:
        st.text(f"Parcours en cours : {running}.")
    st.page_link(ui.page("pathways"), icon=":material/route:", label="Voir les parcours")


def support_line() -> None:
    """The year's newcomers and placements, in a line, and the page that lists them."""
    year = support.year_figures(store, date.today().year)
    if any(year.values()):
        st.text(f"En {date.today().year} : {year['supported']} installation(s) "
                f"accompagnée(s), {year['completed']} réalisée(s), {year['placements']} "
                "stage(s) accueilli(s).")
    st.page_link(ui.page("support"), icon=":material/waving_hand:",
                 label="Voir les nouveaux installés et les stages")


def prevention_events() -> None:
    """The year's prevention events, in a line, and the page that lists them."""
    year = prevention.summary(store, prevention.Filters(
        date.today().year, members_view=not actor.has(*BOARD)))
    if year["held"] or year["planned"]:
        st.text(f"Prévention en {date.today().year} : {year['held']} événement(s) tenu(s), "
                f"{year['planned']} prévu(s), {number_fr(year['reached'])} personne(s) "
                "touchée(s).")
    st.page_link(ui.page("prevention"), icon=":material/health_and_safety:",
                 label="Voir les événements de prévention")


# Past SHOWN indicators a mission shows counts and the most urgent first, in this order.
SHOWN = 6  # the demo's access-to-care mission has six
COUNTED = {"no_value": "sans valeur"}
ATTENTION = {status: rank for rank, status in enumerate(
    ("off_track", "at_risk", "no_value", "on_track", "no_target"))}


def mission_indicators(mission: str) -> None:
    """The mission's indicators, those that need attention first; past SHOWN of them, a
    count by verdict and a link to all of them (a contract can hold dozens a mission)."""
    rows = standings[standings["mission_code"] == mission]
    if len(rows) > SHOWN:
        counts = rows["status"].value_counts()
        st.text(f"{len(rows)} indicateurs : " + ", ".join(
            f"{counts[status]} {COUNTED.get(status, label.lower())}"
            for status, label in progress.STATUSES.items() if status in counts) + ".")
    urgent = rows.assign(rank=rows["status"].map(ATTENTION)).sort_values("rank", kind="stable")
    for row in urgent.head(SHOWN).itertuples():
        st.page_link(ui.page("indicator"), query_params={"id": str(row.id)},
                     icon=":material/monitoring:",
                     label=f"Indicateur : {md_escape(row.name)} "
                           f"({progress.STATUSES[row.status].lower()})")
    if len(rows) > SHOWN:
        st.page_link(ui.page("indicators"), query_params={"mission": mission},
                     icon=":material/list:", label=f"Voir les {len(rows)} indicateurs")


for mission in all_missions:
    signed = contract.signed(mission)
    with st.container(border=True):
        st.subheader(mission["title"])
        st.caption(f"{aci.KINDS[mission['kind']]}"
                   + ("" if signed else " · non retenue dans le contrat"))
        st.write(mission["summary"])
        deadline = dates[mission["code"]]
        lines = [deadline_text("Démarrage au plus tard", deadline.start_by),
                 deadline_text("Déploiement complet au plus tard", deadline.full_by)]
        if signed and any(lines):
            st.text("\n".join(line for line in lines if line))
        linked = actions.list_actions(store, mission["code"])
        for row in linked.itertuples():
            st.page_link(ui.page("action"), query_params={"id": str(row.id)},
                         icon=":material/task:",
                         label=f"Action n°{row.number} : {md_escape(row.title)} "
                               f"({actions.STATUSES[row.status].lower()}, {row.progress} %)")
        meeting_time(mission["code"])
        if mission["code"] == "socle_2":
            pathway_line()
        if mission["code"] == "socle_3":
            prevention_events()
        if mission["code"] == "complementaire_2":
            support_line()
        mission_indicators(mission["code"])
