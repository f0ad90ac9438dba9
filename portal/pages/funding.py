"""Financement ACI: per contract year, what the ACI pays (operating grant, fixed and
variable parts per mission), what was received and when, and how the funds were used
(indemnities of the validated statements, other spending), as the yearly report says."""

from datetime import date

import streamlit as st

from portal import ui
from portal.association import funding
from portal.core.formats import date_fr, euros, number_fr
from portal.missions import aci, indicators, report

actor = ui.require_access("funding")
store = ui.store()
prepares = actor.has(*funding.EDITORS)
treasurer = actor.has(*funding.TREASURERS)
today = date.today()

st.title("Financement ACI")
year = st.selectbox("Année du contrat", list(range(today.year, today.year - 6, -1)))
missions = {m["code"]: m["title"] for m in aci.all_missions(store)}
uses = funding.use_of_funds(store, year)
due = int(uses["fixed_cents"].sum() + uses["variable_cents"].sum())
received = funding.received(store, year)
used = int(uses["indemnities_cents"].sum() + uses["spending_cents"].sum())
left, middle, right, last = st.columns(4)
left.metric("Attendu", euros(due, whole=True))
middle.metric("Reçu", euros(received, whole=True))
right.metric("Reste à recevoir", euros(max(due - received, 0), whole=True))
last.metric("Utilisé", euros(used, whole=True),
            help="Indemnités des relevés validés et autres dépenses.")

st.subheader("Moyens et utilisation des fonds")
frame = report.funds_frame(uses)
ui.table({column: frame[column] if column == "Mission" else frame[column].map(euros)
          for column in frame.columns})
st.caption("Les indemnités viennent des relevés validés (page « Indemnisations ») ; ce "
           "tableau figure dans le rapport annuel.")


def expected_amounts() -> None:
    listed = funding.expected(store, year)
    if listed.empty:
        st.info(f"Aucun montant attendu pour {year} : saisissez ceux de votre contrat "
                "(dotation de fonctionnement, parts fixe et variable par mission).",
                icon=":material/request_quote:")
    else:
        ui.table({"Part": listed["part"].map(funding.PARTS),
                  "Mission": listed["mission"].fillna("—"),
                  "Montant": listed["expected_cents"].map(euros),
                  "Indicateurs": listed["indicators"]})
    if not prepares:
        return
    errors = ui.FieldErrors()
    one, two = st.columns(2)
    part = one.selectbox("Part", list(funding.PARTS), format_func=funding.PARTS.get,
                         key="funding_part")
    with two:
        mission = None if part == "fonctionnement" else ui.choice(
            "Mission", missions, key="funding_mission", empty="Choisir…")
        errors.slot("mission")
    chosen_indicators: list[int] = []
    if part == "variable" and mission:
        offered = {int(r.id): r.name
                   for r in indicators.list_indicators(store, mission).itertuples()}
        chosen_indicators = ui.multiselect("Indicateurs dont elle dépend", list(offered),
                                           format_func=offered.get, key="funding_indicators",
                                           placeholder="Choisissez les indicateurs")
    with st.form("expected"):
        amount = st.number_input("Montant attendu (EUR)", min_value=0.0, step=100.0,
                                 format="%.2f", value=None)
        errors.slot("expected")
        errors.slot(None)
        sent = st.form_submit_button("Enregistrer le montant", type="primary")
    if sent and errors.attempt(funding.set_expected, store, actor, year, part, mission,
                               None if amount is None else round(amount * 100),
                               chosen_indicators):
        ui.saved(f"Montant {year} enregistré.")
    if not listed.empty:
        ui.removal("Retirer un montant", "Montant saisi par erreur",
                   {int(r.id): f"{funding.PARTS[r.part]} – {r.mission or 'CPTS'}"
                    for r in listed.itertuples()},
                   lambda funding_id: funding.remove_expected(store, actor, funding_id),
                   "Montant retiré.", key="remove_expected")


def payments() -> None:
    listed = funding.payments(store, year)
    if listed.empty:
        st.info(f"Aucun versement reçu pour {year}.", icon=":material/account_balance:")
    else:
        ui.table({"Reçu le": listed["received_on"].map(date_fr), "Objet": listed["label"],
                  "Montant": listed["amount_cents"].map(euros),
                  "Enregistré par": listed["created_by"]})
    if not treasurer:
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key("aci_payment")):
        one, two, three = st.columns(3)
        received_on = one.date_input("Reçu le", today, format="DD/MM/YYYY")
        with one:
            errors.slot("received_on")
        amount = two.number_input("Montant (EUR)", min_value=0.0, step=100.0, format="%.2f",
                                  value=None)
        with two:
            errors.slot("amount")
        label = three.text_input("Objet", placeholder="Avance, solde…", max_chars=200)
        with three:
            errors.slot("label")
        sent = st.form_submit_button("Enregistrer le versement", type="primary")
    if sent and errors.attempt(funding.record_payment, store, actor, year, received_on,
                               None if amount is None else round(amount * 100), label):
        ui.saved("Versement enregistré.", reset="aci_payment")
    if not listed.empty:
        ui.removal("Retirer un versement", "Versement saisi par erreur",
                   {int(r.id): f"{date_fr(r.received_on)} – {r.label} – "
                    f"{euros(r.amount_cents)}" for r in listed.itertuples()},
                   lambda payment_id: funding.remove_payment(store, actor, payment_id),
                   "Versement retiré.", key="remove_aci_payment")


def other_spending() -> None:
    listed = funding.spending(store, year)
    if listed.empty:
        st.info(f"Aucune dépense saisie pour {year} (hors indemnités, qui viennent des "
                "relevés).", icon=":material/shopping_cart:")
    else:
        total = int(listed["amount_cents"].sum())
        st.caption(f"{number_fr(len(listed))} dépense(s), {euros(total)}.")
        ui.table({"Date": listed["spent_on"].map(date_fr), "Mission": listed["mission"],
                  "Dépense": listed["label"], "Montant": listed["amount_cents"].map(euros)})
    if not prepares:
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key("spending")):
        one, two = st.columns(2)
        label = one.text_input("Dépense", placeholder="Salaire de la coordinatrice, loyer…",
                               max_chars=200)
        with one:
            errors.slot("label")
        with two:
            mission = ui.choice("Mission", missions, empty=funding.RUNNING)
        three, four = st.columns(2)
        amount = three.number_input("Montant (EUR)", min_value=0.0, step=10.0, format="%.2f",
                                    value=None)
        with three:
            errors.slot("amount")
        spent_on = four.date_input("Date", min(today, date(year, 12, 31)),
                                   format="DD/MM/YYYY")
        with four:
            errors.slot("spent_on")
        sent = st.form_submit_button("Enregistrer la dépense", type="primary")
    if sent and errors.attempt(funding.add_spending, store, actor, year, mission, label,
                               None if amount is None else round(amount * 100), spent_on):
        ui.saved("Dépense enregistrée.", reset="spending")
    if not listed.empty:
        ui.removal("Retirer une dépense", "Dépense saisie par erreur",
                   {int(r.id): f"{date_fr(r.spent_on)} – {r.label} – {euros(r.amount_cents)}"
                    for r in listed.itertuples()},
                   lambda spending_id: funding.remove_spending(store, actor, spending_id),
                   "Dépense retirée.", key="remove_spending")


tabs = st.tabs(["Montants attendus", "Versements reçus", "Autres dépenses"])
with tabs[0]:
    expected_amounts()
with tabs[1]:
    payments()
with tabs[2]:
    other_spending()
