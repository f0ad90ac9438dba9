"""Fiches action: every action of the CPTS with its mission, status and progress."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.exports import DOCX_MIME
from portal.core.formats import date_fr
from portal.directory import territory
from portal.missions import aci, actions

actor = ui.require_access("actions")
store = ui.store()

st.title("Fiches action")
if actor.has(*actions.EDITORS) and st.button("Nouvelle action", icon=":material/add_task:"):
    st.switch_page(ui.page("action"), query_params={"new": "1"})

left, right = st.columns(2)
with left:
    mission = ui.choice("Mission", {m["code"]: m["title"] for m in aci.all_missions(store)},
                        empty="Toutes")
with right:
    status = ui.choice("Statut", actions.STATUSES)

frame = actions.list_actions(store, mission, status)
if frame.empty:
    st.info("Aucune action pour ces critères." if mission or status else
            "Aucune fiche action : créez la première avec « Nouvelle action ».",
            icon=":material/task:")
    st.stop()

st.caption(f"{len(frame)} action(s). Cliquez sur une ligne pour ouvrir la fiche.")
shown = frame.assign(status=frame["status"].map(actions.STATUSES),
                     start_on=frame["start_on"].map(date_fr), end_on=frame["end_on"].map(date_fr),
                     progress=frame["progress"].map(lambda p: f"{p} %"))
ui.clickable_table(shown[["number", "title", "missions", "status", "progress", "start_on",
                          "end_on"]].fillna("").rename(columns={
                              "number": "N°", "title": "Intitulé", "missions": "Mission(s)",
                              "status": "Statut", "progress": "Avancement",
                              "start_on": "Début", "end_on": "Fin"}),
                   frame["id"], ui.page("action"), "actions")

st.download_button(
    "Toutes ces fiches (Word)",
    lambda: actions.fiches_docx(store, list(frame["id"]), territory.name(store)),
    file_name=f"fiches-action-{date.today():%Y%m%d}.docx", icon=":material/description:",
    mime=DOCX_MIME, on_click="ignore")
