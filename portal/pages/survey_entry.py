"""Saisie des réponses: a stack of paper questionnaires typed one after another, keyboard
only (Tab, arrows, Entrée), the form blank again after each save, a running count."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core import reference
from portal.core.errors import PortalError
from portal.core.formats import md_escape
from portal.directory import territory
from portal.questionnaires import campaigns, responses

actor = ui.require_access("survey_entry")
store = ui.store()

st.title("Saisie des réponses")
listing = campaigns.list_campaigns(store)
open_ones = {int(r.id): r.title for r in listing.itertuples() if not r.closed}
if not open_ones:
    st.info("Aucune campagne ouverte. Créez-en une dans « Questionnaires ».",
            icon=":material/quiz:")
    st.stop()
wanted = st.query_params.get("campaign", "")
campaign_id = st.selectbox("Campagne", list(open_ones), format_func=open_ones.get,
                           index=list(open_ones).index(int(wanted))
                           if wanted.isdigit() and int(wanted) in open_ones else 0)
questions = campaigns.questions(store, campaign_id)
typed = st.session_state.setdefault("typed", {}).setdefault(campaign_id, 0)
st.caption(f"{responses.count_responses(store, campaign_id)} réponse(s) enregistrée(s) pour "
           f"cette campagne, dont {typed} saisie(s) ici. Tab passe d'un champ à l'autre, "
           "les flèches choisissent la réponse, Entrée dans un champ de texte enregistre.")
if notice := st.session_state.pop("entry_notice", None):
    st.success(notice, icon=":material/check_circle:")

# A new form key after each save: the next sheet starts blank; after a refusal the
# same key keeps what was typed.
round_ = st.session_state.setdefault("entry_round", 0)
errors = ui.FieldErrors()
# Found by a search outside the form: a list of the whole directory inside it would cost
# seconds a sheet at 20,000 people, and a form cannot search as one types.
person = ui.person_search(store, actor, "Personne de l'annuaire",
                          f"respondent_{campaign_id}_{round_}")
errors.slot("person")
with st.form(f"entry_{campaign_id}_{round_}"):
    st.caption("Pas dans l'annuaire ? Laissez « Aucune » et remplissez son identité :")
    # Row by row, as the paper sheet reads: Tab goes name, first name, profession, then
    # commune, phone, e-mail (columns would take it down each column instead).
    left, middle, right = st.columns(3)
    professions = reference.professions(store, active_only=True)
    new_person = {"last_name": left.text_input("Nom"),
                  "first_name": middle.text_input("Prénom"),
                  "profession_code": right.selectbox(
                      "Profession", list(professions), format_func=professions.get,
                      index=None, placeholder="Choisir…")}
    left, middle, right = st.columns(3)
    communes = {r.code: r.name for r in territory.communes(store).itertuples()}
    new_person["commune_code"] = left.selectbox("Commune", list(communes),
                                                format_func=communes.get, index=None,
                                                placeholder="Choisir…")
    new_person["phone"] = middle.text_input("Téléphone")
    with middle:
        errors.slot("phone")
    new_person["email"] = right.text_input("E-mail")
    with right:
        errors.slot("email")
    create_anyway = st.checkbox("Créer une nouvelle fiche quand même (homonyme)")
    st.divider()
    answers = {}
    for number, question in enumerate(questions, 1):
        label = f"{number}. {question['label']}"
        key = question["id"]
        if question["kind"] in ("yes_no", "yes_no_nc", "single"):
            answers[key] = st.radio(label, campaigns.choices(question), index=None,
                                    horizontal=True, format_func=lambda v: campaigns
                                    .ANSWER_LABELS.get(v, v))
        elif question["kind"] == "multiple":
            answers[key] = ui.multiselect(label, question["options"], placeholder="Choisir…")
        elif question["kind"] == "number":
            answers[key] = st.text_input(label)
        else:
            answers[key] = st.text_input(label, max_chars=2000)
        errors.slot(f"q{key}")
    left, middle, right = st.columns(3)
    received = left.date_input("Reçue le", date.today(), format="DD/MM/YYYY")
    channel = middle.selectbox("Canal", list(responses.CHANNELS),
                               format_func=responses.CHANNELS.get)
    replace = right.checkbox("Remplacer sa réponse précédente",
                             help="Si cette personne a déjà répondu : sa réponse est remplacée "
                                  "par celle-ci.")
    incomplete_ok = st.checkbox("Enregistrer quand même une feuille incomplète",
                                help="Une feuille sans prénom ou sans profession pour une "
                                     "nouvelle fiche, ou sans aucune réponse, n'est "
                                     "enregistrée qu'une fois cette case cochée.")
    errors.slot("incomplete")
    errors.slot(None)
    sent = st.form_submit_button("Enregistrer et passer à la suivante", type="primary",
                                 icon=":material/save:")

if sent:
    try:
        response_id, complete = responses.save_response(
            store, actor, campaign_id, answers, person_id=person, new_person=new_person,
            received_on=received, channel=channel, replace=replace,
            create_anyway=create_anyway, incomplete_ok=incomplete_ok)
    except responses.AlreadyAnswered as error:
        errors.show(error)
        st.page_link(ui.page("campaign"), label="Voir sa première réponse",
                     query_params={"id": str(campaign_id), "response": str(error.response_id)},
                     icon=":material/visibility:")
    except PortalError as error:
        errors.show(error)
    else:
        st.session_state["typed"][campaign_id] += 1
        st.session_state["entry_round"] = round_ + 1
        sheet = responses.get_response(store, response_id)
        st.session_state["entry_notice"] = (
            f"Réponse de {md_escape(sheet['first_name'])} {md_escape(sheet['last_name'])} "
            "enregistrée" + ("." if complete else ", incomplète (à compléter plus tard)."))
        st.rerun()
