"""Réunion: when and where, the agenda, whom to invite, who came (with proxies); the
invitation as an .ics file and the invitees' e-mails."""

from datetime import date, datetime, time
from urllib.parse import quote

import pandas as pd
import streamlit as st
from dateutil.relativedelta import relativedelta

from portal import ui
from portal.core import reference
from portal.core.errors import PortalError
from portal.core.exports import DOCX_MIME, csv_bytes
from portal.core.formats import md_escape, plural, records
from portal.directory import territory
from portal.meetings import attendance, bodies, minutes, schedule
from portal.missions import aci, actions
from portal.ui import decisions

actor = ui.require_access("meeting")
store = ui.store()
editor = actor.has(*schedule.EDITORS)


def meeting_form(meeting: dict | None) -> None:
    """Create (meeting is None) or edit a meeting; errors show under their field."""
    meeting = meeting or {}
    key = f"m{meeting.get('id', 'new')}"
    errors = ui.FieldErrors()
    starts = datetime.fromisoformat(meeting["starts_at"]) if meeting else None
    ends = datetime.fromisoformat(meeting["ends_at"]) if meeting else None
    values = {"kind": ui.choice("Type de réunion", schedule.KINDS, meeting.get("kind"),
                                key=f"{key}_kind", empty="Choisir…")}
    errors.slot("kind")
    values["title"] = ui.text_field(errors, "Intitulé (facultatif : le type sinon)",
                                    meeting.get("title"), "title", key, 200)
    day, start, end = st.columns(3)
    values["day"] = day.date_input("Date", starts.date() if starts else date.today(),
                                   format="DD/MM/YYYY", key=f"{key}_day")
    values["start"] = start.time_input("Début", starts.time() if starts else time(18, 30),
                                       step=900, key=f"{key}_start")
    with start:
        errors.slot("start")
    values["end"] = end.time_input("Fin", ends.time() if ends else time(20, 0), step=900,
                                   key=f"{key}_end")
    with end:
        errors.slot("end")
    values["place"] = ui.text_field(errors, "Lieu", meeting.get("place"), "place", key, 200)
    values["video_link"] = ui.text_field(errors, "Lien de visioconférence",
                                         meeting.get("video_link"), "video_link", key, 500)
    values["organiser_id"] = ui.person_search(store, actor, "Organisateur",
                                              f"{key}_organiser",
                                              value=meeting.get("organiser_id"))
    values["agenda"] = st.text_area("Ordre du jour", meeting.get("agenda", ""),
                                    max_chars=5000, key=f"{key}_agenda")
    all_missions = {m["code"]: m["title"] for m in aci.all_missions(store)}
    chosen_missions = ui.multiselect(
        "Mission(s)", list(all_missions), format_func=all_missions.get,
        default=[m["code"] for m in meeting.get("missions", [])], key=f"{key}_missions",
        placeholder="Choisir…")
    all_actions = {int(r.id): f"n°{r.number} {r.title}"
                   for r in actions.list_actions(store).itertuples()}
    chosen_actions = ui.multiselect(
        "Action(s)", list(all_actions), format_func=all_actions.get,
        default=[a["id"] for a in meeting.get("actions", [])], key=f"{key}_actions",
        placeholder="Choisir…")
    errors.slot(None)
    if st.button("Enregistrer", type="primary", key=f"{key}_save", icon=":material/save:"):
        ui.save_record(errors, lambda: schedule.save_meeting(
            store, actor, values, meeting.get("id"), chosen_missions, chosen_actions),
            ui.page("meeting"), not meeting, "Réunion enregistrée.")


def invitation_tools(meeting: dict) -> None:
    """Directory people one by one or by group, and guests from outside."""
    chosen = ui.person_search(store, actor, "Personnes de l'annuaire", "invite_people",
                              multiple=True)
    if st.button("Inviter ces personnes", disabled=not chosen):
        added = attendance.invite(store, actor, meeting["id"], chosen)
        st.session_state.pop("invite_people")
        st.session_state["invited"] = f"{added} personne(s) invitée(s)."
        st.rerun()
    group = ui.choice("Ou tout un groupe", attendance.GROUPS, key="invite_group",
                      empty="Choisir…")
    value = None
    if group == "profession":
        value = ui.choice("Profession", reference.professions(store, active_only=True),
                          key="invite_profession",
                          empty="Choisir…")
    elif group in ("bureau", "ca"):
        value = date.fromisoformat(meeting["starts_at"][:10])
        st.caption("Les mandats en cours le jour de la réunion (page « Instances »).")
    elif group == "referents":
        value = ui.choice("Action", {int(r.id): f"n°{r.number} {r.title}"
                                     for r in actions.list_actions(store).itertuples()},
                          key="invite_action", empty="Choisir…")
    if group is not None and (value is not None or group not in ("profession", "referents")):
        members = attendance.group_people(store, group, value)
        already = len(set(members) & set(attendance.attendees(store, meeting["id"])["person_id"]))
        st.caption(f"{plural(len(members), 'personne')} dans ce groupe"
                   + (f", dont {plural(already, 'déjà invitée', 'déjà invitées')}."
                      if already else "."))
        confirmed = st.checkbox(f"Je confirme l'invitation de {len(members) - already} "
                                "personne(s)", key="invite_group_confirm")
        if st.button("Inviter le groupe", disabled=not confirmed or len(members) == already):
            added = attendance.invite(store, actor, meeting["id"], members)
            st.session_state["invited"] = f"{added} personne(s) invitée(s)."
            st.rerun()
    errors = ui.FieldErrors()
    with st.form(ui.form_key("guest")):
        st.write("Invité extérieur à l'annuaire")
        name = st.text_input("Nom de l'invité", max_chars=120)
        errors.slot("guest_name")
        email = st.text_input("E-mail de l'invité", max_chars=254)
        errors.slot("guest_email")
        sent = st.form_submit_button("Ajouter l'invité")
    if sent and errors.attempt(attendance.invite_guest, store, actor, meeting["id"], name, email):
        ui.saved("Invité ajouté.", reset="guest")


def attendance_sheet(meeting: dict, invited: pd.DataFrame) -> None:
    """The attendance sheet: a status per invitee, and the proxy holder if represented."""
    names = attendance.sheet_names(invited)
    labels = attendance.STATUSES
    sheet = pd.DataFrame({
        "id": invited["id"], "Nom": list(names.values()),
        "Profession": [attendance.quality(r) for r in records(invited)],
        "Présence": invited["status"].map(labels),
        # A dash, not the grid's "None" (it shows an empty text so too), for no proxy.
        "Pouvoir donné à": invited["proxy_id"].map(lambda p: names.get(p) if pd.notna(p)
                                                   else decisions.NOBODY)})
    if not editor:
        ui.table(sheet.drop(columns=["id"]))
        return
    edited = ui.editor_table(
        sheet, key=f"attendance_{meeting['id']}",
        disabled=["id", "Nom", "Profession"], column_order=list(sheet.columns[1:]),
        column_config={
            "Présence": st.column_config.SelectboxColumn(options=list(labels.values()),
                                                         required=True),
            "Pouvoir donné à": st.column_config.SelectboxColumn(
                options=[decisions.NOBODY, *names.values()],
                help="Pour une personne représentée : qui détient son pouvoir.")})
    errors = ui.FieldErrors()
    errors.slot("attendance")
    save, everyone = st.columns([1, 3])
    waiting = invited.loc[invited["status"] == "invite", "id"]
    if everyone.button("Marquer présents les invités sans statut", disabled=waiting.empty,
                       icon=":material/done_all:"):
        attendance.record_attendance(store, actor, meeting["id"],
                                     {int(i): ("present", None) for i in waiting})
        ui.saved(f"{len(waiting)} invité(s) marqué(s) présent(s).")
    if save.button("Enregistrer les présences", type="primary"):
        by_label = {v: k for k, v in labels.items()}
        by_name = {v: k for k, v in names.items()}
        changes = {int(r["id"]): (by_label[r["Présence"]], by_name.get(r["Pouvoir donné à"]))
                   for r in edited.to_dict("records")}
        try:
            changed = attendance.record_attendance(store, actor, meeting["id"], changes)
        except PortalError as error:
            errors.show(error)
        else:  # the quorum above is counted again from the saved sheet
            ui.saved(f"Présences enregistrées ({changed} changement(s)).")


def quorum_box(meeting: dict) -> None:
    count = bodies.quorum(store, meeting)
    if count is None:
        return
    sentence = minutes.quorum_sentence(count)
    if not count.recorded:
        st.info(sentence, icon=":material/how_to_vote:")
    elif count.reached:
        st.success(sentence, icon=":material/how_to_vote:")
    else:
        st.warning(sentence, icon=":material/how_to_vote:")


def minutes_editor(meeting: dict) -> None:
    errors = ui.FieldErrors()
    text = st.text_area("Compte rendu", meeting["minutes"], height=320, max_chars=100_000,
                        placeholder="Points abordés, échanges, suites données…",
                        key=f"minutes_{meeting['id']}")
    restricted = False
    if meeting["kind"] in minutes.RESTRICTABLE:
        restricted = st.checkbox("Réservé au bureau (les adhérents ne le voient pas)",
                                 bool(meeting["minutes_restricted"]),
                                 key=f"restricted_{meeting['id']}")
    errors.slot("restricted")
    if st.button("Enregistrer le compte rendu", type="primary", icon=":material/save:"):
        try:
            minutes.save_minutes(store, actor, meeting["id"], text, restricted)
        except PortalError as error:
            errors.show(error)
        else:
            st.success("Compte rendu enregistré.", icon=":material/check_circle:")


def motions_section(meeting: dict) -> None:
    quorum_box(meeting)  # whether a vote is valid
    votes = minutes.motions(store, meeting["id"])
    if votes:
        # The result first: the majority's long wording would push it off the screen.
        ui.table(pd.DataFrame({
            "Objet": [m["title"] for m in votes],
            "Résultat": [minutes.RESULTS[m["result"]] for m in votes],
            "Pour": [m["votes_for"] for m in votes],
            "Contre": [m["votes_against"] for m in votes],
            "Abstentions": [m["abstentions"] for m in votes],
            "Majorité requise": [minutes.MAJORITIES[m["majority"]] for m in votes]}))
    else:
        st.write("Aucune délibération enregistrée.")
    if not editor:
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key("motion")):
        st.write("**Nouvelle délibération**")
        title = st.text_input("Objet", max_chars=500,
                              placeholder="Ex. : approbation des comptes 2025")
        errors.slot("motion_title")
        majority = st.selectbox("Majorité requise", list(minutes.MAJORITIES),
                                format_func=minutes.MAJORITIES.get)
        pour, contre, abstention = st.columns(3)
        counts = [column.number_input(label, min_value=0, step=1, value=0)
                  for column, label in ((pour, "Pour"), (contre, "Contre"),
                                        (abstention, "Abstentions"))]
        errors.slot("votes")
        sent = st.form_submit_button("Enregistrer le vote", icon=":material/how_to_vote:")
    if sent and errors.attempt(minutes.add_motion, store, actor, meeting["id"], title, majority,
                               *counts):
        ui.saved("Délibération enregistrée.", reset="motion",
                 warnings=[] if minutes.votes_valid(bodies.quorum(store, meeting)) else [
                     "Quorum non atteint : le vote est enregistré comme non valable."])
    if votes:
        ui.removal("Supprimer une délibération", "Délibération",
                   {m["id"]: m["title"] for m in votes},
                   lambda chosen: minutes.remove_motion(store, actor, chosen),
                   "Délibération supprimée.", "motion")


def decisions_section(meeting: dict) -> None:
    frame = minutes.decisions(store, meeting["id"])
    if frame.empty:
        st.write("Aucune décision ni tâche enregistrée.")
    else:
        decisions.sheet(store, actor, frame, f"decisions_{meeting['id']}")
    if not editor:
        return
    if not frame.empty:
        ui.removal("Supprimer une décision ou une tâche", "Décision ou tâche",
                   {int(r["id"]): r["text"] for r in records(frame)},
                   lambda chosen: minutes.remove_decision(store, actor, chosen),
                   "Décision supprimée.", "decision_remove")
    errors = ui.FieldErrors()
    with st.form(ui.form_key("decision")):
        st.write("**Nouvelle décision ou tâche**")
        kind, owner, due = st.columns(3)
        values = {"kind": kind.selectbox("Type", list(minutes.DECISION_KINDS),
                                         format_func=minutes.DECISION_KINDS.get)}
        values["text"] = st.text_area("Décision ou tâche", max_chars=2000, height=80)
        errors.slot("decision_text")
        owners = minutes.possible_owners(store, [meeting["id"]])
        values["owner_id"] = owner.selectbox("Responsable", [None, *owners],
                                             format_func=lambda i: "Non désigné"
                                             if i is None else owners[i],
                                             help="Une des personnes invitées.")
        values["due_on"] = due.date_input("Échéance", value=None, format="DD/MM/YYYY")
        sent = st.form_submit_button("Ajouter", icon=":material/add_task:")
    if sent and errors.attempt(minutes.add_decision, store, actor, meeting["id"], values):
        ui.saved("Décision ajoutée.", reset="decision")


st.page_link(ui.page("meetings"), label="Retour aux réunions", icon=":material/arrow_back:")
meeting = ui.record_page(
    lambda i: schedule.readable_meeting(store, actor, i), meeting_form, editor,
    "Nouvelle réunion", "Réunion", "Choisissez une réunion dans la liste.", ":material/event:")

st.title(("ANNULÉE – " if meeting["cancelled"] else "") + md_escape(meeting["title"]))
st.caption(f"{schedule.KINDS[meeting['kind']]} · "
           f"{schedule.when(meeting['starts_at'], meeting['ends_at'])}")
if meeting["place"]:
    st.text(f"Lieu : {meeting['place']}")
if meeting["organiser"]:
    st.text(f"Organisé par {meeting['organiser']}")
if meeting["video_link"]:
    st.link_button("Rejoindre la visioconférence", meeting["video_link"],
                   icon=":material/videocam:")
if meeting["agenda"]:
    st.subheader("Ordre du jour")
    st.text(meeting["agenda"])
for mission in meeting["missions"]:
    st.caption(f"Mission : {mission['title']}")
for action in meeting["actions"]:
    st.page_link(ui.page("action"), query_params={"id": str(action["id"])},
                 label=f"Action n°{action['number']} : {md_escape(action['title'])}",
                 icon=":material/task:")

readable = minutes.readable(actor, meeting)
columns = st.columns(4)
columns[0].download_button("Invitation (.ics)", schedule.ics_bytes([meeting]),
                           file_name=f"reunion-{meeting['id']}.ics", mime="text/calendar",
                           icon=":material/event:", on_click="ignore")
if readable:
    columns[1].download_button(
        "Compte rendu (Word)", lambda: minutes.docx(store, meeting["id"], territory.name(store)),
        file_name=f"compte-rendu-reunion-{meeting['id']}.docx", mime=DOCX_MIME,
        icon=":material/description:", on_click="ignore")
emails = attendance.invitee_emails(store, meeting["id"]) if editor else []
if emails:
    columns[2].download_button("E-mails des invités (CSV)",
                               csv_bytes(pd.DataFrame({"E-mail": emails})),
                               file_name=f"invites-reunion-{meeting['id']}.csv",
                               mime="text/csv", icon=":material/mail:", on_click="ignore")
    columns[3].link_button("Écrire aux invités", "mailto:?bcc=" + quote(",".join(emails))
                           + "&subject=" + quote(meeting["title"]), icon=":material/send:")

if not editor:
    if readable:
        record, votes, decided = st.tabs(["Compte rendu", "Délibérations",
                                          "Décisions et tâches"])
        with record:
            st.text(meeting["minutes"] or "Le compte rendu n'est pas encore rédigé.")
        with votes:
            motions_section(meeting)
        with decided:
            decisions_section(meeting)
    else:
        st.info("Le compte rendu de cette réunion est réservé au bureau.", icon=":material/lock:")
    st.stop()

invited = attendance.attendees(store, meeting["id"])
sheet, record, votes, decided, settings = st.tabs([
    f"Invités et présences ({len(invited)})", "Compte rendu", "Délibérations",
    "Décisions et tâches", "Modifier"])
with sheet:
    quorum_box(meeting)
    st.download_button("Feuille d'émargement à imprimer (Word)",
                       lambda: minutes.sign_in_sheet(store, meeting["id"], territory.name(store)),
                       file_name=f"emargement-reunion-{meeting['id']}.docx", mime=DOCX_MIME,
                       icon=":material/print:", on_click="ignore")
    if notice := st.session_state.pop("invited", None):
        st.success(notice, icon=":material/group_add:")
    if invited.empty:
        st.write("Personne n'est encore invité. Invitez ci-dessous des personnes de "
                 "l'annuaire ou un groupe.")
    else:
        attendance_sheet(meeting, invited)
        ui.removal("Retirer un invité", "Invité", attendance.sheet_names(invited),
                   lambda chosen: attendance.uninvite(store, actor, chosen),
                   "Invité retiré de la réunion.", "uninvite")
    with st.expander("Inviter", icon=":material/group_add:", expanded=invited.empty):
        invitation_tools(meeting)
with record:
    minutes_editor(meeting)
with votes:
    motions_section(meeting)
with decided:
    decisions_section(meeting)
with settings:
    meeting_form(meeting)
    st.divider()
    st.write("**Programmer la suivante**")
    st.caption("Même type, intitulé, horaires, lieu, ordre du jour, missions, actions et "
               "invités, à la date choisie ; sans présences ni compte rendu.")
    next_errors = ui.FieldErrors()
    next_day = st.date_input("Date de la prochaine réunion", format="DD/MM/YYYY",
                             value=date.fromisoformat(meeting["starts_at"][:10])
                             + relativedelta(months=1), key="next_day")
    next_errors.slot("next_day")
    if st.button("Programmer la réunion suivante", icon=":material/event_repeat:"):
        ui.save_record(next_errors, lambda: (schedule.schedule_next(
            store, actor, meeting["id"], next_day), []), ui.page("meeting"), True,
            "Réunion programmée.")
    st.divider()
    st.write("**Supprimer la réunion**")
    st.caption("Pour une réunion créée par erreur, tant qu'elle n'a ni présences, ni compte "
               "rendu, ni délibérations, ni décisions. Sinon, annulez-la.")
    delete_errors = ui.FieldErrors()
    delete_errors.slot("delete")
    erase = st.checkbox("Je confirme la suppression de cette réunion et de ses invitations",
                        key="delete_confirm")
    if st.button("Supprimer la réunion", icon=":material/delete:", disabled=not erase) and \
            delete_errors.attempt(schedule.delete_meeting, store, actor, meeting["id"]):
        ui.saved(f"Réunion « {meeting['title']} » supprimée.", page=ui.page("meetings"))
    st.divider()
    st.write("**Rétablir la réunion**" if meeting["cancelled"] else "**Annuler la réunion**")
    confirmed = st.checkbox("Je confirme", key="cancel_confirm")
    if st.button("Rétablir" if meeting["cancelled"] else "Annuler la réunion",
                 icon=":material/event_busy:"):
        if not confirmed:
            st.error("Cochez la case pour confirmer.")
        else:
            schedule.set_cancelled(store, actor, meeting["id"], not meeting["cancelled"])
            ui.saved("Réunion rétablie." if meeting["cancelled"] else "Réunion annulée.")
