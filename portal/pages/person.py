"""Fiche personne: one professional's details, organisations and activities; editing,
export of all the portal holds on them, erasure on request."""

import json
from datetime import date

import streamlit as st

from portal import ui
from portal.core import audit, reference, validation
from portal.core.formats import date_fr, datetime_fr, md_escape
from portal.directory import organizations, persons
from portal.meetings import attendance, schedule

actor = ui.require_access("person")
store = ui.store()
editor = actor.has(*persons.EDITORS)


def back_to_directory() -> None:
    st.page_link(ui.page("directory"), label="Retour à l'annuaire", icon=":material/arrow_back:")


def person_form(person: dict | None) -> None:
    """Create (person is None) or edit a person; errors show under their field."""
    person = person or {}
    key = f"p{person.get('id', 'new')}"
    errors = ui.FieldErrors()
    left, right = st.columns(2)
    with left:
        values = {"civility": ui.choice("Civilité", {c: c for c in persons.CIVILITIES},
                                        person.get("civility"), key=f"{key}_civ", empty="—")}
        values["last_name"] = ui.text_field(errors, "Nom", person.get("last_name"),
                                            "last_name", key, 80)
        values["first_name"] = ui.text_field(errors, "Prénom", person.get("first_name"),
                                             "first_name", key, 80)
        values["profession_code"] = ui.choice("Profession", reference.professions(store),
                                              person.get("profession_code"), key=f"{key}_prof",
                                              empty="Non renseignée")
        errors.slot("profession_code")
        values["specialty_code"] = ui.choice("Spécialité ou savoir-faire",
                                             reference.specialties(store),
                                             person.get("specialty_code"), key=f"{key}_spec",
                                             empty="Aucune")
        values["practice_mode"] = ui.choice("Mode d'exercice", persons.PRACTICE_MODES,
                                            person.get("practice_mode"), key=f"{key}_mode",
                                            empty="Non renseigné")
        values["rpps"] = ui.text_field(errors, "N° RPPS", person.get("rpps"), "rpps", key, 14)
        values["adeli"] = ui.text_field(errors, "N° ADELI", person.get("adeli"), "adeli", key,
                                        12)
    with right:
        values["phone"] = ui.text_field(errors, "Téléphone professionnel",
                                        validation.phone_display(person.get("phone")), "phone",
                                        key, 30)
        values["email"] = ui.text_field(errors, "E-mail", person.get("email"), "email", key,
                                        254)
        values["mssante"] = ui.text_field(errors, "Messagerie sécurisée (MSSanté)",
                                          person.get("mssante"), "mssante", key, 254)
        values["commune_code"] = ui.commune_input(store, "Commune d'exercice",
                                                  person.get("commune_code"), f"{key}_commune")
        errors.slot("commune_code")
        values["address"] = ui.text_field(errors, "Adresse", person.get("address"),
                                          "address", key)
    structures = organizations.organization_choices(store)
    chosen_orgs = ui.multiselect(
        "Structures", list(structures), format_func=structures.get, key=f"{key}_orgs",
        default=[o["id"] for o in person.get("organizations", [])], placeholder="Choisir…")
    known_tags = persons.known_tags(store)
    tags = ui.multiselect("Activités spécifiques", sorted({*known_tags, *person.get("tags", [])}),
                          default=person.get("tags", []), accept_new_options=True,
                          key=f"{key}_tags", placeholder="ex. : plaies chroniques, ETP diabète")
    left, right = st.columns(2)
    with left:
        values["accepts_patients"] = ui.choice(
            "Accepte de nouveaux patients (médecin traitant)", persons.ACCEPTS,
            person.get("accepts_patients"), key=f"{key}_accepts", empty="Non renseigné")
        if values["accepts_patients"] == "from":
            current = person.get("accepts_from")
            values["accepts_from"] = st.date_input(
                "À partir du", date.fromisoformat(current) if current else date.today(),
                format="DD/MM/YYYY", key=f"{key}_from")
        errors.slot("accepts_from")
    with right:
        values["snp"] = st.checkbox("Participe aux soins non programmés",
                                    bool(person.get("snp")), key=f"{key}_snp")
        values["visible"] = st.checkbox("Visible des membres de la CPTS (accord de la personne)",
                                        bool(person.get("visible", 1)), key=f"{key}_visible")
        st.caption("« Membre de la CPTS » suit l'adhésion de l'année (page Adhérents).")
    errors.slot(None)
    if st.button("Enregistrer", type="primary", key=f"{key}_save", icon=":material/save:"):
        ui.save_record(errors, lambda: persons.save_person(
            store, actor, values, person.get("id"), chosen_orgs, tags), ui.page("person"),
            not person, "Fiche enregistrée.")


back_to_directory()
person = ui.record_page(lambda person_id: persons.person_for(store, actor, person_id),
                        person_form, editor, "Nouvelle personne", "Fiche personne",
                        "Choisissez une personne dans l'annuaire.", ":material/contacts:")
if person["merged_into"]:
    st.warning("Cette fiche a été fusionnée dans une autre.", icon=":material/merge:")
    st.page_link(ui.page("person"), label="Ouvrir la fiche conservée",
                 query_params={"id": str(person["merged_into"])})
display_name = " ".join(p for p in (person["civility"], person["first_name"],
                                    person["last_name"]) if p)
st.title(md_escape(display_name))
st.caption(" · ".join(md_escape(p) for p in (person["profession"], person["specialty"]) if p)
           or "Profession non renseignée")

left, middle, right = st.columns(3)
with left:
    st.subheader("Coordonnées")
    st.text("\n".join(line for line in (
        f"Téléphone : {validation.phone_display(person['phone'])}" if person["phone"] else "",
        f"E-mail : {person['email']}" if person["email"] else "",
        f"MSSanté : {person['mssante']}" if person["mssante"] else "",
        person["address"] or "",
        f"{person['commune']} ({person['department']})" if person["commune"] else "",
    ) if line) or "Non renseignées")
with middle:
    st.subheader("Exercice")
    st.text("\n".join(line for line in (
        persons.PRACTICE_MODES.get(person["practice_mode"] or "", ""),
        f"RPPS : {person['rpps']}" if person["rpps"] else "",
        f"ADELI : {person['adeli']}" if person["adeli"] else "",
        f"Nouveaux patients : {persons.is_available(person) or 'non renseigné'}",
        "Participe aux soins non programmés" if person["snp"] else "",
        "Membre de la CPTS" if person["member"] else "Non membre de la CPTS",
    ) if line))
with right:
    st.subheader("Activités")
    st.text(", ".join(person["tags"]) or "Aucune activité renseignée")
    st.caption(f"Mise à jour : {datetime_fr(person['updated_at'])} · source : "
               f"{'saisie manuelle' if person['source'] == 'manual' else person['source']}"
               + (f" du {date_fr(person['source_date'])}" if person["source_date"] else ""))

st.subheader("Structures")
if not person["organizations"]:
    st.write("Aucune structure.")
for organization in person["organizations"]:
    st.page_link(ui.page("organization"), label=md_escape(organization["name"]),
                 query_params={"id": str(organization["id"])}, icon=":material/domain:")

if not editor:
    st.stop()

if person["left_territory"]:
    st.warning("D'après la dernière extraction RPPS, cette personne n'exerce plus sur le "
               "territoire. Sa fiche est conservée.", icon=":material/location_off:")
if not person["visible"]:
    st.info("Cette personne n'apparaît pas aux membres (pas d'accord de visibilité).",
            icon=":material/visibility_off:")
duplicates = persons.possible_duplicates(store, person["id"])
if not duplicates.empty and not person["merged_into"]:
    st.warning(f"Doublon possible : {len(duplicates)} autre(s) fiche(s) "
               f"({', '.join(duplicates['reason'].unique())}).", icon=":material/content_copy:")
    st.page_link(ui.page("duplicates"), label="Voir les doublons possibles",
                 icon=":material/merge:")

if not person["erased_at"] and not person["merged_into"]:
    with st.expander("Modifier la fiche", icon=":material/edit:"):
        person_form(person)

with st.expander("Données personnelles : export et effacement", icon=":material/shield_person:"):
    st.download_button(
        "Exporter tout ce que le portail détient (JSON)",
        lambda: json.dumps(persons.export_person(store, actor, person["id"]),
                           ensure_ascii=False, indent=2, default=str).encode("utf-8"),
        file_name=f"personne-{person['id']}.json", mime="application/json",
        icon=":material/download:", on_click="ignore")
    if not person["erased_at"]:
        st.write("Effacer à la demande de la personne : nom, coordonnées, identifiants et "
                 "activités sont supprimés ; la profession et la commune restent pour les "
                 "comptages. C'est définitif.")
        confirmed = st.checkbox("Je confirme l'effacement définitif", key="erase_ok")
        if st.button("Effacer la fiche", icon=":material/delete_forever:"):
            if confirmed:
                persons.erase_person(store, actor, person["id"])
                ui.saved("Fiche effacée : identité et coordonnées retirées.")
            st.error("Cochez la case pour confirmer.")

attended = schedule.count_meetings(store, schedule.Filters(person=person["id"]))
with st.expander(f"Réunions ({attended})", icon=":material/groups:"):
    if not attended:
        st.write("Cette personne n'a été invitée à aucune réunion.")
    else:
        latest = schedule.person_meetings(store, person["id"])
        st.caption(f"Les {len(latest)} plus récentes sur {attended}." if attended > len(latest)
                   else "Cliquez sur une ligne pour ouvrir la réunion.")
        shown = schedule.listing(latest).assign(
            Présence=latest["status"].map(attendance.STATUSES).to_numpy())
        ui.clickable_table(shown, latest["id"], ui.page("meeting"), "person_meetings")
        st.page_link(ui.page("meetings"), query_params={"person": str(person["id"])},
                     label="Toutes ses réunions", icon=":material/list:")

with st.expander("Historique des modifications", icon=":material/history:"):
    ui.journal_table(store, audit.history(store, "person", person["id"]))
