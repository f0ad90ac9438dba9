"""Questionnaires: the campaigns sent to the territory's professionals, and a new one
started from the CPTS questionnaire."""

from datetime import date, timedelta

import streamlit as st

from portal import ui
from portal.core.formats import date_fr
from portal.directory import territory
from portal.questionnaires import campaigns

actor = ui.require_access("campaigns")
store = ui.store()
editor = actor.has(*campaigns.EDITORS)

st.title("Questionnaires")
listing = campaigns.list_campaigns(store)
if listing.empty:
    st.info("Aucune campagne pour l'instant." + (
        " Créez-en une ci-dessous : elle reprend le questionnaire de la CPTS (participation, "
        "les cinq missions, un commentaire), que vous pourrez compléter." if editor else ""),
        icon=":material/quiz:")
else:
    st.caption("Cliquez sur une ligne pour ouvrir la campagne : résultats, volontaires, "
               "questions.")
    ui.clickable_table({
        "Campagne": listing["title"], "Territoire": listing["territory"],
        "Retour attendu le": listing["return_by"].map(date_fr),
        "Réponses": listing["responses"],
        "État": listing["closed"].map({0: "Ouverte", 1: "Close"})},
        listing["id"], ui.page("campaign"), "campaigns_table")

if editor:
    with st.expander("Nouvelle campagne", icon=":material/add:", expanded=listing.empty):
        errors = ui.FieldErrors()
        with st.form("campaign"):
            values = {"title": st.text_input("Titre", max_chars=200,
                                             placeholder="Ex. : Consultation des "
                                                         "professionnels 2027")}
            errors.slot("title")
            values["territory"] = st.text_input("Territoire", territory.name(store),
                                                max_chars=200)
            values["return_by"] = st.date_input("À retourner pour le",
                                                date.today() + timedelta(days=30),
                                                format="DD/MM/YYYY")
            values["return_address"] = st.text_area("Adresse de retour", max_chars=500,
                                                    height=80)
            sent = st.form_submit_button("Créer la campagne", type="primary")
        if sent:
            ui.save_record(errors, lambda: campaigns.save_campaign(store, actor, values),
                           ui.page("campaign"), True, "Campagne créée.")
