"""Importer: the RPPS / ADELI public extraction for the territory, checked before writing."""

import streamlit as st

from portal import rpps, ui
from portal.errors import PortalError
from portal.formats import number_fr

actor = ui.require_access("directory_import")
store = ui.store()

st.title("Importer l'extraction RPPS")
st.write("Téléchargez l'extraction publique de l'Annuaire Santé (fichier "
         "« PS_LibreAcces_Personne_activite », .txt ou l'archive .zip) puis déposez-la ici. "
         "Seuls les professionnels exerçant dans les communes du territoire sont retenus. "
         "Rien n'est écrit avant votre confirmation.")
st.caption("Le fichier national complet (800 Mo) dépasse la taille d'envoi : déposez l'archive "
           ".zip, ou lancez `python -m portal import-rpps FICHIER` sur le serveur.")

upload = st.file_uploader("Extraction RPPS", type=["txt", "zip"], key="rpps_file")
if upload is not None and st.button("Analyser le fichier", type="primary",
                                    icon=":material/search:"):
    try:
        with st.spinner("Lecture du fichier…"):
            st.session_state["rpps_plan"] = (upload.name, rpps.plan(
                store, rpps.read_upload(upload.getvalue())))
    except PortalError as error:
        st.session_state.pop("rpps_plan", None)
        st.error(error.message, icon=":material/error:")

if "rpps_plan" not in st.session_state:
    st.stop()
name, result = st.session_state["rpps_plan"]
st.subheader(f"Analyse de {name}")
if result.errors:
    st.error(f"{len(result.errors)} ligne(s) en erreur : rien ne sera importé. Corrigez ou "
             "téléchargez de nouveau le fichier.", icon=":material/error:")
    st.dataframe({"Erreur": result.errors}, hide_index=True, width="stretch")
    st.stop()

columns = st.columns(4)
for column, (label, count) in zip(columns * 2, result.summary().items()):
    column.metric(label.capitalize(), number_fr(count))
if result.conflicts:
    with st.expander(f"Modifications faites à la main, conservées ({len(result.conflicts)})"):
        st.dataframe({"Différence": result.conflicts}, hide_index=True, width="stretch")
if result.warnings:
    with st.expander(f"Coordonnées ignorées car invalides ({len(result.warnings)})"):
        st.dataframe({"Avertissement": result.warnings}, hide_index=True, width="stretch")

confirmed = st.checkbox("Je confirme l'import de ces changements dans l'annuaire")
if st.button("Importer", type="primary", icon=":material/upload:"):
    if not confirmed:
        st.error("Cochez la case pour confirmer.")
        st.stop()
    try:
        rpps.apply(store, actor, result, rpps.source_date(name))
    except PortalError as error:
        st.error(error.message)
    else:
        st.session_state.pop("rpps_plan")
        st.success(f"Import terminé : {len(result.new)} personne(s) ajoutée(s), "
                   f"{len(result.updated)} mise(s) à jour.", icon=":material/check_circle:")
