"""Doublons possibles: records with the same RPPS, or the same names in the same commune;
merge them (links and history kept)."""

import streamlit as st

from portal import ui
from portal.core.errors import PortalError
from portal.directory import persons

actor = ui.require_access("duplicates")
store = ui.store()

st.title("Doublons possibles")
st.caption("Deux fiches sont signalées quand elles ont le même numéro RPPS, ou les mêmes nom "
           "et prénom (sans tenir compte des accents) dans la même commune.")
pairs = persons.possible_duplicates(store)
if pairs.empty:
    st.success("Aucun doublon possible.", icon=":material/check_circle:")
    st.stop()

ui.table(pairs.rename(columns={
    "first_id": "Fiche n°", "second_id": "Fiche n° ", "first_name": "Nom",
    "second_name": "Nom ", "reason": "Motif"}))

st.subheader("Fusionner deux fiches")
labels = {i: f"n° {r.first_id} {r.first_name} / n° {r.second_id} {r.second_name} ({r.reason})"
          for i, r in enumerate(pairs.itertuples())}
chosen = pairs.iloc[st.selectbox("Paire", list(labels), format_func=labels.get)]
first, second = int(chosen["first_id"]), int(chosen["second_id"])
keep = st.radio("Fiche à conserver", [first, second], horizontal=True,
                format_func=lambda i: f"n° {i}")
drop = second if keep == first else first
for column, person_id in zip(st.columns(2), (first, second)):
    person = persons.get_person(store, person_id)
    column.text("\n".join(f"{label} : {person[field] or ''}" for field, label in (
        ("last_name", "Nom"), ("first_name", "Prénom"), ("profession", "Profession"),
        ("rpps", "RPPS"), ("commune", "Commune"), ("email", "E-mail"),
        ("updated_at", "Mise à jour"))))
st.caption("La fiche conservée reçoit les champs vides complétés par l'autre, ses structures "
           "et ses activités ; l'autre fiche reste dans l'historique, marquée fusionnée.")
confirmed = st.checkbox(f"Je confirme la fusion de la fiche n° {drop} dans la fiche n° {keep}")
if st.button("Fusionner", type="primary", icon=":material/merge:"):
    if not confirmed:
        st.error("Cochez la case pour confirmer.")
    else:
        try:
            persons.merge_people(store, actor, keep, drop)
        except PortalError as error:
            ui.refuse(error)
        else:
            ui.saved(f"Fiche n° {drop} fusionnée dans la fiche n° {keep}.")
