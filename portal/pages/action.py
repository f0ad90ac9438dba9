"""Fiche action: read like the fiche, edit it (coordination), export it, see its history."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core import audit
from portal.core.exports import DOCX_MIME
from portal.core.formats import datetime_fr, md_escape, records
from portal.directory import search, territory
from portal.missions import aci, actions

actor = ui.require_access("action")
store = ui.store()
editor = actor.has(*actions.EDITORS)


def action_form(action: dict | None) -> None:
    """Create (action is None) or edit an action; errors show under their field."""
    action = action or {}
    key = f"a{action.get('id', 'new')}"
    errors = ui.FieldErrors()
    left, right = st.columns([1, 3])
    with left:
        number = st.number_input("N°", 1, 999, action.get("number") or _next_number(),
                                 key=f"{key}_number")
        errors.slot("number")
    with right:
        title = ui.text_field(errors, "Intitulé", action.get("title"), "title", key, 200)
    all_missions = {m["code"]: m["title"] for m in aci.all_missions(store)}
    chosen_missions = ui.multiselect(
        "Mission(s) ACI", list(all_missions), format_func=all_missions.get,
        default=[m["code"] for m in action.get("missions", [])], key=f"{key}_missions",
        placeholder="Choisir…")
    errors.slot("missions")
    values = {"number": number, "title": title}
    for field, label in actions.SECTIONS.items():
        values[field] = st.text_area(label, action.get(field, ""), max_chars=5000,
                                     key=f"{key}_{field}")
    people = search.search_people(
        store, search.Filters(include_hidden=True), limit=5000)
    names = {int(r["id"]): f"{r['last_name']} {r['first_name']} ({r['profession'] or '—'})"
             for r in records(people)}
    referents = ui.multiselect("Personnes référentes (annuaire)", list(names),
                               format_func=names.get, key=f"{key}_referents",
                               default=[r["id"] for r in action.get("referents", [])],
                               placeholder="Choisir…")
    values["referents_text"] = st.text_input("Autres référents (hors annuaire)",
                                             action.get("referents_text", ""), max_chars=300,
                                             key=f"{key}_referents_text")
    partners = ui.multiselect("Partenaires", actions.PARTNERS, key=f"{key}_partners",
                              default=[p for p in action.get("partners", [])
                                       if p in actions.PARTNERS], placeholder="Choisir…")
    values["other_partners"] = st.text_input("Autres partenaires",
                                             action.get("other_partners", ""), max_chars=300,
                                             key=f"{key}_other_partners")
    others = {int(r.id): f"n°{r.number} {r.title}"
              for r in actions.list_actions(store).itertuples() if r.id != action.get("id")}
    links = ui.multiselect("Liens avec d'autres actions", list(others), format_func=others.get,
                           default=[a["id"] for a in action.get("links", [])],
                           key=f"{key}_links", placeholder="Choisir…")
    left, middle, right, last = st.columns(4)
    values["start_on"] = left.date_input(
        "Début", date.fromisoformat(action["start_on"]) if action.get("start_on") else None,
        format="DD/MM/YYYY", key=f"{key}_start")
    values["end_on"] = middle.date_input(
        "Fin", date.fromisoformat(action["end_on"]) if action.get("end_on") else None,
        format="DD/MM/YYYY", key=f"{key}_end")
    with right:
        values["status"] = ui.choice("Statut", actions.STATUSES, action.get("status", "projet"),
                                     key=f"{key}_status", empty="—")
    values["progress"] = last.slider("Avancement (%)", 0, 100, action.get("progress", 0), 5,
                                     key=f"{key}_progress")
    errors.slot("end_on")
    errors.slot(None)
    if st.button("Enregistrer", type="primary", key=f"{key}_save", icon=":material/save:"):
        ui.save_record(errors, lambda: actions.save_action(
            store, actor, values, action.get("id"), chosen_missions, referents, partners,
            links), ui.page("action"), not action, "Fiche enregistrée.")


def _next_number() -> int:
    frame = actions.list_actions(store)
    return int(frame["number"].max()) + 1 if not frame.empty else 1


st.page_link(ui.page("actions"), label="Retour aux fiches action", icon=":material/arrow_back:")
action = ui.record_page(
    lambda i: actions.get_action(store, i), action_form, editor, "Nouvelle action",
    "Fiche action", "Choisissez une action dans la liste.", ":material/task:")

st.title(md_escape(f"Action n°{action['number']} : {action['title']}"))
st.caption(f"{actions.STATUSES[action['status']]} · mise à jour le "
           f"{datetime_fr(action['updated_at'])}")
st.progress(action["progress"] / 100, text=f"Avancement : {action['progress']} %")
for heading, text in actions.fiche_rows(action):
    left, right = st.columns([1, 3])
    left.markdown(f"**{md_escape(heading)}**")
    right.text(text or "—")

st.download_button(
    "Fiche (Word)", lambda: actions.fiches_docx(store, [action["id"]], territory.name(store)),
    file_name=f"fiche-action-{action['number']}.docx", icon=":material/description:",
    mime=DOCX_MIME, on_click="ignore")

if editor:
    with st.expander("Modifier la fiche", icon=":material/edit:"):
        action_form(action)
    with st.expander("Historique des modifications", icon=":material/history:"):
        ui.journal_table(store, audit.history(store, "action", action["id"]))
