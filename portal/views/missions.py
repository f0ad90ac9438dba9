"""Missions: what the CPTS committed to in its contract, and by when."""

from datetime import date

import streamlit as st

from portal import actions, missions, progress, ui
from portal.formats import date_fr, md_escape

actor = ui.require_access("missions")
store = ui.store()

st.title("Missions")
contract = missions.contract(store)
all_missions = missions.all_missions(store)
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


dates = {d.mission: d for d in missions.deadlines(contract.signed_on, all_missions)}
standings = progress.standings(store, date.today().year)
for mission in all_missions:
    signed = contract.signed(mission)
    with st.container(border=True):
        st.subheader(mission["title"])
        st.caption(f"{missions.KINDS[mission['kind']]}"
                   + ("" if signed else " · non retenue dans le contrat"))
        st.write(mission["summary"])
        deadline = dates[mission["code"]]
        lines = [deadline_text("Démarrage au plus tard", deadline.start_by),
                 deadline_text("Déploiement complet au plus tard", deadline.full_by)]
        if signed and any(lines):
            st.text("\n".join(line for line in lines if line))
        linked = actions.list_actions(store, mission["code"])
        for row in linked.itertuples():
            st.page_link("views/action.py", query_params={"id": str(row.id)},
                         icon=":material/task:",
                         label=f"Action n°{row.number} : {row.title} "
                               f"({actions.STATUSES[row.status].lower()}, {row.progress} %)")
        for row in standings[standings["mission_code"] == mission["code"]].itertuples():
            st.page_link("views/indicator.py", query_params={"id": str(row.id)},
                         icon=":material/monitoring:",
                         label=f"Indicateur : {md_escape(row.name)} "
                               f"({progress.STATUSES[row.status].lower()})")
