"""Réunions: upcoming and past meetings as a list or a month calendar, filtered by kind,
mission, action or person. A member sees the meetings they are invited to."""

import calendar
from dataclasses import replace
from datetime import date

import streamlit as st
from dateutil.relativedelta import relativedelta

from portal import ui
from portal.core.formats import md_escape
from portal.meetings import schedule
from portal.missions import aci, actions

PAGE_SIZE = 50
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")

actor = ui.require_access("meetings")
store = ui.store()
editor = actor.has(*schedule.EDITORS)


def month_calendar(filters: schedule.Filters) -> None:
    """A month grid, Monday first; each meeting links to its page."""
    first = st.session_state.setdefault("calendar_month", date.today().replace(day=1))
    back, title, forward = st.columns([1, 3, 1])
    if back.button("Mois précédent", icon=":material/chevron_left:"):
        st.session_state["calendar_month"] = first - relativedelta(months=1)
        st.rerun()
    if forward.button("Mois suivant", icon=":material/chevron_right:"):
        st.session_state["calendar_month"] = first + relativedelta(months=1)
        st.rerun()
    title.subheader(f"{MONTHS[first.month - 1].capitalize()} {first.year}")
    last = first + relativedelta(months=1)
    frame = schedule.list_meetings(store, replace(filters, between=(first, last)), 1000)
    by_day: dict[int, list] = {}
    for row in frame.itertuples():
        by_day.setdefault(int(row.starts_at[8:10]), []).append(row)
    header = st.columns(7)
    for column, name in zip(header, schedule.WEEKDAYS):
        column.caption(name.capitalize())
    for week in calendar.Calendar().monthdayscalendar(first.year, first.month):
        for column, day in zip(st.columns(7, border=True), week):
            if not day:
                continue
            column.caption(str(day))
            for row in sorted(by_day.get(day, []), key=lambda r: r.starts_at):
                # A link is one line: the time opens the meeting, the title wraps below.
                column.page_link(ui.page("meeting"), query_params={"id": str(row.id)},
                                 label=row.starts_at[11:16], icon=":material/event:")
                column.caption(("ANNULÉE – " if row.cancelled else "") + md_escape(row.title))
    if frame.empty:
        st.caption("Aucune réunion ce mois-ci.")


st.title("Réunions")
person = None if editor else ui.linked_person(
    store, actor, "les réunions auxquelles vous êtes invité")

left, right = st.columns(2)
if editor and left.button("Nouvelle réunion", icon=":material/add:"):
    st.switch_page(ui.page("meeting"), query_params={"new": "1"})
right.download_button("Réunions à venir (.ics)",
                      lambda: schedule.upcoming_ics(store, person=person),
                      file_name="reunions-cpts.ics", mime="text/calendar",
                      icon=":material/calendar_month:",
                      help="À importer dans votre agenda (Outlook, Thunderbird, Google, "
                           "téléphone).", on_click="ignore")

view, period_column = st.columns(2)
shown_as = view.segmented_control("Affichage", ["Liste", "Calendrier"], default="Liste")
period = period_column.segmented_control("Période", ["À venir", "Passées", "Toutes"],
                                         default="Toutes" if "person" in st.query_params
                                         else "À venir", disabled=shown_as == "Calendrier")
columns = st.columns(4 if editor else 2)
with columns[0]:
    kind = ui.choice("Type", schedule.KINDS, key="meetings_kind", empty="Tous")
with columns[1]:
    mission = ui.choice("Mission", {m["code"]: m["title"]
                                    for m in aci.all_missions(store)},
                        key="meetings_mission", empty="Toutes")
action = None
if editor:
    with columns[2]:
        action = ui.choice("Action", {int(r.id): f"n°{r.number} {r.title}"
                                      for r in actions.list_actions(store).itertuples()},
                           key="meetings_action", empty="Toutes")
    with columns[3]:
        wanted = st.query_params.get("person", "")
        person = ui.person_search(store, actor, "Personne invitée", "meetings_person",
                                  value=int(wanted) if wanted.isdigit() else None)
filters = schedule.Filters(
    upcoming=None if shown_as == "Calendrier" else {"À venir": True, "Passées": False}
    .get(period), kind=kind, mission=mission, action=action, person=person)
if shown_as == "Calendrier":
    month_calendar(filters)
    st.stop()

total = schedule.count_meetings(store, filters)
if total == 0:
    st.info("Aucune réunion" + (" à venir" if filters.upcoming else "")
            + (" pour ces critères." if kind or mission or action else ".")
            + (" Créez-en une avec « Nouvelle réunion »." if editor else ""),
            icon=":material/event_busy:")
    st.stop()
offset = ui.page_offset(total, PAGE_SIZE)
frame = schedule.list_meetings(store, filters, PAGE_SIZE, offset)
st.caption(f"{total} réunion(s). Cliquez sur une ligne pour ouvrir la réunion.")
shown = schedule.listing(frame).assign(Lieu=frame["place"].to_numpy(),
                                       Invités=frame["invited"].to_numpy(),
                                       Présents=frame["present"].to_numpy())
# Widths that fit a laptop screen: long kinds and titles are cut, not the columns after.
ui.clickable_table(shown, frame["id"], ui.page("meeting"), "meetings_table", column_config={
    "Quand": st.column_config.TextColumn(width=205),
    "Type": st.column_config.TextColumn(width=150),
    "Intitulé": st.column_config.TextColumn(width=230),
    "Lieu": st.column_config.TextColumn(width=160),
    "Invités": st.column_config.NumberColumn(width=65),
    "Présents": st.column_config.NumberColumn(width=75)})
