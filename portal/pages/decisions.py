"""Suivi des décisions: every decision and task of every meeting, overdue first, with
its owner and due date; statuses and owners changed in place."""

import streamlit as st

from portal import ui
from portal.meetings import minutes
from portal.ui import decisions

PAGE_SIZE = 100

actor = ui.require_access("decisions")
store = ui.store()

st.title("Suivi des décisions")
overdue = minutes.overdue_count(store)
if overdue:
    st.warning(f"{overdue} décision(s) ou tâche(s) en retard sur leur échéance.",
               icon=":material/schedule:")
left, right = st.columns(2)
statuses = {"open": "À faire ou en cours", **minutes.DECISION_STATUSES}
with left:
    status = ui.choice("Statut", statuses, "open", key="decisions_status", empty="Tous")
with right:
    owner = ui.choice("Responsable", minutes.owners(store), key="decisions_owner",
                      empty="Tous")
total = minutes.count_follow_up(store, status, owner)
if total == 0:
    st.info("Aucune décision ni tâche pour ces critères. Elles s'enregistrent dans l'onglet "
            "« Décisions et tâches » de chaque réunion.", icon=":material/task_alt:")
    st.stop()
offset = ui.page_offset(total, PAGE_SIZE)
st.caption(f"{total} décision(s) et tâche(s), les retards d'abord puis par échéance. "
           "« Ouvrir » mène à la réunion où elle a été prise.")
decisions.sheet(store, actor, minutes.follow_up(store, status, owner, PAGE_SIZE, offset),
                "follow_up", with_meeting=True)
