"""Territoire (admin): the CPTS's name and the communes it covers, with population."""

import streamlit as st

from portal import ui
from portal.core import reference
from portal.core.errors import PortalError
from portal.core.formats import number_fr
from portal.directory import territory

actor = ui.require_access("territory")
store = ui.store()

st.title("Territoire")

errors = ui.FieldErrors()
with st.form("cpts_name"):
    name = st.text_input("Nom de la CPTS", territory.name(store), max_chars=120)
    errors.slot("name")
    if st.form_submit_button("Enregistrer le nom"):
        try:
            territory.set_name(store, actor, name)
        except PortalError as error:
            errors.show(error)
        else:  # the name heads other pages too
            ui.saved("Nom enregistré.")

communes = territory.communes(store)
total = territory.population(store)
left, right = st.columns(2)
left.metric("Communes", number_fr(len(communes)))
right.metric("Population", number_fr(total),
             help="Population municipale du code officiel géographique 2026.")
if len(communes):
    st.caption(f"Taille suggérée de la CPTS au sens de l'ACI : {territory.suggested_size(total)} "
               "(moins de 40 000 habitants : 1 ; 40 000 à 80 000 : 2 ; 80 000 à 175 000 : 3 ; "
               "au-delà : 4).")
    ui.table(communes.assign(population=communes["population"].map(number_fr),
                             postal_codes=communes["postal_codes"].str.replace("|", ", "))
             [["name", "department_name", "postal_codes", "population", "code"]]
             .rename(columns={"name": "Commune", "department_name": "Département",
                              "postal_codes": "Codes postaux", "population": "Population",
                              "code": "Code INSEE"}))
else:
    st.info("Le territoire ne compte encore aucune commune : ajoutez-les ci-dessous, "
            "département par département.", icon=":material/map:")

st.subheader("Ajouter des communes")
departments = reference.departments(store)
department = st.selectbox("Département", list(departments),
                          index=list(departments).index("45") if "45" in departments else 0,
                          format_func=lambda d: f"{d} – {departments[d]}")
available = {code: label for code, label in reference.communes_of(store, department).items()
             if code not in set(communes["code"])}
chosen = ui.multiselect("Communes", list(available), format_func=available.get,
                        placeholder="Tapez le début du nom")
if st.button("Ajouter au territoire", type="primary", disabled=not chosen):
    added = territory.add_communes(store, actor, chosen)
    ui.saved(f"{added} commune(s) ajoutée(s) au territoire.")

if len(communes):
    st.subheader("Retirer des communes")
    current = dict(zip(communes["code"], communes["name"]))
    removed = ui.multiselect("Communes à retirer", list(current), format_func=current.get,
                             placeholder="Choisir…")
    confirmed = st.checkbox("Je confirme le retrait de ces communes du territoire")
    if st.button("Retirer", disabled=not removed):
        if confirmed:
            territory.remove_communes(store, actor, removed)
            ui.saved(f"{len(removed)} commune(s) retirée(s) du territoire.")
        st.error("Cochez la case pour confirmer.")
