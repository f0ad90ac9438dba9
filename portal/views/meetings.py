"""Réunions: upcoming and past meetings, filtered by kind and mission; the calendar."""

import streamlit as st

from portal import meetings, missions, ui

PAGE_SIZE = 50

actor = ui.require_access("meetings")
store = ui.store()

st.title("Réunions")
left, right = st.columns(2)
if actor.has(*meetings.EDITORS) and left.button("Nouvelle réunion", icon=":material/add:"):
    st.switch_page("views/meeting.py", query_params={"new": "1"})
right.download_button("Réunions à venir (.ics)", lambda: meetings.upcoming_ics(store),
                      file_name="reunions-cpts.ics", mime="text/calendar",
                      icon=":material/calendar_month:",
                      help="À importer dans votre agenda (Outlook, Thunderbird, Google, "
                           "téléphone).")

columns = st.columns(3)
period = columns[0].segmented_control("Période", ["À venir", "Passées", "Toutes"],
                                      default="À venir")
with columns[1]:
    kind = ui.choice("Type", meetings.KINDS, key="meetings_kind", empty="Tous")
with columns[2]:
    mission = ui.choice("Mission", {m["code"]: m["title"]
                                    for m in missions.all_missions(store)},
                        key="meetings_mission", empty="Toutes")
filters = meetings.Filters(upcoming={"À venir": True, "Passées": False}.get(period),
                           kind=kind, mission=mission)
total = meetings.count_meetings(store, filters)
if total == 0:
    st.info("Aucune réunion" + (" à venir" if filters.upcoming else "")
            + (" pour ces critères." if kind or mission else ".")
            + (" Créez-en une avec « Nouvelle réunion »." if actor.has(*meetings.EDITORS)
               else ""), icon=":material/event_busy:")
    st.stop()
offset = ui.page_offset(total, PAGE_SIZE)
frame = meetings.list_meetings(store, filters, PAGE_SIZE, offset)
st.caption(f"{total} réunion(s). Cliquez sur une ligne pour ouvrir la réunion.")
shown = {
    "Quand": [meetings.when(r.starts_at, r.ends_at) for r in frame.itertuples()],
    "Type": frame["kind"].map(meetings.KINDS),
    "Intitulé": [("ANNULÉE – " if r.cancelled else "") + r.title for r in frame.itertuples()],
    "Lieu": frame["place"], "Invités": frame["invited"], "Présents": frame["present"],
}
ui.clickable_table(shown, frame["id"], "views/meeting.py", "meetings_table")
