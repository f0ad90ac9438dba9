"""Instances et quorum: who sits on the bureau and the conseil d'administration (with
dates, so past quorums stay right), and the statuts' quorum rule of each body."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.formats import date_fr
from portal.meetings import bodies

actor = ui.require_access("bodies")
store = ui.store()
editor = actor.has(*bodies.EDITORS)

st.title("Instances et quorum")
current = bodies.mandates(store, date.today())
for body, label in bodies.MANDATE_BODIES.items():
    st.subheader(f"{label} en exercice")
    rows = current[current["body"] == body]
    if rows.empty:
        st.info(f"Aucun mandat en cours : le quorum des réunions « {label.lower()} » ne peut "
                "pas être calculé." + (" Ajoutez les membres ci-dessous." if editor else ""),
                icon=":material/group_off:")
        continue
    ui.table({"Nom": rows["name"],
              "Fonction": rows["role"].map(bodies.MANDATE_ROLES),
              "Depuis le": rows["starts_on"].map(date_fr)})
st.caption(f"Assemblée générale : les adhérents de l'annuaire "
           f"({len(bodies.electorate(store, 'ag', date.today()))} aujourd'hui).")

if editor:
    with st.expander("Ajouter un mandat", icon=":material/person_add:"):
        errors = ui.FieldErrors()
        person = ui.person_search(store, actor, "Personne", ui.form_key("mandate_person"))
        errors.slot("person_id")
        with st.form("mandate", clear_on_submit=True):
            body_column, role_column = st.columns(2)
            body = body_column.selectbox("Instance", list(bodies.MANDATE_BODIES),
                                         format_func=bodies.MANDATE_BODIES.get)
            role = role_column.selectbox("Fonction", list(bodies.MANDATE_ROLES),
                                         index=len(bodies.MANDATE_ROLES) - 1,
                                         format_func=bodies.MANDATE_ROLES.get)
            start_column, end_column = st.columns(2)
            starts = start_column.date_input("Début du mandat", date.today(),
                                             format="DD/MM/YYYY")
            errors.slot("starts_on")
            ends = end_column.date_input("Fin (si elle est connue)", None, format="DD/MM/YYYY")
            errors.slot("ends_on")
            sent = st.form_submit_button("Ajouter le mandat", type="primary")
        if sent and errors.attempt(bodies.add_mandate, store, actor, person, body, role, starts,
                                   ends):
            ui.saved("Mandat ajouté.", reset="mandate_person")
    running = {int(r.id): f"{r.name} – "
               f"{bodies.MANDATE_BODIES[r.body]}, {bodies.MANDATE_ROLES[r.role].lower()}"
               for r in current.itertuples()}
    if running:
        ui.ending("Terminer un mandat", "Mandat", running,
                  lambda mandate, last: bodies.end_mandate(store, actor, mandate, last),
                  "Mandat terminé.", "end_mandate", ":material/logout:", date.today())

with st.expander("Historique des mandats", icon=":material/history:"):
    every = bodies.mandates(store)
    if every.empty:
        st.write("Aucun mandat enregistré.")
    else:
        ui.table({"Nom": every["name"],
                  "Instance": every["body"].map(bodies.MANDATE_BODIES),
                  "Fonction": every["role"].map(bodies.MANDATE_ROLES),
                  "Début": every["starts_on"].map(date_fr),
                  "Fin": every["ends_on"].map(lambda d: date_fr(d) or "en cours")})

st.subheader("Règles de quorum")
rules = bodies.rules(store)
for body, label in bodies.BODIES.items():
    st.write(f"**{label}** : {bodies.rule_text(rules[body])}.")
if actor.has("admin"):
    with st.expander("Modifier les règles (selon les statuts)", icon=":material/gavel:"):
        body = st.selectbox("Instance", list(bodies.BODIES), format_func=bodies.BODIES.get)
        rule = rules[body]
        errors = ui.FieldErrors()
        with st.form(f"rule_{body}"):
            comparison = st.radio("Il faut", ["au moins", "plus de"], horizontal=True,
                                  index=int(rule["strict"]))
            numerator_column, denominator_column = st.columns(2)
            numerator = numerator_column.number_input("Fraction : numérateur", 1, 99,
                                                      rule["numerator"])
            denominator = denominator_column.number_input("dénominateur", 1, 99,
                                                          rule["denominator"])
            errors.slot(f"{body}_fraction")
            proxies = st.checkbox("Les membres représentés (pouvoirs) comptent",
                                  bool(rule["proxies_count"]))
            limit = st.number_input("Pouvoirs au plus par personne présente (vide : sans "
                                    "limite)", 0, 99, rule["max_proxies"])
            errors.slot(f"{body}_proxies")
            sent = st.form_submit_button("Enregistrer la règle", type="primary")
        if sent and errors.attempt(bodies.set_rule, store, actor, body, int(numerator),
                                   int(denominator), comparison == "plus de", proxies,
                                   None if limit is None else int(limit)):
            ui.saved("Règle de quorum enregistrée.")
