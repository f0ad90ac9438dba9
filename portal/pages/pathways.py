"""Parcours (socle 2): the CPTS's care pathways, their theme and status, who takes part,
their protocols and the patients included."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.exports import XLSX_MIME, xlsx_bytes
from portal.core.formats import date_fr, number_fr
from portal.core.roles import BOARD
from portal.missions import pathways
from portal.ui import lists, protocols

PAGE_SIZE = 50

actor = ui.require_access("pathways")
store = ui.store()
editor = actor.has(*pathways.EDITORS)
members_view = not actor.has(*BOARD)

st.title("Parcours pluriprofessionnels")
if editor and st.button("Nouveau parcours", icon=":material/add:"):
    st.switch_page(ui.page("pathway"), query_params={"new": "1"})
if editor:
    with st.expander("Modifier la liste des thèmes", icon=":material/edit_note:"):
        lists.editor(store, actor, pathways.THEMES, "Thème", "Parcours",
                     "Ex. : BPCO, obésité de l'enfant")
status = ui.choice("Statut", pathways.STATUSES, key="pathways_status")


def pathway_list() -> None:
    total = pathways.count_pathways(store, status, members_view)
    if not total:
        st.info("Aucun parcours" + (" avec ce statut." if status else ".")
                + (" Créez le premier avec « Nouveau parcours »." if editor and not status
                   else ""), icon=":material/route:")
        return
    st.caption(f"{number_fr(total)} parcours. Cliquez sur une ligne pour l'ouvrir.")
    offset = ui.page_offset(total, PAGE_SIZE, key="pathways_page")
    frame = pathways.pathways(store, status, members_view, PAGE_SIZE, offset)
    ui.clickable_table({"Parcours": frame["title"], "Thème": frame["theme"],
                        "Statut": frame["status"].map(pathways.STATUSES),
                        "Depuis le": frame["started_on"].map(date_fr),
                        "Acteurs": frame["members"], "Protocoles": frame["protocols"],
                        "Patients inclus": frame["included"]},
                       frame["id"], ui.page("pathway"), "pathways")
    year = date.today().year
    st.download_button(f"Parcours et chiffres {year} (XLSX)",
                       lambda: xlsx_bytes(pathways.readable(pathways.for_year(store, year)),
                                          "Parcours"),
                       file_name=f"parcours-{year}.xlsx", mime=XLSX_MIME,
                       icon=":material/table:", on_click="ignore")


pathway_list()
protocols.section(store, actor, None)
