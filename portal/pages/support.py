"""Accompagnement des professionnels: the newcomers settling on the territory and what the
CPTS did for them; the training places offered and the students hosted."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core import reference
from portal.core.exports import XLSX_MIME, workbook_bytes
from portal.core.formats import date_fr, md_escape, number_fr
from portal.core.roles import BOARD
from portal.meetings import schedule
from portal.missions import support

actor = ui.require_access("support")
store = ui.store()
editor = actor.has(*support.EDITORS)
board = actor.has(*BOARD)
today = date.today()

st.title("Accompagnement des professionnels")
year = st.selectbox("Année", list(range(today.year, today.year - 6, -1)))
figures = support.year_figures(store, year)
for column, (label, key) in zip(st.columns(4), (
        ("Installations accompagnées", "supported"), ("Installations réalisées", "completed"),
        ("Stages accueillis", "placements"), ("Places de stage offertes", "places")),
        strict=True):
    column.metric(label, number_fr(figures[key]))


def newcomer_list() -> None:
    status = ui.choice("Statut", support.STATUSES, key="newcomers_status")
    listed = support.newcomers(store, status)
    if listed.empty:
        st.info("Aucun nouvel installé" + (" avec ce statut." if status else "")
                + (" : ajoutez le premier ci-dessous." if editor and not status else "."),
                icon=":material/waving_hand:")
    else:
        event = ui.table({"Professionnel": listed["who"], "Profession": listed["profession"],
                          "Commune": listed["commune"],
                          "Attendu le": listed["expected_on"].map(date_fr),
                          "Statut": listed["status"].map(support.STATUSES),
                          "Installé le": listed["settled_on"].map(date_fr),
                          "Démarches": listed["steps"]},
                         # The steps and notes are the board's; members read the list.
                         on_select="rerun" if board else "ignore",
                         selection_mode="single-row", key="newcomers")
        if board and event.selection.rows:
            newcomer(int(listed["id"].iloc[event.selection.rows[0]]))
    if editor:
        with st.expander("Nouvel installé", icon=":material/person_add:"):
            newcomer_form(None)


def newcomer(newcomer_id: int) -> None:
    row = support.get_newcomer(store, newcomer_id)
    st.subheader(md_escape(row["who"]))
    done = support.steps(store, newcomer_id)
    if done.empty:
        st.write("Aucune démarche notée.")
    else:
        ui.table({"Date": done["done_on"].map(date_fr), "Démarche": done["kind"].map(
            support.STEPS), "Précisions": done["text"]})
    if not editor:
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key(f"step_{newcomer_id}")):
        left, right = st.columns(2)
        done_on = left.date_input("Date", today, format="DD/MM/YYYY")
        with left:
            errors.slot("done_on")
        kind = right.selectbox("Démarche", list(support.STEPS), format_func=support.STEPS.get)
        text = st.text_input("Précisions", max_chars=1000)
        sent = st.form_submit_button("Noter la démarche")
    if sent and errors.attempt(support.add_step, store, actor, newcomer_id, done_on, kind,
                               text):
        ui.saved("Démarche notée.", reset=f"step_{newcomer_id}")
    with st.expander("Modifier", icon=":material/edit:"):
        newcomer_form(row)


def newcomer_form(row: dict | None) -> None:
    row = row or {}
    key = f"n{row.get('id', 'new')}"
    errors = ui.FieldErrors()
    person = ui.person_search(store, actor, "Dans l'annuaire (s'il y est déjà)",
                              f"{key}_person", value=row.get("person_id"))
    errors.slot("newcomer")
    professions = reference.professions(store)
    with st.form(f"{key}_form"):
        name = st.text_input("Ou son nom", row.get("name") or "", max_chars=200)
        left, right = st.columns(2)
        profession = left.selectbox("Profession", [None, *professions],
                                    format_func=lambda c: professions.get(c, "Non renseignée"),
                                    index=([None, *professions].index(row["profession_code"])
                                           if row.get("profession_code") else 0))
        expected = right.date_input("Installation prévue le", date.fromisoformat(
            row["expected_on"]) if row.get("expected_on") else None, format="DD/MM/YYYY")
        left, right = st.columns(2)
        status = left.selectbox("Statut", list(support.STATUSES),
                                format_func=support.STATUSES.get,
                                index=list(support.STATUSES).index(row.get("status",
                                                                           "projet")))
        settled = right.date_input("Installé(e) le", date.fromisoformat(row["settled_on"])
                                   if row.get("settled_on") else None, format="DD/MM/YYYY")
        with right:
            errors.slot("settled_on")
        notes = st.text_area("Notes", row.get("notes") or "", max_chars=2000)
        sent = st.form_submit_button("Enregistrer", type="primary")
    if sent and errors.attempt(support.save_newcomer, store, actor, {
            "person_id": person, "name": name, "profession_code": profession,
            "expected_on": expected, "status": status, "settled_on": settled,
            "notes": notes}, row.get("id")):
        ui.saved("Nouvel installé enregistré.")


def training() -> None:
    offered = support.places(store, year)
    st.subheader(f"Places de stage {year}")
    if offered.empty:
        st.write(f"Aucune place de stage déclarée pour {year}.")
    else:
        ui.table({"Maître de stage": offered["name"], "Profession": offered["profession"],
                  "Niveau": offered["level"].map(support.LEVELS),
                  "Places": offered["capacity"]})
    if editor:
        with st.expander("Déclarer des places", icon=":material/school:"):
            errors = ui.FieldErrors()
            supervisor = ui.person_search(store, actor, "Maître de stage",
                                          ui.form_key("places_supervisor"))
            errors.slot("supervisor")
            left, right = st.columns(2)
            level = left.selectbox("Niveau", list(support.LEVELS),
                                   format_func=support.LEVELS.get, key="places_level")
            capacity = right.number_input("Places pour l'année", 1, 20, 1, key="places_count")
            errors.slot("capacity")
            if st.button("Enregistrer les places", key="places_save") and errors.attempt(
                    support.offer_places, store, actor, supervisor, year, level, capacity):
                ui.saved(f"Places {year} enregistrées.", reset="places_supervisor")
    hosted = support.placements(store, year)
    st.subheader(f"Stages accueillis en {year}")
    if hosted.empty:
        st.write("Aucun stage.")
    else:
        ui.table({"Du": hosted["starts_on"].map(date_fr), "Au": hosted["ends_on"].map(date_fr),
                  "Maître de stage": hosted["supervisor"],
                  "Niveau": hosted["level"].map(support.LEVELS), "École": hosted["school"],
                  # Named with their consent to the CPTS: the board reads it, not members.
                  "Étudiant": hosted["student_name"].map(
                      lambda n: n if isinstance(n, str) and board else "(non nommé)")})
    if not editor:
        return
    with st.expander("Nouveau stage", icon=":material/add:"):
        errors = ui.FieldErrors()
        supervisor = ui.person_search(store, actor, "Maître de stage",
                                      ui.form_key("placement_supervisor"))
        errors.slot("supervisor")
        with st.form(ui.form_key("placement")):
            left, middle, right = st.columns(3)
            level = left.selectbox("Niveau", list(support.LEVELS),
                                   format_func=support.LEVELS.get)
            starts = middle.date_input("Du", today, format="DD/MM/YYYY")
            ends = right.date_input("Au", today, format="DD/MM/YYYY")
            errors.slot("dates")
            school = st.text_input("École ou faculté", max_chars=200)
            left, right = st.columns(2)
            name = left.text_input("Nom de l'étudiant (facultatif)", max_chars=200)
            consent = right.checkbox("L'étudiant accepte que son nom soit enregistré")
            errors.slot("student_name")
            sent = st.form_submit_button("Enregistrer le stage", type="primary")
        if sent and errors.attempt(support.add_placement, store, actor, supervisor, level,
                                   starts, ends, school, name, consent):
            ui.saved("Stage enregistré.", reset="placement_supervisor")
    if not hosted.empty:
        ui.removal("Retirer un stage", "Stage", {
            int(r.id): f"{date_fr(r.starts_on)} – {r.supervisor}" for r in hosted.itertuples()},
            lambda placement_id: support.remove_placement(store, actor, placement_id),
            "Stage retiré.", key="remove_placement")


if board:
    st.download_button(f"Nouveaux installés et stages {year} (XLSX)",
                       lambda: workbook_bytes(support.export_sheets(store, year)),
                       file_name=f"accompagnement-{year}.xlsx", mime=XLSX_MIME,
                       icon=":material/table:", on_click="ignore")
def welcome() -> None:
    """The welcome actions (soirée d'accueil, présentation du guide...): the year's
    meetings of the support mission."""
    held = schedule.list_meetings(store, schedule.Filters(
        between=(date(year, 1, 1), date(year + 1, 1, 1)), mission="complementaire_2"),
        limit=100)
    if held.empty:
        st.info(f"Aucune action d'accueil en {year}. Une soirée d'accueil des nouveaux "
                "installés est une réunion rattachée à la mission « Accompagnement des "
                "professionnels de santé » (page Réunions).", icon=":material/celebration:")
        return
    ui.clickable_table({"Date": held["starts_at"].map(date_fr), "Action": held["title"],
                        "Invités": held["invited"], "Présents": held["present"]},
                       held["id"], ui.page("meeting"), "welcome_meetings")


newcomers_tab, training_tab, welcome_tab = st.tabs(["Nouveaux installés", "Stages",
                                                    "Actions d'accueil"])
with newcomers_tab:
    newcomer_list()
with training_tab:
    training()
with welcome_tab:
    welcome()
