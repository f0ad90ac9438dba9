"""Campagne: results per question (overall, by profession, by commune), the volunteers of
each mission to invite to its working group, comments, the sheets, the questions, and a
comparison with another campaign; the blank questionnaire and the answers to download."""

import pandas as pd
import streamlit as st

from portal import ui
from portal.core import validation
from portal.core.exports import DOCX_MIME, XLSX_MIME, csv_bytes, xlsx_bytes
from portal.core.formats import date_fr, md_escape, number_fr
from portal.directory import territory
from portal.meetings import attendance, schedule
from portal.missions import aci, charts
from portal.questionnaires import campaigns, figures, responses
from portal.ui import spreadsheet

PAGE_SIZE = 50

actor = ui.require_access("campaign")
store = ui.store()
editor = actor.has(*campaigns.EDITORS)


def percent(share) -> str:
    return "" if pd.isna(share) else f"{number_fr(100 * share, 0)} %"


def sheet(response_id: int) -> None:
    """One person's sheet, opened from the list or from a refused duplicate."""
    response = responses.get_response(store, response_id)
    if response is None or response["campaign_id"] != campaign["id"]:
        return
    with st.container(border=True):
        st.subheader(f"Réponse de {md_escape(response['first_name'])} "
                     f"{md_escape(response['last_name'])}")
        st.caption(f"Reçue le {date_fr(response['received_on'])} · "
                   f"{responses.CHANNELS[response['channel']]} · "
                   + ("complète" if response["complete"] else "incomplète"))
        for question in campaigns.questions(store, campaign["id"], archived=True):
            given = response["answers"].get(question["id"], [])
            st.text(f"{question['label']} : " + (", ".join(
                campaigns.ANSWER_LABELS.get(v, v) for v in given) or "—"))
        if editor:
            confirmed = st.checkbox("Je confirme la suppression de cette réponse")
            if st.button("Supprimer cette réponse", icon=":material/delete:") and confirmed:
                responses.delete_response(store, actor, response_id)
                st.query_params.pop("response")
                ui.saved("Réponse supprimée.")


def results() -> None:
    counts = figures.summary(store, campaign["id"])
    columns = st.columns(3)
    columns[0].metric("Réponses", number_fr(counts["responses"]))
    columns[1].metric("Dont incomplètes", number_fr(counts["responses"] - counts["complete"]))
    columns[2].metric("Taux de réponse", percent(counts["rate"]) or "—",
                      help=f"Sur les {number_fr(counts['professionals'])} professionnels "
                           "de l'annuaire (fiches actives du territoire).")
    if not counts["responses"]:
        st.info("Aucune réponse pour l'instant.", icon=":material/inbox:")
        return
    by = st.segmented_control("Répartition", ["Ensemble", "Par profession", "Par commune"],
                              default="Ensemble", key="results_by")
    frame = figures.shares(store, campaign["id"],
                           {"Par profession": "profession", "Par commune": "commune"}.get(by))
    for question_id, rows in frame.groupby("question_id", sort=False):
        st.altair_chart(charts.answers_chart(rows, rows["label"].iloc[0]), width="stretch")


def volunteers_tab() -> None:
    closed = [q for q in campaigns.questions(store, campaign["id"])
              if "oui" in campaigns.choices(q)]
    if not closed:
        st.write("Aucune question Oui / Non dans cette campagne.")
        return
    labels = {q["id"]: q["label"] for q in closed}
    chosen = st.selectbox("Ont répondu Oui à", list(labels), format_func=labels.get,
                          index=min(1, len(labels) - 1))
    people = figures.volunteers(store, campaign["id"], chosen)
    st.caption(f"{len(people)} volontaire(s).")
    if people.empty:
        return
    shown = people.drop(columns=["id"]).assign(
        phone=people["phone"].map(validation.phone_display)).rename(columns={
        "last_name": "Nom", "first_name": "Prénom", "profession": "Profession",
        "commune": "Commune", "phone": "Téléphone", "email": "E-mail"})
    ui.table(shown)
    st.download_button("Liste des volontaires (CSV)", csv_bytes(shown),
                       file_name=f"volontaires-campagne-{campaign['id']}.csv", mime="text/csv",
                       icon=":material/download:", on_click="ignore")
    if actor.has(*schedule.EDITORS):
        upcoming = schedule.list_meetings(store, schedule.Filters(upcoming=True), 200)
        if upcoming.empty:
            st.caption("Créez la réunion du groupe de travail pour y inviter ces volontaires.")
            return
        options = {int(r.id): f"{schedule.when(r.starts_at, r.ends_at)} – {r.title}"
                   for r in upcoming.itertuples()}
        meeting_id = st.selectbox("Les inviter à la réunion", list(options),
                                  format_func=options.get)
        if st.button("Inviter les volontaires", icon=":material/group_add:"):
            added = attendance.invite(store, actor, meeting_id, people["id"].tolist())
            st.success(f"{added} volontaire(s) invité(s) ; les autres l'étaient déjà.",
                       icon=":material/check_circle:")


def sheets_tab() -> None:
    incomplete = st.toggle("Seulement les réponses incomplètes")
    counts = figures.summary(store, campaign["id"])
    total = counts["responses"] - counts["complete"] if incomplete else counts["responses"]
    if not total:
        st.write("Aucune réponse.")
        return
    offset = ui.page_offset(total, PAGE_SIZE, key="sheets_page")
    frame = responses.list_responses(store, campaign["id"], incomplete, PAGE_SIZE, offset)
    st.caption(f"{total} réponse(s). Cliquez sur une ligne pour la voir.")
    shown = {"Nom": frame["last_name"], "Prénom": frame["first_name"],
             "Profession": frame["profession"].fillna(""),
             "Reçue le": frame["received_on"].map(date_fr),
             "Canal": frame["channel"].map(responses.CHANNELS),
             "Complète": frame["complete"].map({1: "Oui", 0: "Non"})}
    event = ui.table(shown, on_select="rerun",
                     selection_mode="single-row", key="sheets_table")
    if event.selection.rows:
        st.query_params["response"] = str(int(frame["id"].iloc[event.selection.rows[0]]))
        st.rerun()


def questions_tab() -> None:
    every = campaigns.questions(store, campaign["id"], archived=True)
    current = [q for q in every if not q["archived"]]
    for number, question in enumerate(current, 1):
        text, up, down, remove = st.columns([8, 1, 1, 1])
        text.text(f"{number}. {question['label']} ({campaigns.KINDS[question['kind']]})")
        if not editor:
            continue
        if up.button("", icon=":material/arrow_upward:", key=f"up_{question['id']}",
                     disabled=number == 1, help="Monter"):
            campaigns.move_question(store, actor, question["id"], -1)
            st.rerun()
        if down.button("", icon=":material/arrow_downward:", key=f"down_{question['id']}",
                       disabled=number == len(current), help="Descendre"):
            campaigns.move_question(store, actor, question["id"], 1)
            st.rerun()
        if remove.button("", icon=":material/delete:", key=f"remove_{question['id']}",
                         help="Retirer (archivée si elle a déjà des réponses)"):
            outcome = campaigns.remove_question(store, actor, question["id"])
            st.session_state["question_notice"] = (
                "Question archivée : ses réponses restent dans les résultats et les exports."
                if outcome == "archived" else "Question supprimée.")
            st.rerun()
    if notice := st.session_state.pop("question_notice", None):
        st.info(notice, icon=":material/archive:")
    archived = [q for q in every if q["archived"]]
    if archived:
        st.caption("Questions archivées : " + " · ".join(q["label"] for q in archived))
        if editor:
            labels = {q["id"]: q["label"] for q in archived}
            chosen = st.selectbox("Rétablir une question archivée", list(labels),
                                  format_func=labels.get)
            if st.button("Rétablir"):
                campaigns.restore_question(store, actor, chosen)
                ui.saved("Question rétablie.")
    if not editor:
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key("question")):
        st.write("**Ajouter une question**")
        kind = st.selectbox("Type", list(campaigns.KINDS),
                            format_func=campaigns.KINDS.get)
        errors.slot("question_kind")
        label = st.text_input("Question", max_chars=300)
        errors.slot("question_label")
        options = st.text_area("Choix (un par ligne, pour un choix unique ou multiple)",
                               height=100)
        errors.slot("question_options")
        all_missions = {m["code"]: m["title"] for m in aci.all_missions(store)}
        mission = st.selectbox("Mission concernée (facultatif)", [None, *all_missions],
                               format_func=lambda c: "Aucune" if c is None
                               else all_missions[c])
        sent = st.form_submit_button("Ajouter la question")
    if sent and errors.attempt(campaigns.add_question, store, actor, campaign["id"], kind,
                               label, options.splitlines(), mission):
        ui.saved("Question ajoutée.", reset="question")


def compare_tab() -> None:
    others = {int(r.id): r.title for r in campaigns.list_campaigns(store).itertuples()
              if r.id != campaign["id"]}
    if not others:
        st.write("Il faut une autre campagne pour comparer.")
        return
    before = st.selectbox("Campagne précédente", list(others), format_func=others.get,
                          index=None, placeholder="Choisir une campagne…")
    if before is None:
        return
    frame = figures.compare(store, before, campaign["id"])
    ui.table({"Question": frame["label"],
              "Oui avant": frame["share_before"].map(percent),
              "Réponses avant": frame["answered_before"].fillna(0).astype(int),
              "Oui maintenant": frame["share_after"].map(percent),
              "Réponses maintenant": frame["answered_after"].fillna(0).astype(int),
              "Évolution (points)": frame["change"].map(
                  lambda v: "" if pd.isna(v) else f"{100 * v:+.0f}")})


st.page_link(ui.page("campaigns"), label="Retour aux questionnaires",
             icon=":material/arrow_back:")
campaign = ui.record_page(lambda i: campaigns.get_campaign(store, i), None, False, "",
                          "Campagne", "Choisissez une campagne dans la liste.",
                          ":material/quiz:")
st.title(md_escape(campaign["title"]))
st.caption(" · ".join(part for part in (
    campaign["territory"],
    f"retour attendu le {date_fr(campaign['return_by'])}" if campaign["return_by"] else "",
    "close" if campaign["closed"] else "ouverte") if part))
columns = st.columns(4)
columns[0].download_button(
    "Questionnaire vierge (Word)",
    lambda: campaigns.blank_docx(store, campaign["id"], territory.name(store)),
    file_name=f"questionnaire-{campaign['id']}.docx", mime=DOCX_MIME,
    icon=":material/print:", on_click="ignore")
columns[1].download_button(
    "Réponses (Excel)", lambda: xlsx_bytes(responses.export_frame(store, campaign["id"])),
    file_name=f"reponses-campagne-{campaign['id']}.xlsx", mime=XLSX_MIME,
    icon=":material/table:", on_click="ignore")
columns[2].download_button(
    "Réponses (CSV)", lambda: csv_bytes(responses.export_frame(store, campaign["id"])),
    file_name=f"reponses-campagne-{campaign['id']}.csv", mime="text/csv",
    icon=":material/download:", on_click="ignore")
if editor and not campaign["closed"]:
    columns[3].page_link(ui.page("survey_entry"), label="Saisir des réponses",
                         query_params={"campaign": str(campaign["id"])},
                         icon=":material/keyboard:")
if st.query_params.get("response", "").isdigit():
    sheet(int(st.query_params["response"]))

tabs = st.tabs(["Résultats", "Volontaires", "Commentaires", "Réponses", "Questions",
                "Comparer", *(["Importer"] if editor and not campaign["closed"] else [])])
with tabs[0]:
    results()
with tabs[1]:
    volunteers_tab()
with tabs[2]:
    written = figures.count_comments(store, campaign["id"])
    if not written:
        st.write("Aucun commentaire.")
    else:
        st.caption(f"{written} commentaire(s).")
        notes = figures.comments(store, campaign["id"], PAGE_SIZE,
                                 ui.page_offset(written, PAGE_SIZE, key="comments_page"))
        ui.table({"Nom": notes["last_name"], "Prénom": notes["first_name"],
                  "Profession": notes["profession"].fillna(""),
                  "Commentaire": notes["text"]})
with tabs[3]:
    sheets_tab()
with tabs[4]:
    questions_tab()
with tabs[5]:
    compare_tab()
if len(tabs) > 6:
    with tabs[6]:
        st.write("Les réponses d'un tableur (le vôtre, ou l'export d'un formulaire en "
                 "ligne) : une ligne par professionnel, une colonne par question. Chacun est "
                 "retrouvé dans l'annuaire par son RPPS, son e-mail ou son nom, ou sa fiche "
                 "est créée.")
        replace = st.checkbox("Remplacer les réponses de ceux qui ont déjà répondu")
        spreadsheet.importer(
            f"answers_{campaign['id']}", responses.import_targets(store, campaign["id"]),
            lambda headers: responses.guess_import_mapping(store, campaign["id"], headers),
            lambda table, mapping, dry_run: responses.import_answers(
                store, actor, campaign["id"], table, mapping, replace, dry_run))
if editor:
    st.divider()
    if st.button("Rouvrir la campagne" if campaign["closed"] else "Clore la campagne",
                 icon=":material/lock:"):
        campaigns.set_closed(store, actor, campaign["id"], not campaign["closed"])
        ui.saved("Campagne rouverte." if campaign["closed"] else "Campagne close.")
