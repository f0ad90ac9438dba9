"""Importer: the RPPS / ADELI public extraction for the territory, or a spreadsheet of
people or organisations; everything checked before anything is written."""

import streamlit as st

from portal import ui
from portal.core.errors import PortalError
from portal.core.formats import md_escape, number_fr
from portal.directory import rpps, spreadsheets
from portal.ui import spreadsheet

actor = ui.require_access("directory_import")
store = ui.store()

st.title("Importer")
rpps_tab, table_tab = st.tabs(["Extraction RPPS", "Tableur (CSV, XLSX)"])


def spreadsheet_tab() -> None:
    """A coordinator's own list: map its columns, check every line, import all or none."""
    kind = st.radio("Contenu", list(spreadsheets.KINDS), horizontal=True,
                    format_func=spreadsheets.KINDS.get)
    spreadsheet.importer(f"table_{kind}",
                         {f: label for f, (label, _) in spreadsheets.targets(kind).items()},
                         lambda headers: spreadsheets.guess_mapping(kind, headers),
                         lambda table, mapping, dry_run: spreadsheets.import_table(
                        store, actor, table, mapping, kind, dry_run=dry_run))


def rpps_extraction() -> None:
    """The national extraction: analyse (dry run), then import on confirmation."""
    st.write("Téléchargez l'extraction publique de l'Annuaire Santé (fichier "
             "« PS_LibreAcces_Personne_activite », .txt ou l'archive .zip) puis déposez-la "
             "ici. Seuls les professionnels exerçant dans les communes du territoire sont "
             "retenus. Rien n'est écrit avant votre confirmation.")
    st.caption("Le fichier national complet (800 Mo) dépasse la taille d'envoi : déposez "
               "l'archive .zip, ou lancez `python -m portal import-rpps FICHIER` sur le "
               "serveur.")
    upload = st.file_uploader("Extraction RPPS", type=["txt", "zip"], key="rpps_file")
    if upload is not None and st.button("Analyser le fichier", type="primary",
                                        icon=":material/search:"):
        try:
            with st.spinner("Lecture du fichier…"):
                st.session_state["rpps_plan"] = (upload.name, rpps.plan(
                    store, rpps.read_upload(upload.getvalue())))
        except PortalError as error:
            st.session_state.pop("rpps_plan", None)
            ui.refuse(error)
    if "rpps_plan" not in st.session_state:
        return
    name, result = st.session_state["rpps_plan"]
    st.subheader(f"Analyse de {md_escape(name)}")
    if result.errors:
        st.error(f"{len(result.errors)} ligne(s) en erreur : rien ne sera importé. Corrigez "
                 "ou téléchargez de nouveau le fichier.", icon=":material/error:")
        ui.table({"Erreur": result.errors})
        return
    columns = st.columns(3)
    for column, (label, count) in zip(columns * 2, result.summary().items()):
        column.metric(label.capitalize(), number_fr(count))
    if result.conflicts:
        with st.expander(f"Modifications faites à la main, conservées ({len(result.conflicts)})"):
            ui.table({"Différence": result.conflicts})
    if result.warnings:
        with st.expander(f"Coordonnées ignorées car invalides ({len(result.warnings)})"):
            ui.table({"Avertissement": result.warnings})
    confirmed = st.checkbox("Je confirme l'import de ces changements dans l'annuaire")
    if st.button("Importer", type="primary", icon=":material/upload:", key="rpps_import"):
        if not confirmed:
            st.error("Cochez la case pour confirmer.")
            return
        try:
            rpps.apply(store, actor, result, rpps.source_date(name))
        except PortalError as error:
            ui.refuse(error)
        else:
            st.session_state.pop("rpps_plan")
            st.success(f"Import terminé : {len(result.new)} personne(s) ajoutée(s), "
                       f"{len(result.updated)} mise(s) à jour.", icon=":material/check_circle:")


with table_tab:
    spreadsheet_tab()

with rpps_tab:
    rpps_extraction()
