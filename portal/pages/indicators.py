"""Indicateurs: the contract's indicators by mission, typed or computed."""

import pandas as pd
import streamlit as st

from portal import ui
from portal.core.formats import number_fr
from portal.missions import aci, indicators

actor = ui.require_access("indicators")
store = ui.store()

st.title("Indicateurs")
if actor.has(*indicators.EDITORS) and st.button("Nouvel indicateur", icon=":material/add_chart:"):
    st.switch_page(ui.page("indicator"), query_params={"new": "1"})

mission = ui.choice("Mission", {m["code"]: m["title"] for m in aci.all_missions(store)},
                    st.query_params.get("mission"), empty="Toutes")
frame = indicators.list_indicators(store, mission)
if frame.empty:
    st.info("Aucun indicateur : ajoutez-en un (ceux de votre contrat ACI)."
            if not mission else "Aucun indicateur pour cette mission.",
            icon=":material/monitoring:")
    st.stop()
shown = frame.assign(
    kind=frame["kind"].map(indicators.KINDS), period=frame["period"].map(indicators.PERIODS),
    target=frame["target"].map(lambda t: "" if pd.isna(t) else number_fr(t, 1)),
    source=frame["source"].map(lambda s: "Saisie" if s == "manual"
                               else f"Calculé : {indicators.SOURCES[s].label}"))
ui.clickable_table(shown.drop(columns=["id"]).fillna("").rename(columns={
    "name": "Indicateur", "mission": "Mission", "kind": "Type", "unit": "Unité",
    "period": "Périodicité", "target": "Objectif annuel", "source": "Source"}),
    frame["id"], ui.page("indicator"), "indicators")
