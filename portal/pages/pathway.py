"""Parcours: a care pathway, who takes part and in what role, its fiches action, its
tools (documents), its protocols and their adherents, the patients included per month
and the concertation meetings that reviewed its cases."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core import tabular
from portal.core.formats import date_fr, md_escape, number_fr
from portal.core.roles import BOARD
from portal.missions import actions, pathways
from portal.ui import attachments, protocols, spreadsheet

actor = ui.require_access("pathway")
store = ui.store()
editor = actor.has(*pathways.EDITORS)


def pathway_form(pathway: dict | None) -> None:
    pathway = pathway or {}
    key = f"w{pathway.get('id', 'new')}"
    errors = ui.FieldErrors()
    values = {"title": ui.text_field(errors, "Intitulé", pathway.get("title"), "title", key,
                                     200)}
    left, middle, right = st.columns(3)
    with left:
        values["pathway_theme"] = ui.choice("Thème", pathways.THEMES.offered(
            store, pathway.get("pathway_theme")), pathway.get("pathway_theme"),
            key=f"{key}_theme", empty="Choisir…")
        errors.slot("pathway_theme")
    values["status"] = middle.selectbox(
        "Statut", list(pathways.STATUSES), format_func=pathways.STATUSES.get,
        index=list(pathways.STATUSES).index(pathway.get("status", "projet")),
        key=f"{key}_status")
    started = pathway.get("started_on")
    values["started_on"] = right.date_input("Début", date.fromisoformat(started) if started
                                            else None, format="DD/MM/YYYY", key=f"{key}_start")
    fiches = {int(r.id): f"n° {r.number} {r.title}"
              for r in actions.list_actions(store).itertuples()}
    chosen = ui.multiselect("Fiches action", list(fiches), format_func=fiches.get,
                            default=[a for a in pathway.get("actions", []) if a in fiches],
                            key=f"{key}_actions", placeholder="Aucune")
    values["description"] = st.text_area("Description", pathway.get("description") or "",
                                         max_chars=4000, key=f"{key}_description")
    values["visible"] = st.checkbox("Visible des membres", pathway.get("visible", 1) == 1,
                                    key=f"{key}_visible")
    errors.slot(None)
    if st.button("Enregistrer", type="primary", key=f"{key}_save", icon=":material/save:"):
        ui.save_record(errors, lambda: pathways.save_pathway(
            store, actor, values, pathway.get("id"), chosen), ui.page("pathway"),
            not pathway, "Parcours enregistré.")


def people(pathway: dict) -> None:
    st.subheader("Acteurs")
    listed = pathways.members(store, pathway["id"])
    if listed.empty:
        st.write("Personne n'est encore rattaché à ce parcours.")
    else:
        ui.table({"Acteur": listed["name"], "Profession ou type": listed["what"],
                  "Rôle dans le parcours": listed["role"]})
    if not editor:
        return
    with st.expander("Ajouter un acteur", icon=":material/person_add:"):
        errors = ui.FieldErrors()
        person = ui.person_search(store, actor, "Professionnel", ui.form_key("pathway_member"))
        errors.slot("member")
        role = st.text_input("Rôle dans le parcours", max_chars=200,
                             placeholder="Référent, infirmier coordinateur, cardiologue…",
                             key=ui.form_key("pathway_member") + "_role")
        if st.button("Ajouter", key="pathway_member_add") and errors.attempt(
                pathways.add_member, store, actor, pathway["id"], person, None, role):
            ui.saved("Acteur ajouté.", reset="pathway_member")
    if not listed.empty:
        ui.removal("Retirer un acteur", "Acteur", {int(r.id): r.name
                                                   for r in listed.itertuples()},
                   lambda member: pathways.remove_member(store, actor, member),
                   "Acteur retiré du parcours.", key="remove_pathway_member")


def inclusions(pathway: dict) -> None:
    st.subheader("Patients inclus")
    listed = pathways.inclusions(store, pathway["id"])
    if listed.empty:
        st.write("Aucune inclusion saisie. Les patients sont comptés, jamais identifiés.")
    else:
        ui.table({"Mois": listed["period_start"].map(lambda d: date_fr(d)[3:]),
                  "Patients inclus": listed["count"]})
    st.caption("Un décompte par trimestre se saisit sur le premier mois du trimestre.")
    if not editor:
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key("inclusions")):
        left, right = st.columns(2)
        month = left.date_input("Mois (un jour du mois)", date.today(), format="DD/MM/YYYY")
        with left:
            errors.slot("period")
        count = right.number_input("Patients inclus ce mois", min_value=0, step=1, value=None)
        with right:
            errors.slot("count")
        sent = st.form_submit_button("Enregistrer")
    if sent and errors.attempt(pathways.set_inclusions, store, actor, pathway["id"], month,
                               None if count is None else int(count)):
        ui.saved("Inclusions enregistrées.", reset="inclusions")
    with st.expander("Importer les inclusions d'un tableur", icon=":material/upload_file:"):
        spreadsheet.importer(
            f"inclusions_{pathway['id']}", {"month": "Mois", "count": "Patients inclus"},
            lambda headers: tabular.guess_mapping(headers, pathways.INCLUSION_COLUMNS),
            lambda table, mapping, dry_run: pathways.import_inclusions(
                store, actor, pathway["id"], table, mapping, dry_run))


def case_reviews(pathway: dict) -> None:
    st.subheader("Réunions de concertation")
    listed = pathways.meetings(store, pathway["id"])
    if listed.empty:
        st.write("Aucune réunion rattachée.")
    else:
        st.caption(f"{len(listed)} réunion(s), {int(listed['cases_reviewed'].sum())} cas "
                   f"revus, {number_fr(float(listed['hours'].sum()), 1)} h de réunion.")
        ui.clickable_table({"Réunion": listed["title"],
                            "Date": listed["starts_at"].map(date_fr),
                            "Cas revus": listed["cases_reviewed"],
                            "Durée (h)": listed["hours"].map(lambda h: number_fr(h, 1)),
                            "Présents": listed["present"]},
                           listed["id"], ui.page("meeting"), "pathway_meetings")
    if not editor:
        return
    if not listed.empty:
        ui.removal("Détacher une réunion", "Réunion rattachée par erreur",
                   {int(r.id): f"{r.title} du {date_fr(r.starts_at)}"
                    for r in listed.itertuples()},
                   lambda meeting: pathways.unlink_meeting(store, actor, pathway["id"],
                                                           meeting),
                   "Réunion détachée du parcours.", key="unlink_pathway_meeting")
    choices = pathways.meeting_choices(store, pathway["id"])
    if not choices:
        st.caption("Aucune réunion de concertation à rattacher (créez-la dans Réunions).")
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key("pathway_meeting")):
        left, right = st.columns([3, 1])
        meeting = left.selectbox("Réunion de concertation", list(choices),
                                 format_func=choices.get)
        cases = right.number_input("Cas revus", min_value=0, step=1, value=0)
        errors.slot("cases")
        sent = st.form_submit_button("Rattacher la réunion")
    if sent and errors.attempt(pathways.link_meeting, store, actor, pathway["id"], meeting,
                               int(cases)):
        ui.saved("Réunion rattachée au parcours.", reset="pathway_meeting")


st.page_link(ui.page("pathways"), label="Retour aux parcours", icon=":material/arrow_back:")
pathway = ui.record_page(
    lambda i: pathways.get_pathway(store, i, members_view=not actor.has(*BOARD)),
    pathway_form, editor, "Nouveau parcours", "Parcours",
    "Choisissez un parcours dans la liste.", ":material/route:")

st.title(md_escape(pathway["title"]))
st.caption(md_escape(f"{pathway['theme']} · {pathways.STATUSES[pathway['status']]}"
                     + (f" depuis le {date_fr(pathway['started_on'])}"
                        if pathway["started_on"] else "")))
if pathway["description"]:
    st.text(pathway["description"])
for action in actions.list_actions(store).itertuples():
    if action.id in pathway["actions"]:
        st.page_link(ui.page("action"), query_params={"id": str(action.id)},
                     icon=":material/task:", label=f"Action n°{action.number} : "
                                                   f"{md_escape(action.title)}")
people(pathway)
protocols.section(store, actor, pathway["id"])
inclusions(pathway)
case_reviews(pathway)
attachments.section(store, actor, "pathway", pathway["id"],
                    "Aucun outil déposé (livret patient, lettre de liaison, formulaires…).",
                    pathways.DOCUMENT_KINDS)
if editor:
    with st.expander("Modifier le parcours", icon=":material/edit:"):
        pathway_form(pathway)
    ui.removal("Supprimer le parcours", "Parcours", {pathway["id"]: pathway["title"]},
               lambda pathway_id: pathways.delete_pathway(store, actor, pathway_id),
               "Parcours supprimé.", key="delete_pathway")
