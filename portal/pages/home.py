"""Accueil: who I am, the key figures I may see, what is due (requests to anonymise,
changes of the board to declare, statements to validate); for the board, the latest
changes; for a member, their meetings and tasks."""

import streamlit as st

from portal import ui
from portal.accounts import users
from portal.admin import overview
from portal.association import indemnities
from portal.care import doctor_requests
from portal.core import audit
from portal.core.formats import date_fr, md_escape, number_fr
from portal.core.roles import ADMIN, BOARD, labels
from portal.meetings import minutes, officers, schedule
from portal.missions import crisis_plan

actor = ui.require_access("home")
store = ui.store()
user = users.get_user(store, actor.username)

st.title(f"Bonjour {md_escape(user['name'])}")
st.caption(f"Rôles : {labels(actor.roles)}")

if actor.has(ADMIN) and (in_clear := ui.in_clear_warning()):
    st.warning(in_clear, icon=":material/lock_open:")

figures = overview.key_figures(store, actor)
if figures:
    for row in range(0, len(figures), 4):  # four to a row, every figure shown
        for column, (label, value) in zip(st.columns(4), figures[row:row + 4]):
            column.metric(label, number_fr(value) if isinstance(value, (int, float))
                          else value)
else:
    st.info("Les chiffres clés de l'annuaire, des missions, des réunions et de l'accès aux "
            "soins apparaîtront ici à mesure que ces modules seront utilisés.",
            icon=":material/insights:")

if actor.has(ADMIN) and (due := doctor_requests.past_retention(store)):
    st.warning(f"{due} demande(s) de médecin traitant closes depuis plus de "
               f"{doctor_requests.retention_months(store)} mois gardent l'identité du patient : "
               "anonymisez-les (onglet « Réglages » de la page Médecin traitant).",
               icon=":material/auto_delete:")
    st.page_link(ui.page("doctor_queue"), label="Aller à la page Médecin traitant",
                 icon=":material/stethoscope:")

if actor.has(*BOARD) and (declare := officers.due_within(store, 30)):
    st.warning(f"{len(declare)} changement(s) du bureau ou du CA à déclarer en préfecture, "
               f"au plus tard le {date_fr(min(c.due for c in declare))}.",
               icon=":material/gavel:")
    st.page_link(ui.page("officers"), label="Aller à la page Dirigeants", icon=":material/badge:")

if actor.has(*BOARD) and (review := crisis_plan.review_due(store)):
    st.warning(f"La mise à jour annuelle du plan de crise (SSE) est "
               f"{'en retard depuis' if review['late'] else 'due'} le {date_fr(review['due'])}"
               + (f" : la version {review['draft_year']} est en brouillon."
                  if review["draft_year"] else "."), icon=":material/crisis_alert:")
    st.page_link(ui.page("crisis_plan"), label="Aller au plan de crise",
                 icon=":material/crisis_alert:")
if actor.has(*BOARD) and (unsent := crisis_plan.not_sent(store)):
    st.warning("Plan de crise validé mais pas encore envoyé à l'ARS : version "
               + ", ".join(map(str, unsent)) + ".", icon=":material/outgoing_mail:")

if actor.has(*indemnities.TREASURERS) and (waiting := indemnities.count_to_validate(store)):
    st.info(f"{waiting} relevé(s) d'indemnisation à valider.", icon=":material/verified:")
    st.page_link(ui.page("indemnities"), label="Aller à la page Indemnisations",
                 icon=":material/volunteer_activism:")

if actor.has(*BOARD):
    st.subheader("Dernières modifications")
    changes = audit.recent_changes(store, actor.roles)
    if changes.empty:
        st.write("Aucune modification récente à afficher pour votre rôle.")
    else:
        ui.journal_table(store, changes)
    st.stop()

# A member: what concerns them, not the audit log.
person = ui.linked_person(store, actor, "ici vos réunions et vos tâches")
st.subheader("Vos prochaines réunions")
coming = schedule.list_meetings(store, schedule.Filters(upcoming=True, person=person), limit=5)
if coming.empty:
    st.write("Aucune réunion à venir où vous êtes invité(e).")
else:
    ui.clickable_table(schedule.listing(coming), coming["id"], ui.page("meeting"), "my_meetings")
st.subheader("Vos décisions et tâches en cours")
tasks = minutes.follow_up(store, owner=person, limit=20)
if tasks.empty:
    st.write("Aucune décision ni tâche en cours à votre nom.")
else:
    ui.table({"Échéance": tasks["due_on"].map(date_fr),
              "En retard": tasks["overdue"].map({1: "Oui", 0: ""}),
              "Décision ou tâche": tasks["text"], "Réunion": tasks["meeting"]})
