"""Événement de prévention: what it was, when and where, who ran it and with whom, whom it
reached (optionally by age band and sex), its documents and its evaluation."""

from datetime import date

import pandas as pd
import streamlit as st

from portal import ui
from portal.core.formats import date_fr, md_escape
from portal.core.roles import BOARD
from portal.directory import organizations, persons
from portal.missions import actions, prevention
from portal.ui import attachments

actor = ui.require_access("prevention_event")
store = ui.store()
editor = actor.has(*prevention.EDITORS)


def partners_search(key: str, chosen: list[int]) -> list[int]:
    """Partner structures found by name; those already chosen stay."""
    names = {i: found["name"] for i in chosen
             if (found := organizations.get_organization(store, i))}
    text = st.text_input("Chercher une structure partenaire", key=f"{key}_partner_text",
                         placeholder="Tapez un nom puis Entrée…", max_chars=100)
    if text.strip():
        found, _ = organizations.list_organizations(store, text, limit=20)
        names.update(zip(found["id"].astype(int), found["name"], strict=True))
    return ui.multiselect("Structures partenaires", list(names), default=chosen,
                          format_func=names.get, key=f"{key}_partners",
                          placeholder="Choisissez parmi les structures trouvées")


def people_search(key: str, chosen: list[int]) -> list[int]:
    """The professionals who ran it: those already recorded, and more found by name."""
    if key not in st.session_state:
        labels = st.session_state.setdefault(f"{key}_labels", {})
        for person_id in chosen:
            if (person := persons.get_person(store, person_id)):
                labels[person_id] = persons.person_label(person)
        st.session_state[key] = [p for p in chosen if p in labels]
    return ui.person_search(store, actor, "Professionnels qui l'ont animé", key,
                            multiple=True)


def reach_editor(key: str, reach: dict) -> dict:
    """The people reached by age band and sex, as a small sheet."""
    sheet = pd.DataFrame({"Tranche d'âge": list(prevention.AGE_BANDS),
                          **{label: [reach.get((band, sex), 0) for band in prevention.AGE_BANDS]
                             for sex, label in prevention.SEXES.items()}})
    edited = ui.editor_table(sheet, key=f"{key}_reach", disabled=["Tranche d'âge"],
                             column_config={label: st.column_config.NumberColumn(
                                 min_value=0, step=1) for label in prevention.SEXES.values()})
    return {(row["Tranche d'âge"], sex): int(row[label] or 0)
            for row in edited.to_dict("records") for sex, label in prevention.SEXES.items()}


def event_form(event: dict | None) -> None:
    event = event or {}
    key = f"e{event.get('id', 'new')}"
    errors = ui.FieldErrors()
    values = {"title": ui.text_field(errors, "Intitulé", event.get("title"), "title", key, 200)}
    left, middle, right = st.columns(3)
    with left:
        values["theme_code"] = ui.choice("Thème", prevention.THEMES.offered(store, event.get(
            "theme_code")), event.get("theme_code"), key=f"{key}_theme", empty="Choisir…")
        errors.slot("theme_code")
    with middle:
        values["format"] = ui.choice("Format", prevention.FORMATS, event.get("format"),
                                     key=f"{key}_format", empty="Choisir…")
        errors.slot("format")
    with right:
        values["campaign"] = ui.choice("Campagne nationale", prevention.CAMPAIGNS,
                                       event.get("campaign"), key=f"{key}_campaign",
                                       empty="Aucune")
    left, middle, right = st.columns(3)
    held_on = event.get("held_on")
    values["held_on"] = left.date_input("Date", date.fromisoformat(held_on) if held_on
                                        else date.today(), format="DD/MM/YYYY",
                                        key=f"{key}_day")
    with left:
        errors.slot("held_on")
    hours = middle.number_input("Durée (heures)", min_value=0.0, max_value=48.0, step=0.5,
                                value=(event["duration_minutes"] / 60
                                       if event.get("duration_minutes") else None),
                                key=f"{key}_hours")
    values["duration_minutes"] = round(hours * 60) if hours else None
    with middle:
        errors.slot("duration_minutes")
    fiches = {int(r.id): f"n° {r.number} {r.title}" for r in
              actions.list_actions(store, "socle_3").itertuples()}
    with right:
        values["action_id"] = ui.choice("Fiche action", fiches, event.get("action_id"),
                                        key=f"{key}_action", empty="Aucune")
    left, right = st.columns(2)
    with left:
        values["commune_code"] = ui.commune_input(store, "Commune", event.get("commune_code"),
                                                  f"{key}_commune")
    with right:
        values["place"] = ui.text_field(errors, "Lieu", event.get("place"), "place", key, 200)
    people = people_search(f"{key}_people", event.get("people", []))
    partners = partners_search(key, event.get("partners", []))
    reached = st.number_input("Personnes touchées (une fois l'événement tenu)", min_value=0,
                              step=1, value=event.get("reached"), key=f"{key}_reached")
    errors.slot("reached")
    with st.expander("Détail par tranche d'âge et sexe (facultatif)"):
        reach = reach_editor(key, event.get("reach", {}))
        errors.slot("reach")
    values["evaluation"] = st.text_area("Évaluation", event.get("evaluation") or "",
                                        max_chars=4000, key=f"{key}_evaluation",
                                        placeholder="Ce qui a marché, ce qui est à revoir…")
    values["visible"] = st.checkbox("Visible des membres", event.get("visible", 1) == 1,
                                    key=f"{key}_visible")
    values["reached"] = None if reached is None else int(reached)
    errors.slot(None)
    if st.button("Enregistrer", type="primary", key=f"{key}_save", icon=":material/save:"):
        ui.save_record(errors, lambda: prevention.save_event(
            store, actor, values, event.get("id"), people, partners, reach),
            ui.page("prevention_event"), not event, "Événement enregistré.")


st.page_link(ui.page("prevention"), label="Retour à la prévention",
             icon=":material/arrow_back:")
event = ui.record_page(
    lambda i: prevention.get_event(store, i, members_view=not actor.has(*BOARD)), event_form,
    editor, "Nouvel événement de prévention", "Événement de prévention",
    "Choisissez un événement dans la liste de la page Prévention.",
    ":material/health_and_safety:")

st.title(md_escape(event["title"]))
held = event["held_on"] <= date.today().isoformat()
st.caption(md_escape(f"{event['theme']} · {prevention.FORMATS[event['format']]} · "
                     f"{'tenu' if held else 'prévu'} le {date_fr(event['held_on'])}"
                     + (f" · {prevention.CAMPAIGNS[event['campaign']]}"
                        if event["campaign"] else "")))
st.text("\n".join(line for line in (
    " – ".join(filter(None, (event["place"], event["commune"]))),
    f"Fiche action n° {event['action_number']} : {event['action_title']}"
    if event["action_number"] else "",
    f"Personnes touchées : {event['reached']}" if event["reached"] is not None else "",
) if line))
if event["people_names"]:
    st.text("Animé par : " + ", ".join(event["people_names"]))
if event["evaluation"]:
    st.text(event["evaluation"])
attachments.section(store, actor, "prevention_event", event["id"],
                    "Aucun document (feuille d'émargement, photos, affiche…).")
if editor:
    with st.expander("Modifier l'événement", icon=":material/edit:"):
        event_form(event)
    ui.removal("Supprimer l'événement", "Événement", {event["id"]: event["title"]},
               lambda event_id: prevention.delete_event(store, actor, event_id),
               "Événement supprimé.", key="delete_prevention_event")
