"""Fiche structure: an organisation's details and the people who work there."""

import streamlit as st

from portal import ui
from portal.core import validation
from portal.core.formats import md_escape
from portal.directory import organizations, persons, search

actor = ui.require_access("organization")
store = ui.store()
editor = actor.has(*persons.EDITORS)


def organization_form(organization: dict | None) -> None:
    organization = organization or {}
    key = f"o{organization.get('id', 'new')}"
    errors = ui.FieldErrors()
    left, right = st.columns(2)
    with left:
        values = {"name": ui.text_field(errors, "Nom", organization.get("name"), "name", key,
                                        150)}
        values["kind"] = ui.choice("Type", organizations.KINDS, organization.get("kind"),
                                   key=f"{key}_kind", empty="Choisir…")
        errors.slot("kind")
        values["sector"] = ui.choice("Secteur", organizations.SECTORS, organization.get("sector"),
                                     key=f"{key}_sector", empty="Choisir…")
        errors.slot("sector")
        values["finess"] = ui.text_field(errors, "N° FINESS", organization.get("finess"),
                                         "finess", key, 12)
        values["siret"] = ui.text_field(errors, "N° SIRET", organization.get("siret"), "siret",
                                        key, 20)
    with right:
        values["address"] = ui.text_field(errors, "Adresse", organization.get("address"),
                                          "address", key)
        values["commune_code"] = ui.commune_input(store, "Commune",
                                                  organization.get("commune_code"),
                                                  f"{key}_commune")
        errors.slot("commune_code")
        values["phone"] = ui.text_field(errors, "Téléphone",
                                        validation.phone_display(organization.get("phone")),
                                        "phone", key, 30)
        values["email"] = ui.text_field(errors, "E-mail", organization.get("email"), "email",
                                        key, 254)
        values["website"] = ui.text_field(errors, "Site internet", organization.get("website"),
                                          "website", key)
    values["notes"] = st.text_area("Notes", organization.get("notes") or "", max_chars=2000,
                                   key=f"{key}_notes")
    errors.slot(None)
    if st.button("Enregistrer", type="primary", key=f"{key}_save", icon=":material/save:"):
        ui.save_record(errors, lambda: organizations.save_organization(
            store, actor, values, organization.get("id")), ui.page("organization"),
            not organization, "Structure enregistrée.")


st.page_link(ui.page("organizations"), label="Retour aux structures",
             icon=":material/arrow_back:")
organization = ui.record_page(
    lambda i: organizations.get_organization(store, i), organization_form, editor,
    "Nouvelle structure", "Fiche structure", "Choisissez une structure dans la liste.",
    ":material/domain:")

st.title(md_escape(organization["name"]))
st.caption(f"{organizations.KINDS[organization['kind']]} · "
           f"secteur {organizations.SECTORS[organization['sector']].lower()}")
st.text("\n".join(line for line in (
    organization["address"] or "",
    organization["commune_name"] or "",
    f"Téléphone : {validation.phone_display(organization['phone'])}"
    if organization["phone"] else "",
    f"E-mail : {organization['email']}" if organization["email"] else "",
    f"Site : {organization['website']}" if organization["website"] else "",
    f"FINESS : {organization['finess']}" if organization["finess"] else "",
    f"SIRET : {organization['siret']}" if organization["siret"] else "",
) if line))
if organization["notes"]:
    st.text(organization["notes"])

st.subheader("Personnes")
filters = search.Filters(organization=organization["id"],
                         include_hidden=persons.sees_hidden(actor))
people = search.search_people(store, filters, limit=500)
if people.empty:
    st.write("Personne n'est rattaché à cette structure.")
else:
    shown = search.readable(people)[["Nom", "Prénom", "Profession", "Téléphone",
                                     "E-mail"]]
    ui.clickable_table(shown, people["id"], ui.page("person"), "people")

if editor:
    with st.expander("Modifier la structure", icon=":material/edit:"):
        organization_form(organization)
