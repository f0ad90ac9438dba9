"""Soins non programmés: today's board (requests, slots still free), the fast entry form
for whoever answers the phone, and the slots professionals open."""

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from portal import ui
from portal.care import unscheduled_care as snp
from portal.core import reference
from portal.core.errors import PortalError
from portal.core.formats import PARIS, date_fr
from portal.directory import territory
from portal.ui import lists

actor = ui.require_access("unscheduled_care")
store = ui.store()
today = date.today()

st.title("Soins non programmés")
PAGE_SIZE = 50


def requests_table(frame: pd.DataFrame, key: str) -> None:
    """Requests as a table; a click chooses the request to complete and reruns the page
    to open it. Only a click does: when the minute's refresh brings a new call, rows
    shift under the one ticked, and the request being completed must not change."""
    event = ui.table({
        "Reçue le": frame["received_at"].map(lambda v: f"{date_fr(v[:10])} {v[11:]}"),
        "Canal": frame["channel"].map(snp.CHANNELS), "Âge": frame["age_band"],
        "Motif": frame["motive"], "Profession": frame["profession"],
        "Commune": frame["commune"].fillna(""),
        "Orientée vers": frame["professional"].fillna(""),
        "Issue": frame["outcome"].map(snp.OUTCOMES).fillna("en cours"),
        "RDV": frame["appointment_at"].map(
            lambda v: f"{date_fr(v[:10])} {v[11:]}" if isinstance(v, str) else ""),
        "Sous 24 h": frame["delay_minutes"].map(
            lambda m: "" if pd.isna(m) else ("oui" if m <= snp.DAY_MINUTES else "non"))},
        on_select="rerun", selection_mode="single-row", key=key)
    rows = list(event.selection.rows)
    if rows != st.session_state.get(f"{key}_seen", []):
        st.session_state[f"{key}_seen"] = rows
        st.session_state["snp_chosen"] = int(frame["id"].iloc[rows[0]]) if rows else None
        st.rerun()


def requests_page(span: tuple[date, date], pending_only: bool, total: int, key: str) -> None:
    """A page of the requests received in `span`: a busy week holds hundreds of calls."""
    offset = ui.page_offset(total, PAGE_SIZE, key=f"{key}_page")
    requests_table(snp.requests_between(store, *span, pending_only, PAGE_SIZE, offset), key)


@st.fragment(run_every=timedelta(minutes=1))
def live_board() -> None:
    """Today's figures, slots and calls, read again every minute so the board stays true
    while colleagues take other calls. A click on a call reruns the whole page, which
    opens the call to complete below the board."""
    day = date.today()
    slots = snp.slots_on(store, day)
    today_span, week_span = (day, day + timedelta(days=1)), (day - timedelta(days=7), day)
    received = snp.count_requests(store, *today_span)
    waiting = snp.count_requests(store, *week_span, pending_only=True)
    left, middle, right = st.columns(3)
    left.metric("Demandes aujourd'hui", received)
    middle.metric("Places libres (créneaux en cours ou à venir)",
                  snp.free_places(store, datetime.now(PARIS).replace(tzinfo=None)))
    right.metric("Sans issue (7 derniers jours)",
                 snp.count_requests(store, *today_span, pending_only=True) + waiting)
    st.subheader("Créneaux du jour")
    if slots.empty:
        st.info("Aucun créneau ouvert aujourd'hui. Ajoutez-en dans l'onglet « Créneaux ».",
                icon=":material/event_busy:")
    else:
        ui.table({"Horaire": slots["starts"] + " – " + slots["ends"],
                  "Professionnel": slots["last_name"] + " " + slots["first_name"].fillna(""),
                  "Profession": slots["profession"], "Commune": slots["commune"],
                  "Places": slots["capacity"], "Prises": slots["taken"],
                  "Libres": slots["free"]})
    st.subheader("Demandes du jour")
    # Tables named after the completions: a completed call leaves no row ticked.
    round_ = st.session_state.get("snp_completions", 0)
    if not received:
        st.write("Aucune demande reçue aujourd'hui.")
    else:
        st.caption("Cliquez sur une demande pour la compléter (issue, rendez-vous).")
        requests_page(today_span, False, received, f"today_requests_{round_}")
    if waiting:
        st.subheader("Demandes des jours précédents encore sans issue")
        requests_page(week_span, True, waiting, f"waiting_requests_{round_}")
    st.caption(f"Tableau mis à jour à {datetime.now(PARIS):%H:%M}, chaque minute.")


def board() -> None:
    done = st.empty()
    live_board()  # may rerun the page first: the notice waits for the run that stays
    if notice := st.session_state.pop("snp_completed", None):
        done.success(notice, icon=":material/check_circle:")
    chosen = st.session_state.get("snp_chosen")
    if chosen:
        request = snp.get_request(store, chosen)
        st.subheader(f"Compléter la demande reçue le {date_fr(request['received_at'][:10])} à "
                     f"{request['received_at'][11:]}")
        request_form(request)


def request_form(request: dict | None) -> None:
    """A new call (None), the form blank again after each save; or a request to complete."""
    # Each save starts a fresh form: new calls and completed calls count their own saves,
    # so completing one never clears a call half typed in the other tab.
    counter = "snp_completions" if request else "snp_round"
    round_ = st.session_state.setdefault(counter, 0)
    request = request or {}
    key = f"snp_{request.get('id', 'new')}_{round_}"
    if not request and (notice := st.session_state.pop("snp_notice", None)):
        st.success(notice, icon=":material/check_circle:")
    errors = ui.FieldErrors()
    professions = reference.professions(store, active_only=True)
    communes = {r.code: r.name for r in territory.communes(store).itertuples()}
    motives = snp.MOTIVES.offered(store, keep=request.get("motive_code"))

    def index(options, value):
        return list(options).index(value) if value in options else None

    received = datetime.fromisoformat(request["received_at"]) if request else \
        datetime.now(PARIS).replace(tzinfo=None, second=0, microsecond=0)
    appointment = datetime.fromisoformat(request["appointment_at"]) \
        if request.get("appointment_at") else None
    # The slots not ended when the call came, and the next day's; always the one already
    # chosen: completing an older request must not drop its slot.
    slots = snp.slot_choices(store, received)
    chosen = f"{request['slot_id']}@{request['slot_day']}" if request.get("slot_id") else None
    if chosen and chosen not in slots:
        slots[chosen] = f"Créneau du {date_fr(request['slot_day'])} (n° {request['slot_id']})"
    # Found by a search outside the form: thousands of professionals take part at a
    # large CPTS, too many for a list sent with each form.
    named = None if request.get("slot_id") else request.get("person_id")
    with st.expander("Hors créneau : orienter vers un professionnel", expanded=bool(named),
                     icon=":material/person_search:"):
        person = ui.person_search(store, actor, "Professionnel hors créneau",
                                  f"{key}_person", snp_only=True, value=named)
        st.caption("Un professionnel qui prend le patient à part (ceux dont la fiche dit "
                   "« soins non programmés »). Un créneau choisi l'emporte.")
    with st.form(key):
        left, middle, right = st.columns(3)
        values = {"person_id": person, "received_day": left.date_input("Reçue le", received.date(),
                                                  format="DD/MM/YYYY"),
                  "received_time": middle.time_input("Heure de la demande", received.time(),
                                                     step=300)}
        with left:
            errors.slot("received")
        values["channel"] = right.selectbox(
            "Canal", list(snp.CHANNELS), format_func=snp.CHANNELS.get,
            index=index(snp.CHANNELS, request.get("channel") or snp.usual_channel(store)))
        values["commune_code"] = left.selectbox(
            "Commune du patient", list(communes), format_func=communes.get,
            index=index(communes, request.get("commune_code")), placeholder="Choisir…")
        values["age_band"] = middle.selectbox("Tranche d'âge", snp.AGE_BANDS,
                                              index=index(snp.AGE_BANDS,
                                                          request.get("age_band")),
                                              placeholder="Choisir…")
        with middle:
            errors.slot("age_band")
        values["motive_code"] = right.selectbox(
            "Motif", list(motives), format_func=motives.get,
            index=index(motives, request.get("motive_code")), placeholder="Choisir…")
        with right:
            errors.slot("motive_code")
        values["profession_code"] = left.selectbox(
            "Profession sollicitée", list(professions), format_func=professions.get,
            index=index(professions, request.get("profession_code", "10")) or 0)
        with left:
            errors.slot("profession_code")
        slot = middle.selectbox(
            "Orientée vers un créneau", list(slots), format_func=slots.get,
            index=index(slots, chosen), placeholder="Aucun créneau",
            help="Les créneaux pas encore finis à l'heure de la demande, et ceux du "
                 "lendemain. La place est prise dès l'enregistrement.")
        with middle:
            errors.slot("slot_id")
        values["slot_id"], _, values["slot_day"] = (slot or "").partition("@")
        left, middle, right = st.columns(3)
        values["outcome"] = left.selectbox("Issue", list(snp.OUTCOMES),
                                           format_func=snp.OUTCOMES.get,
                                           index=index(snp.OUTCOMES, request.get("outcome")),
                                           placeholder="En cours")
        values["appointment_day"] = middle.date_input(
            "RDV le", appointment.date() if appointment else today, format="DD/MM/YYYY")
        values["appointment_time"] = right.time_input(
            "Heure du RDV", appointment.time() if appointment else None, step=300)
        with right:
            errors.slot("appointment")
        values["sas_status"] = left.selectbox(
            "Rendez-vous SAS", list(snp.SAS_STATUSES), format_func=snp.SAS_STATUSES.get,
            index=index(snp.SAS_STATUSES, request.get("sas_status")), placeholder="—")
        with left:
            errors.slot("sas_status")
        errors.slot(None)
        sent = st.form_submit_button("Enregistrer" if request else
                                     "Enregistrer et passer à l'appel suivant",
                                     type="primary", icon=":material/save:")
    if sent:
        try:
            snp.save_request(store, actor, values, request.get("id"))
        except PortalError as error:
            errors.show(error)
        else:
            st.session_state[counter] = round_ + 1
            if request:  # done with it: the board's form closes
                st.session_state["snp_chosen"] = None
            st.session_state["snp_completed" if request else "snp_notice"] = \
                "Demande enregistrée."
            st.rerun()


def running_slots() -> None:
    """The slots still open, and a way to stop one (a professional who stops, a slot
    opened by mistake)."""
    rows = snp.open_slots(store, today)
    if not rows:
        return
    labels = {r["id"]: f"{r['last_name']} {r['first_name'] or ''} · {snp.slot_when(r)}"
              for r in rows}
    st.write(f"**Créneaux ouverts** ({len(rows)})")
    ui.table({"Professionnel": [f"{r['last_name']} {r['first_name'] or ''}" for r in rows],
              "Profession": [r["profession"] or "" for r in rows],
              "Commune": [r["commune"] or "" for r in rows],
              "Quand": [snp.slot_when(r) for r in rows],
              "Patients": [r["capacity"] for r in rows],
              "Depuis": [date_fr(r["valid_from"]) for r in rows],
              "Jusqu'au": [date_fr(r["valid_until"]) for r in rows]})
    errors = ui.FieldErrors()
    with st.form("end_slot"):
        left, right = st.columns([2, 1])
        slot = left.selectbox("Arrêter un créneau", list(labels), format_func=labels.get,
                              index=None, placeholder="Choisir…")
        with left:
            errors.slot("slot")
        last_day = right.date_input("Dernier jour", today, format="DD/MM/YYYY")
        with right:
            errors.slot("last_day")
        st.caption("Le créneau reste compté pour les jours où il a été ouvert. Un dernier "
                   "jour avant son premier jour l'annule.")
        sent = st.form_submit_button("Arrêter le créneau")
    if sent and errors.attempt(snp.end_slot, store, actor, slot, last_day):
        ui.saved("Créneau arrêté.")


def slots_tab() -> None:
    first = st.date_input("Semaine à partir du", today, format="DD/MM/YYYY",
                          key="offer_week")
    offer = snp.week_offer(store, first)
    if offer.empty:
        st.info("Aucun créneau sur ces sept jours.", icon=":material/event_busy:")
    else:
        st.caption("Places offertes par profession et par jour.")
        ui.table(offer.rename_axis(index="Profession").rename(
            columns=lambda d: f"{snp.WEEKDAYS[d.weekday()][:3]}. {d:%d/%m}"), hide_index=False)
    running_slots()
    errors = ui.FieldErrors()
    st.write("**Ouvrir un créneau**")
    person = ui.person_search(store, actor, "Professionnel (fiche « soins non programmés »)",
                              ui.form_key("slot_person"), snp_only=True)
    errors.slot("person")
    with st.form("slot", clear_on_submit=True):
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
    if sent and errors.attempt(snp.open_slot, store, actor, person, starts, ends, capacity,
                               weekday, on_day, None, valid_until):
        ui.saved("Créneau ouvert.", reset="slot_person")


def motives_tab() -> None:
    """The motives calls are counted by: renamed, archived (kept on past calls) or added."""
    lists.editor(store, actor, snp.MOTIVES, "Motif", "Appels",
                 "Ex. : vaccination, morsure, certificat")


tabs = st.tabs(["Aujourd'hui", "Nouvelle demande", "Créneaux", "Motifs"])
with tabs[0]:
    board()
with tabs[1]:
    request_form(None)
with tabs[2]:
    slots_tab()
with tabs[3]:
    motives_tab()
st.caption("Les chiffres (part vue sous 24 h, SAS, créneaux utilisés) sont sur la page "
           "« Accès aux soins : chiffres ».")
