"""Médecin traitant: the queue of patients looking for one, in priority order with the
reason for each rank; the GPs' capacity; the rules of the score and the retention."""

import json

import streamlit as st

from portal import ui
from portal.care import doctor_capacity, doctor_requests
from portal.core import audit
from portal.core.formats import date_fr
from portal.directory import territory

PAGE_SIZE = 50

actor = ui.require_access("doctor_queue")
store = ui.store()

st.title("Médecin traitant")
if st.button("Nouvelle demande", icon=":material/add:", type="primary"):
    st.switch_page(ui.page("doctor_request"), query_params={"new": "1"})


def waiting_list() -> None:
    statuses = st.segmented_control(
        "Demandes", ["En cours", "Toutes"], default="En cours", key="queue_statuses")
    chosen = doctor_requests.OPEN if statuses == "En cours" else tuple(doctor_requests.STATUSES)
    left, right = st.columns([2, 1])
    search = left.text_input("Rechercher un patient", max_chars=100, key="queue_search",
                             placeholder="Nom, prénom, date de naissance ou n° de demande")
    with right:
        commune = ui.choice("Commune", {r.code: r.name
                                        for r in territory.communes(store).itertuples()},
                            key="queue_commune", empty="Toutes")
    total = doctor_requests.count_queue(store, actor, chosen, search, commune)
    if not total:
        st.info("Aucune demande ne correspond à cette recherche." if search or commune else
                "Aucune demande en cours. Saisissez-en une avec « Nouvelle demande ».",
                icon=":material/inbox:")
        return
    offset = ui.page_offset(total, PAGE_SIZE, key="queue_page")
    frame = doctor_requests.queue(store, actor, chosen, PAGE_SIZE, offset, search=search,
                                  commune=commune)
    st.caption(f"{total} demande(s), les plus prioritaires d'abord (le rang est celui de "
               "toute la file). Le score : les points des "
               f"critères + {doctor_requests.points_per_week(store)} par semaine d'attente. "
               "Cliquez sur une ligne pour ouvrir la demande (l'ouverture est journalisée).")
    ui.clickable_table({
        "Rang": frame["rank"],
        "Patient": frame["last_name"].fillna("(anonymisée)") + " " +
        frame["first_name"].fillna(""),
        "Âge": frame["age"],
        "Commune": frame["commune"].fillna(""),
        "Reçue le": frame["received_on"].map(date_fr),
        "Statut": frame["status"].map(doctor_requests.STATUSES),
        "Score": frame["score"], "Pourquoi ce rang": frame["reason"]},
        frame["id"], ui.page("doctor_request"), "queue_table")


def capacity() -> None:
    frame = doctor_capacity.capacities(store)
    names = territory.communes(store).set_index("code")["name"].to_dict()
    if frame.empty:
        st.info("Aucun médecin n'a encore déclaré de places pour de nouveaux patients.",
                icon=":material/stethoscope:")
    else:
        ui.table({
            "Médecin": frame["last_name"] + " " + frame["first_name"].fillna(""),
            "Commune": frame["commune"].fillna(""), "Places": frame["remaining"],
            "À partir du": frame["from_date"].map(lambda d: date_fr(d) or "maintenant"),
            "Communes desservies": frame["communes"].map(
                lambda c: ", ".join(names.get(x, x) for x in json.loads(c)) or "toutes"),
            "Notes": frame["notes"]})
    doctors = doctor_capacity.general_practitioners(store)
    errors = ui.FieldErrors()
    with st.form("capacity"):
        st.write("**Déclarer ou mettre à jour les places d'un médecin**")
        doctor = st.selectbox("Médecin généraliste", list(doctors), format_func=doctors.get,
                              index=None, placeholder="Tapez un nom…")
        errors.slot("doctor")
        left, right = st.columns(2)
        remaining = left.number_input("Nouveaux patients acceptés", 0, 2000, 5)
        errors.slot("remaining")
        start = right.date_input("À partir du", None, format="DD/MM/YYYY")
        served = ui.multiselect("Communes desservies (aucune : toutes)", list(names),
                                format_func=names.get, placeholder="Choisir…")
        notes = st.text_input("Notes", max_chars=500)
        sent = st.form_submit_button("Enregistrer", type="primary")
    if sent and errors.attempt(doctor_capacity.set_capacity, store, actor, doctor, remaining,
                               start, served, notes):
        ui.saved("Capacité d'accueil enregistrée.")


def settings() -> None:
    rules = doctor_requests.criteria(store, active_only=False)
    errors = ui.FieldErrors()
    with st.form("rules"):
        st.write("**Points du score de priorité**")
        points, active = {}, {}
        for rule in rules:
            left, right = st.columns([3, 1])
            points[rule["code"]] = left.number_input(rule["label"], 0, 1000, rule["points"])
            active[rule["code"]] = right.checkbox("Pris en compte", bool(rule["active"]),
                                                  key=f"active_{rule['code']}")
        week = st.number_input("Points par semaine d'attente", 0, 1000,
                               doctor_requests.points_per_week(store))
        errors.slot("points")
        months = st.number_input("Conservation de l'identité après clôture (mois)", 1, 120,
                                 doctor_requests.retention_months(store))
        errors.slot("months")
        sent = st.form_submit_button("Enregistrer les règles")
    if sent and errors.attempt(doctor_requests.set_rules, store, actor, points, active, week,
                               months):
        ui.saved("Règles de priorité enregistrées.")
    with st.form("criterion", clear_on_submit=True):
        label = st.text_input("Nouveau critère local (ex. : aidant familial)", max_chars=100)
        errors.slot("criterion")
        worth = st.number_input("Points", 0, 1000, 10)
        added = st.form_submit_button("Ajouter le critère")
    if added and errors.attempt(doctor_requests.add_criterion, store, actor, label, worth):
        ui.saved("Critère ajouté.")
    st.write("**Anonymiser les demandes closes**")
    config = ui.config()
    st.caption(f"Les demandes closes depuis plus de {doctor_requests.retention_months(store)} "
               "mois perdent nom, prénom, date de naissance et coordonnées ; dates, commune "
               "et critères restent pour les indicateurs. Les consultations des données "
               f"patients de plus de {config.access_log_months} mois et les tentatives de "
               f"connexion de plus de {config.login_log_months} mois sont effacées. "
               "C'est définitif.")
    confirmed = st.checkbox("Je confirme l'anonymisation")
    if st.button("Anonymiser maintenant", icon=":material/auto_delete:"):
        if not confirmed:
            st.error("Cochez la case pour confirmer.")
        else:
            count = doctor_requests.purge(store, actor)
            removed = audit.purge_logs(store, actor, config.access_log_months,
                                       config.login_log_months)
            ui.saved(f"{count} demande(s) anonymisée(s) ; {removed['access_log']} "
                     f"consultation(s) et {removed['login_attempts']} tentative(s) de "
                     "connexion anciennes effacées.")


tabs = st.tabs(["File d'attente", "Capacité des médecins",
                *(["Réglages"] if actor.has("admin") else [])])
with tabs[0]:
    waiting_list()
with tabs[1]:
    capacity()
if len(tabs) > 2:
    with tabs[2]:
        settings()
