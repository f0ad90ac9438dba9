"""Soins non programmés: today's board (requests, slots still free), the fast entry form
for whoever answers the phone, and the slots professionals open."""

from datetime import date, datetime

import pandas as pd
import streamlit as st

from portal import directory, reference, territory, ui
from portal import unscheduled_care as snp
from portal.errors import PortalError
from portal.formats import PARIS, date_fr

actor = ui.require_access("unscheduled_care")
store = ui.store()
today = date.today()

st.title("Soins non programmés")


def board() -> None:
    slots = snp.slots_on(store, today)
    requests = snp.requests_on(store, today)
    left, middle, right = st.columns(3)
    left.metric("Demandes aujourd'hui", len(requests))
    middle.metric("Places libres aujourd'hui",
                  int((slots["capacity"] - slots["taken"]).clip(lower=0).sum())
                  if not slots.empty else 0)
    right.metric("Sans issue encore", int(requests["outcome"].isna().sum()))
    st.subheader("Créneaux du jour")
    if slots.empty:
        st.info("Aucun créneau ouvert aujourd'hui. Ajoutez-en dans l'onglet « Créneaux ».",
                icon=":material/event_busy:")
    else:
        st.dataframe({"Horaire": slots["starts"] + " – " + slots["ends"],
                      "Professionnel": slots["last_name"] + " " + slots["first_name"].fillna(""),
                      "Profession": slots["profession"], "Commune": slots["commune"],
                      "Places": slots["capacity"], "Prises": slots["taken"],
                      "Libres": (slots["capacity"] - slots["taken"]).clip(lower=0)},
                     hide_index=True, width="stretch")
    st.subheader("Demandes du jour")
    if requests.empty:
        st.write("Aucune demande reçue aujourd'hui.")
        return
    st.dataframe({
        "Reçue à": requests["received_at"].str[11:16],
        "Canal": requests["channel"].map(snp.CHANNELS), "Âge": requests["age_band"],
        "Motif": requests["motive"], "Profession": requests["profession"],
        "Commune": requests["commune"].fillna(""),
        "Orientée vers": requests["professional"].fillna(""),
        "Issue": requests["outcome"].map(snp.OUTCOMES).fillna("en cours"),
        "RDV": requests["appointment_at"].fillna("").str.replace("T", " ").map(
            lambda v: f"{date_fr(v[:10])} {v[11:]}" if v else ""),
        "Sous 24 h": requests["delay_minutes"].map(
            lambda m: "" if pd.isna(m) else ("oui" if m <= snp.DAY_MINUTES else "non"))},
        hide_index=True, width="stretch")


def entry() -> None:
    """One call after another: the form is blank again after each save."""
    round_ = st.session_state.setdefault("snp_round", 0)
    if notice := st.session_state.pop("snp_notice", None):
        st.success(notice, icon=":material/check_circle:")
    errors = ui.FieldErrors()
    professions = reference.professions(store, active_only=True)
    communes = {r.code: r.name for r in territory.communes(store).itertuples()}
    motives = snp.motives(store)
    free = snp.slots_on(store, today)
    slots = {int(r.id): f"{r.starts}–{r.ends} {r.last_name} ({r.profession}, {r.commune}) : "
             f"{max(r.capacity - r.taken, 0)} place(s)" for r in free.itertuples()}
    now = datetime.now(PARIS)
    with st.form(f"snp_{round_}"):
        left, middle, right = st.columns(3)
        values = {"received_day": left.date_input("Reçue le", today, format="DD/MM/YYYY"),
                  "received_time": middle.time_input(
                      "Heure de la demande", now.time().replace(second=0, microsecond=0),
                      step=300)}
        with left:
            errors.slot("received")
        values["channel"] = right.selectbox("Canal", list(snp.CHANNELS),
                                            format_func=snp.CHANNELS.get)
        values["commune_code"] = left.selectbox("Commune du patient", list(communes),
                                                format_func=communes.get, index=None,
                                                placeholder="Choisir…")
        values["age_band"] = middle.selectbox("Tranche d'âge", snp.AGE_BANDS, index=None,
                                              placeholder="Choisir…")
        with middle:
            errors.slot("age_band")
        values["motive_code"] = right.selectbox("Motif", list(motives),
                                                format_func=motives.get, index=None,
                                                placeholder="Choisir…")
        with right:
            errors.slot("motive_code")
        values["profession_code"] = left.selectbox(
            "Profession sollicitée", list(professions), format_func=professions.get,
            index=list(professions).index("10") if "10" in professions else 0)
        with left:
            errors.slot("profession_code")
        values["slot_id"] = st.selectbox("Orientée vers un créneau du jour", list(slots),
                                         format_func=slots.get, index=None,
                                         placeholder="Aucun créneau")
        left, middle, right = st.columns(3)
        values["outcome"] = left.selectbox("Issue", list(snp.OUTCOMES),
                                           format_func=snp.OUTCOMES.get, index=None,
                                           placeholder="En cours")
        values["appointment_day"] = middle.date_input("RDV le", today, format="DD/MM/YYYY")
        values["appointment_time"] = right.time_input("Heure du RDV", None, step=300)
        with right:
            errors.slot("appointment")
        values["sas_status"] = left.selectbox("Rendez-vous SAS", list(snp.SAS_STATUSES),
                                              format_func=snp.SAS_STATUSES.get, index=None,
                                              placeholder="—")
        with left:
            errors.slot("sas_status")
        errors.slot(None)
        sent = st.form_submit_button("Enregistrer et passer à l'appel suivant", type="primary",
                                     icon=":material/save:")
    if sent:
        try:
            snp.save_request(store, actor, values)
        except PortalError as error:
            errors.show(error)
        else:
            st.session_state["snp_round"] = round_ + 1
            st.session_state["snp_notice"] = "Demande enregistrée."
            st.rerun()


def slots_tab() -> None:
    first = st.date_input("Semaine à partir du", today, format="DD/MM/YYYY",
                          key="offer_week")
    offer = snp.week_offer(store, first)
    if offer.empty:
        st.info("Aucun créneau sur ces sept jours.", icon=":material/event_busy:")
    else:
        st.caption("Places offertes par profession et par jour.")
        st.dataframe(offer.rename(columns=lambda d: f"{snp.WEEKDAYS[d.weekday()][:3]}. "
                                                    f"{d:%d/%m}"), width="stretch")
    people = directory.person_choices(store)
    errors = ui.FieldErrors()
    with st.form("slot", clear_on_submit=True):
        st.write("**Ouvrir un créneau**")
        person = st.selectbox("Professionnel", list(people), format_func=people.get,
                              index=None, placeholder="Tapez un nom…")
        errors.slot("person")
        left, middle, right = st.columns(3)
        weekday = left.selectbox("Chaque semaine le", [None, *range(7)],
                                 format_func=lambda d: "—" if d is None else snp.WEEKDAYS[d])
        on_day = middle.date_input("Ou une seule fois le", None, format="DD/MM/YYYY")
        with left:
            errors.slot("when")
        capacity = right.number_input("Patients", 1, 50, 2)
        with right:
            errors.slot("capacity")
        starts = left.time_input("De", None, step=900)
        ends = middle.time_input("À", None, step=900)
        with middle:
            errors.slot("ends")
        valid_until = right.date_input("Jusqu'au (facultatif)", None, format="DD/MM/YYYY")
        with right:
            errors.slot("valid_until")
        sent = st.form_submit_button("Ouvrir le créneau", type="primary")
    if sent:
        try:
            if person is None:
                raise PortalError("Choisissez le professionnel.", field="person")
            snp.save_slot(store, actor, person, starts, ends, capacity, weekday, on_day,
                          None, valid_until)
        except PortalError as error:
            errors.show(error)
        else:
            st.rerun()


tabs = st.tabs(["Aujourd'hui", "Nouvelle demande", "Créneaux"])
with tabs[0]:
    board()
with tabs[1]:
    entry()
with tabs[2]:
    slots_tab()
st.caption("Les chiffres (part vue sous 24 h, SAS, créneaux utilisés) sont sur la page "
           "« Accès aux soins : chiffres ».")
