"""Rapport annuel: the year's activity report owed under the ACI, as Word and Excel."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.exports import DOCX_MIME, XLSX_MIME
from portal.core.formats import date_fr
from portal.missions import evidence, progress, report
from portal.ui import verdicts

actor = ui.require_access("report")
store = ui.store()

st.title("Rapport annuel")
st.write("Le rapport d'activité de l'année, par mission : les actions et leur statut, chaque "
         "indicateur avec son objectif, sa valeur et l'écart, les graphiques, et la liste des "
         "pièces justificatives. En Word pour l'envoyer, en Excel pour vérifier les chiffres.")
today = date.today()
year = st.selectbox("Année", list(range(today.year, today.year - 6, -1)))
standings = progress.standings(store, year, today)
documents = evidence.for_year(store, year)
st.caption(f"{len(standings)} indicateur(s), {len(documents)} pièce(s) justificative(s) "
           f"pour {year}.")

# One preparation for both files: drawing the charts is most of the time (about 0,13 s
# each), and a click on a download must not start it again.
if st.button("Préparer le rapport", icon=":material/summarize:", type="primary"):
    with st.spinner("Préparation du rapport et de ses graphiques…"):
        content = report.gather(store, year, today)
        st.session_state["report"] = (year, report.docx(content), report.xlsx(content))
prepared = st.session_state.get("report")
if prepared and prepared[0] == year:
    left, right = st.columns(2)
    left.download_button("Rapport (Word)", prepared[1], file_name=f"rapport-activite-{year}.docx",
                         mime=DOCX_MIME, icon=":material/description:", on_click="ignore")
    right.download_button("Chiffres (Excel)", prepared[2],
                          file_name=f"rapport-activite-{year}.xlsx", mime=XLSX_MIME,
                          icon=":material/table:", on_click="ignore")

st.subheader("Indicateurs de l'année")
if standings.empty:
    st.info("Aucun indicateur : le rapport ne contiendra que les actions. Ajoutez les "
            "indicateurs de votre contrat dans Indicateurs > Nouvel indicateur.",
            icon=":material/monitoring:")
else:
    verdicts.table(standings, "report_standings")
st.subheader("Pièces justificatives de l'année")
if documents.empty:
    st.write("Aucune pièce justificative pour cette année : déposez-les sur la page de "
             "chaque indicateur.")
else:
    ui.table({"Mission": documents["mission"], "Indicateur": documents["indicator"],
              "Document": documents["filename"],
              "Période (début)": documents["period_start"].map(date_fr)})
