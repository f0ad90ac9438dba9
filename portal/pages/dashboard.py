"""Tableau de bord: per mission, where the actions stand and which indicators are on
track against the target prorated to date; the contract's deadlines coming."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.formats import date_fr
from portal.missions import aci, actions, charts, progress
from portal.ui import verdicts

actor = ui.require_access("dashboard")
store = ui.store()
today = date.today()

st.title("Tableau de bord")
year = st.selectbox("Année", list(range(today.year, today.year - 6, -1)))
standings = progress.standings(store, year, today)
st.caption(f"Situation au {date_fr(min(today, date(year, 12, 31)))}. Une somme est comparée "
           "à l'objectif au prorata des périodes écoulées (« Attendu ») ; un indicateur à moins de "
           f"{round(progress.MARGIN * 100)}\u202f% de ce qui est attendu est « à surveiller ».")

if standings.empty:
    st.info("Aucun indicateur : ajoutez ceux de votre contrat ACI dans Indicateurs > "
            "Nouvel indicateur.", icon=":material/monitoring:")
else:
    counts = standings["status"].value_counts()
    for column, status in zip(st.columns(4), ("on_track", "at_risk", "off_track", "no_value")):
        column.metric(verdicts.label(status),
                      int(counts.get(status, 0)))
    st.altair_chart(charts.status_chart(standings), width="stretch")

st.subheader("Échéances du contrat")
contract = aci.contract(store)
all_missions = aci.all_missions(store)
if contract.signed_on is None:
    st.write("La date de signature du contrat n'est pas renseignée (Administration > Contrat).")
else:
    coming = aci.due(contract, all_missions, today)
    st.text("\n".join(f"{date_fr(day)} : {title}, {what}" + (" (dépassée)" if passed else "")
                      for day, title, what, passed in coming)
            if coming else "Aucune échéance dans les douze prochains mois.")

action_counts = actions.status_counts(store)
for mission in all_missions:
    mine = standings[standings["mission_code"] == mission["code"]]
    by_status = action_counts.get(mission["code"], {})
    if mine.empty and not by_status and not contract.signed(mission):
        continue
    with st.container(border=True):
        st.subheader(mission["title"])
        st.write("Actions : " + (" · ".join(f"{by_status[s]} {label.lower()}"
                                            for s, label in actions.STATUSES.items()
                                            if s in by_status)
                                 if by_status else "aucune fiche action."))
        if mine.empty:
            st.write("Aucun indicateur pour cette mission.")
            continue
        st.caption("Cliquez sur une ligne pour ouvrir l'indicateur.")
        verdicts.table(mine, f"dashboard_{mission['code']}")
