"""Annuaire: find the professionals of the territory by name, organisation, activity,
profession, commune; export the selection."""

from datetime import date

import altair as alt
import streamlit as st

from portal import ui
from portal.core import reference
from portal.core.exports import XLSX_MIME, csv_bytes, vcards_bytes, xlsx_bytes
from portal.directory import organizations, persons, search, territory
from portal.missions import charts

PAGE_SIZE = 50

actor = ui.require_access("directory")
store = ui.store()
editor = actor.has(*persons.EDITORS)

st.title("Annuaire")
if editor:
    left, right, _ = st.columns([2, 2, 3])
    if left.button("Nouvelle personne", icon=":material/person_add:"):
        st.switch_page(ui.page("person"), query_params={"new": "1"})
    if right.button("Nouvelle structure", icon=":material/domain_add:"):
        st.switch_page(ui.page("organization"), query_params={"new": "1"})

text = st.text_input("Rechercher", placeholder="Nom, structure ou activité (ex. : plaies, ETP)",
                     max_chars=100)
with st.expander("Filtres", icon=":material/filter_list:"):
    columns = st.columns(4)
    with columns[0]:
        profession = ui.choice("Profession", reference.professions(store), empty="Toutes")
        specialty = ui.choice("Spécialité", reference.specialties(store), empty="Toutes")
    with columns[1]:
        communes = {r.code: r.name for r in territory.communes(store).itertuples()}
        commune = ui.choice("Commune", communes, empty="Toutes")
        sector = ui.choice("Secteur", organizations.SECTORS)
    with columns[2]:
        accepts = ui.choice("Accepte de nouveaux patients", persons.ACCEPTS)
        snp = ui.tristate("Soins non programmés")
    with columns[3]:
        member = ui.tristate("Membre de la CPTS")

filters = search.Filters(text=text, profession=profession, specialty=specialty,
                         commune=commune, sector=sector, member=member, accepts=accepts,
                         snp=snp, include_hidden=persons.sees_hidden(actor))
total = search.count_people(store, filters)
if total == 0:
    if search.count_people(store, search.Filters(include_hidden=True)) == 0:
        st.info("L'annuaire est vide : ajoutez une personne ou une structure, ou importez "
                "l'extraction RPPS du territoire.", icon=":material/contacts:")
    else:
        st.info("Personne ne correspond à cette recherche.", icon=":material/search_off:")
    st.stop()

offset = ui.page_offset(total, PAGE_SIZE)
st.caption(f"{total} personne(s). Cliquez sur une ligne pour ouvrir la fiche.")
frame = search.search_people(store, filters, PAGE_SIZE, offset)
ui.clickable_table(search.readable(frame), frame["id"], ui.page("person"), "results")

st.subheader("Par profession")
counts = search.counts_by_profession(store, filters)
st.altair_chart(alt.Chart(counts).mark_bar().encode(
    x=alt.X("people:Q", title="Personnes", axis=charts.count_axis()),
    y=alt.Y("profession:N", sort="-x", title=None),
    tooltip=[alt.Tooltip("profession:N", title="Profession"),
             alt.Tooltip("people:Q", title="Personnes")]), width="stretch")

st.subheader("Exporter la sélection")
stem = f"annuaire-{date.today():%Y%m%d}"
columns = st.columns(3)
columns[0].download_button("CSV (Excel)",
                           lambda: csv_bytes(search.export_frame(store, filters)),
                           file_name=f"{stem}.csv", mime="text/csv", icon=":material/download:",
                           on_click="ignore")
columns[1].download_button(
    "Classeur XLSX", lambda: xlsx_bytes(search.export_frame(store, filters), "Annuaire"),
    file_name=f"{stem}.xlsx", icon=":material/table:",
    mime=XLSX_MIME, on_click="ignore")
columns[2].download_button(
    "Contacts vCard", lambda: vcards_bytes(search.vcard_contacts(store, filters)),
    file_name=f"{stem}.vcf", mime="text/vcard", icon=":material/contact_phone:", on_click="ignore")
