"""Accueil: who I am, the key figures I may see, the latest changes I may see."""

import streamlit as st

from portal import audit, auth, overview, ui
from portal.formats import md_escape, number_fr
from portal.roles import labels

actor = ui.require_access("home")
store = ui.store()
user = auth.get_user(store, actor.username)

st.title(f"Bonjour {md_escape(user['name'])}")
st.caption(f"Rôles : {labels(actor.roles)}")

figures = overview.key_figures(store, actor.roles)
if figures:
    for row in range(0, len(figures), 4):  # four to a row, every figure shown
        for column, (label, value) in zip(st.columns(4), figures[row:row + 4]):
            column.metric(label, number_fr(value) if isinstance(value, (int, float))
                          else value)
else:
    st.info("Les chiffres clés de l'annuaire, des missions, des réunions et de l'accès aux "
            "soins apparaîtront ici à mesure que ces modules seront utilisés.",
            icon=":material/insights:")

st.subheader("Dernières modifications")
changes = audit.recent_changes(store, actor.roles)
if changes.empty:
    st.write("Aucune modification récente à afficher pour votre rôle.")
else:
    st.dataframe(audit.readable(changes), hide_index=True, width="stretch")
