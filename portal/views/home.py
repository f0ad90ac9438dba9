"""Accueil: who I am, the key figures I may see, the latest changes I may see."""

import streamlit as st

from portal import audit, auth, doctor_search, overview, ui
from portal.formats import md_escape, number_fr
from portal.roles import ADMIN, labels

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

if actor.has(ADMIN) and (due := doctor_search.past_retention(store)):
    st.warning(f"{due} demande(s) de médecin traitant closes depuis plus de "
               f"{doctor_search.retention_months(store)} mois gardent l'identité du patient : "
               "anonymisez-les (onglet « Réglages » de la page Médecin traitant).",
               icon=":material/auto_delete:")
    st.page_link("views/doctor_queue.py", label="Aller à la page Médecin traitant",
                 icon=":material/stethoscope:")

st.subheader("Dernières modifications")
changes = audit.recent_changes(store, actor.roles)
if changes.empty:
    st.write("Aucune modification récente à afficher pour votre rôle.")
else:
    ui.journal_table(store, changes)
