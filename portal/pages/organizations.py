"""Structures: the organisations of the territory (MSP, pharmacies, hospital, EHPAD...)."""

import streamlit as st

from portal import ui
from portal.core.validation import phone_display
from portal.directory import organizations, persons

PAGE_SIZE = 50

actor = ui.require_access("organizations")
store = ui.store()

st.title("Structures")
if actor.has(*persons.EDITORS) and st.button("Nouvelle structure",
                                             icon=":material/domain_add:"):
    st.switch_page(ui.page("organization"), query_params={"new": "1"})

columns = st.columns(3)
text = columns[0].text_input("Rechercher", placeholder="Nom ou commune", max_chars=100)
with columns[1]:
    kind = ui.choice("Type", organizations.KINDS)
with columns[2]:
    sector = ui.choice("Secteur", organizations.SECTORS)

frame, total = organizations.list_organizations(store, text, kind, sector, limit=1)
if total == 0:
    st.info("Aucune structure ne correspond." if text or kind or sector else
            "Aucune structure : ajoutez la première.", icon=":material/domain:")
    st.stop()
offset = ui.page_offset(total, PAGE_SIZE)
frame, total = organizations.list_organizations(store, text, kind, sector, PAGE_SIZE, offset)
st.caption(f"{total} structure(s). Cliquez sur une ligne pour ouvrir la fiche.")
shown = frame.assign(kind=frame["kind"].map(organizations.KINDS),
                     sector=frame["sector"].map(organizations.SECTORS),
                     phone=frame["phone"].map(phone_display))
ui.clickable_table(shown.drop(columns=["id"]).fillna("").rename(columns={
    "name": "Nom", "kind": "Type", "sector": "Secteur", "commune": "Commune",
    "phone": "Téléphone", "people": "Personnes"}), frame["id"], ui.page("organization"), "orgs")
