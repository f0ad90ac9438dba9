"""Prévention (socle 3): the year's events, past and planned, by theme; the calendar with
the national campaigns; the figures the indicators read."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.exports import XLSX_MIME, csv_bytes, xlsx_bytes
from portal.core.formats import date_fr, number_fr
from portal.core.roles import BOARD
from portal.missions import prevention
from portal.ui import lists

PAGE_SIZE = 50

actor = ui.require_access("prevention")
store = ui.store()
editor = actor.has(*prevention.EDITORS)
today = date.today()

st.title("Prévention")
if editor and st.button("Nouvel événement", icon=":material/add:"):
    st.switch_page(ui.page("prevention_event"), query_params={"new": "1"})
left, right = st.columns(2)
year = left.selectbox("Année", list(range(today.year + 1, today.year - 5, -1)), index=1)
with right:
    theme = ui.choice("Thème", prevention.THEMES.offered(store), key="prevention_theme")
filters = prevention.Filters(year, theme, members_view=not actor.has(*BOARD))

year_figures = prevention.summary(store, filters, today)
one, two, three, four, five = st.columns(5)
one.metric("Événements tenus", number_fr(year_figures["held"]))
two.metric("Prévus", number_fr(year_figures["planned"]))
three.metric("Personnes touchées", number_fr(year_figures["reached"]))
four.metric("Professionnels", number_fr(year_figures["professionals"]),
            help="Professionnels différents ayant animé un événement tenu.")
five.metric("Communes", number_fr(year_figures["communes"]))

total = prevention.count_events(store, filters)
events_tab, calendar_tab, themes_tab = st.tabs(["Événements", "Calendrier", "Par thème"])
with events_tab:
    if not total:
        st.info(f"Aucun événement de prévention en {year}"
                + (" pour ce thème." if theme else ".")
                + (" Ajoutez-en avec « Nouvel événement »." if editor else ""),
                icon=":material/health_and_safety:")
    else:
        st.caption(f"{total} événement(s). Cliquez sur une ligne pour l'ouvrir.")
        offset = ui.page_offset(total, PAGE_SIZE, key=f"prevention_page_{year}")
        frame = prevention.events(store, filters, PAGE_SIZE, offset)
        ui.clickable_table(
            {"Date": frame["held_on"].map(date_fr), "Intitulé": frame["title"],
             "Thème": frame["theme"], "Format": frame["format"].map(prevention.FORMATS),
             "Commune": frame["commune"], "Professionnels": frame["professionals"],
             "Personnes touchées": frame["reached"],
             "État": ["Prévu" if d > today.isoformat() else "Tenu" for d in frame["held_on"]]},
            frame["id"], ui.page("prevention_event"), f"prevention_{year}")
        stem = f"prevention-{year}"
        first, second = st.columns(2)
        first.download_button("CSV (Excel)",
                              lambda: csv_bytes(prevention.export_frame(store, filters)),
                              file_name=f"{stem}.csv", mime="text/csv",
                              icon=":material/download:", on_click="ignore")
        second.download_button(
            "Classeur XLSX",
            lambda: xlsx_bytes(prevention.export_frame(store, filters), "Prévention"),
            file_name=f"{stem}.xlsx", mime=XLSX_MIME, icon=":material/table:",
            on_click="ignore")
with calendar_tab:
    months = prevention.calendar_of(store, filters, today)
    ui.table({"Mois": months["month"], "Tenus": months["held"], "Prévus": months["planned"],
              "Campagnes nationales": months["campaigns"]})
    st.caption("Campagnes nationales de " + str(year) + " : " + " ; ".join(
        f"{prevention.CAMPAIGNS[code]} du {date_fr(first)} au {date_fr(last)}"
        for code, (first, last) in prevention.campaign_dates(year).items()) + ".")
with themes_tab:
    if editor:
        with st.expander("Modifier la liste des thèmes", icon=":material/edit_note:"):
            lists.editor(store, actor, prevention.THEMES, "Thème", "Événements",
                         "Ex. : santé bucco-dentaire")
    figures = prevention.by_theme(store, filters, today)
    ui.table({"Thème": figures["theme"], "Tenus": figures["held"],
              "Prévus": figures["planned"], "Personnes touchées": figures["reached"],
              "Professionnels mobilisés": figures["professionals"],
              "Communes": figures["communes"]})
