"""Demande de médecin traitant: the patient, the priority facts, the doctors who could
take them, and the next steps (search, proposal, acceptance...). Coordination only; each
opening is written to the access log."""

from datetime import date

import streamlit as st

from portal import ui
from portal.care import doctor_capacity, doctor_requests
from portal.core import validation
from portal.core.formats import date_fr, md_escape, records
from portal.directory import territory

actor = ui.require_access("doctor_request")
store = ui.store()


def request_form(request: dict | None) -> None:
    """Create (None) or correct a request; a duplicate is refused unless confirmed."""
    request = request or {}
    key = f"mt{request.get('id', 'new')}"
    errors = ui.FieldErrors()
    with st.form(key):
        left, middle, right = st.columns(3)
        values = {"last_name": left.text_input("Nom", request.get("last_name") or "",
                                               max_chars=100)}
        with left:
            errors.slot("last_name")
        values["first_name"] = middle.text_input("Prénom", request.get("first_name") or "",
                                                 max_chars=100)
        with middle:
            errors.slot("first_name")
        values["birth_date"] = right.date_input(
            "Date de naissance", date.fromisoformat(request["birth_date"])
            if request.get("birth_date") else None, min_value=date(1900, 1, 1),
            max_value=date.today(), format="DD/MM/YYYY")
        with right:
            errors.slot("birth_date")
        communes = {r.code: r.name for r in territory.communes(store).itertuples()}
        values["commune_code"] = left.selectbox(
            "Commune", list(communes), format_func=communes.get, placeholder="Choisir…",
            index=list(communes).index(request["commune_code"])
            if request.get("commune_code") in communes else None)
        values["phone"] = middle.text_input("Téléphone",
                                            validation.phone_display(request.get("phone")))
        with middle:
            errors.slot("phone")
        values["email"] = right.text_input("E-mail", request.get("email") or "")
        with right:
            errors.slot("email")
        values["received_on"] = left.date_input(
            "Demande reçue le", date.fromisoformat(request["received_on"])
            if request.get("received_on") else date.today(), format="DD/MM/YYYY")
        with left:
            errors.slot("received_on")
        values["channel"] = middle.selectbox(
            "Canal", list(doctor_requests.CHANNELS), format_func=doctor_requests.CHANNELS.get,
            index=list(doctor_requests.CHANNELS).index(request.get("channel", "telephone")))
        with middle:
            errors.slot("channel")
        values["household"] = right.number_input(
            "Autres personnes du foyer sans médecin traitant", 0, 20,
            request.get("household", 0))
        values["can_travel"] = st.checkbox("Peut se déplacer", bool(request.get("can_travel",
                                                                                1)))
        rules = [c for c in doctor_requests.criteria(store) if c["code"] != "age70"]
        st.write("**Critères de priorité** (70 ans ou plus : calculé d'après la date de "
                 "naissance)")
        cells = st.columns(3)
        codes = [rule["code"] for index, rule in enumerate(rules)
                 if cells[index % 3].checkbox(rule["label"],
                                              rule["code"] in request.get("criteria", []),
                                              key=f"{key}_{rule['code']}")]
        duplicate = st.checkbox("C'est bien une nouvelle demande pour ce patient (doublon "
                                "voulu)")
        errors.slot("duplicate")
        sent = st.form_submit_button("Enregistrer", type="primary")
    if sent:
        ui.save_record(errors, lambda: doctor_requests.save_request(
            store, actor, values, codes, request.get("id"), allow_duplicate=duplicate),
            ui.page("doctor_request"), not request, "Demande enregistrée.")


def proposal_choices(options) -> dict[int, str]:
    """The doctors to propose: those who could take the patient first, with their places
    and how near they are, then every other GP of the directory."""
    near = {int(r["id"]): f"{r['last_name']} {r['first_name'] or ''} ({r['commune'] or '—'})"
                          f" · {r['proximity'].lower()} · {r['remaining']} place(s)"
            for r in records(options)}
    return {**near, **{i: label for i, label in doctor_capacity.general_practitioners(store).items()
                       if i not in near}}


def next_steps(request: dict, doctors: dict[int, str]) -> None:
    """The moves the workflow allows from here; each shows only the field it needs."""
    allowed = doctor_requests.TRANSITIONS[request["status"]]
    if not allowed:
        st.caption("Demande terminée.")
        return
    st.info(doctor_requests.TO_DO[request["status"]], icon=":material/arrow_forward:")
    status = st.radio("Étape suivante", allowed, horizontal=True,
                      format_func=doctor_requests.STATUSES.get, key="next_status")
    needs = doctor_requests.STEP_FIELDS.get(status)
    errors = ui.FieldErrors()
    with st.form("step"):
        left, right = st.columns(2)
        day = left.date_input("Date", date.today(), format="DD/MM/YYYY")
        with left:
            errors.slot("day")
        doctor = reason = None
        if needs == "doctor":
            doctor = right.selectbox("Médecin proposé", list(doctors), format_func=doctors.get,
                                     index=None, placeholder="Choisir…")
            with right:
                errors.slot("doctor")
        elif needs == "reason":
            reason = st.text_input("Motif du refus" if status == "refusee"
                                   else "Motif de l'abandon", max_chars=500)
            errors.slot("reason")
        errors.slot("status")
        sent = st.form_submit_button(f"Enregistrer : {doctor_requests.STATUSES[status]}",
                                     type="primary")
    if sent and errors.attempt(doctor_requests.move, store, actor, request["id"], status, day,
                               doctor, reason):
        ui.saved(f"Étape enregistrée : {doctor_requests.STATUSES[status]}.")


st.page_link(ui.page("doctor_queue"), label="Retour à la file d'attente",
             icon=":material/arrow_back:")
request = ui.record_page(lambda i: doctor_requests.get_request(store, actor, i), request_form,
                         True, "Nouvelle demande de médecin traitant",
                         "Demande de médecin traitant",
                         "Choisissez une demande dans la file d'attente.",
                         ":material/person_search:")
if request["anonymised_at"]:
    st.title(f"Demande n° {request['id']} (anonymisée)")
else:
    st.title(f"{md_escape(request['first_name'])} {md_escape(request['last_name'])}")
born = date.fromisoformat(request["birth_date"]) if request["birth_date"] else None
st.caption(" · ".join(part for part in (
    f"Demande n° {request['id']} du {date_fr(request['received_on'])}",
    doctor_requests.CHANNELS[request["channel"]],
    doctor_requests.STATUSES[request["status"]],
    f"naissance : {date_fr(born)}" if born else "") if part))
facts = doctor_requests.priority_facts(store, request, date.today())
st.text("Critères : " + (", ".join(facts) or "aucun"))
st.text(f"Commune : {request['commune'] or '—'} · Téléphone : "
        f"{validation.phone_display(request['phone']) or '—'} · E-mail : "
        f"{request['email'] or '—'}")
st.text(f"Foyer : {request['household']} autre(s) personne(s) sans médecin traitant · "
        + ("peut se déplacer" if request["can_travel"] else "ne peut pas se déplacer"))
if request["doctor"]:
    st.text(f"Médecin : {request['doctor']}")
if request["reason"]:
    st.text(f"Motif : {request['reason']}")

options = doctor_capacity.candidates(store, actor, request["id"])
if doctor_requests.TRANSITIONS[request["status"]]:  # a request that is over needs no doctor
    st.subheader("Médecins qui pourraient l'accueillir")
    if options.empty:
        st.info("Aucun médecin n'a de place déclarée pour cette commune. Mettez à jour les "
                "capacités dans « Médecin traitant ».", icon=":material/stethoscope:")
    else:
        ui.table({"Médecin": options["last_name"] + " " + options["first_name"].fillna(""),
                  "Commune": options["commune"].fillna(""),
                  "Proximité": options["proximity"], "Places": options["remaining"]})

st.subheader("Étapes")
steps = request["steps"]
ui.table({"Date": steps["on_day"].map(date_fr),
          "Étape": steps["status"].map(doctor_requests.STATUSES),
          "Médecin": steps["doctor"], "Motif": steps["reason"],
          "Par": steps["username"]})
next_steps(request, proposal_choices(options))
if not request["anonymised_at"]:
    with st.expander("Corriger la demande", icon=":material/edit:"):
        request_form(request)
