"""Plan de crise (socle 4): the SSE plan's yearly versions and their follow-up (validated,
sent to the ARS and the CPAM), its texts, organisation and alert chain, resources,
fiches réflexes and trainings; what changed between two versions; the Word plan, the
phone tree and the crisis directory."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.errors import PortalError
from portal.core.exports import DOCX_MIME, csv_bytes
from portal.core.formats import date_fr, md_escape
from portal.core.validation import phone_display
from portal.missions import crisis_papers
from portal.missions import crisis_plan as plan

actor = ui.require_access("crisis_plan")
store = ui.store()
editor = actor.has(*plan.EDITORS)
today = date.today()

st.title("Plan de crise (SSE)")
st.caption("Plan de préparation aux situations sanitaires exceptionnelles : rédigé la "
           "première année, mis à jour au moins chaque année et envoyé à l'ARS à chaque "
           "mise à jour (et à la CPAM la première année).")
listed = plan.versions(store)
if listed.empty:
    st.info("Aucun plan n'est encore rédigé."
            + (" Créez sa première version ci-dessous." if editor else ""),
            icon=":material/crisis_alert:")
    if editor:
        errors = ui.FieldErrors()
        year = st.number_input("Année de la première version", 2019, 2100, today.year)
        errors.slot("year")
        if st.button("Créer le plan", type="primary", icon=":material/add:") and \
                errors.attempt(plan.create_plan, store, actor, int(year)):
            ui.saved(f"Plan {int(year)} créé, avec ses cinq fiches réflexes à remplir.")
    st.stop()

years = {int(r.id): f"Version {r.year} ({plan.STATUSES[r.status].lower()})"
         for r in listed.itertuples()}
plan_id = st.selectbox("Version", list(years), format_func=years.get, key="crisis_version")
version = plan.get_plan(store, plan_id)
draft = version["status"] == "brouillon"
writable = editor and draft
state = [f"Version {version['year']} : {plan.STATUSES[version['status']].lower()}"]
if version["validated_on"]:
    state.append(f"validée par {version['validated_by']} le "
                 f"{date_fr(version['validated_on'])}")
for field, label in (("sent_ars_on", "envoyée à l'ARS"), ("sent_cpam_on", "à la CPAM"),
                     ("discussed_ars_on", "échangée avec l'ARS"),
                     ("next_review_on", "prochaine révision")):
    if version[field]:
        state.append(f"{label} le {date_fr(version[field])}")
st.caption(md_escape(", ".join(state) + "."))
if version["status"] == "valide" and not version["sent_ars_on"]:
    st.warning("Cette version est validée mais pas encore envoyée à l'ARS.",
               icon=":material/outgoing_mail:")
if editor and not draft:
    st.caption("Une version validée ne change plus : ses changements vont dans la version "
               "suivante.")

stem = f"plan-sse-{version['year']}"
one, two, three, four = st.columns(4)
one.download_button("Plan (Word)", lambda: crisis_papers.plan_docx(store, plan_id)[1],
                    file_name=f"{stem}.docx", mime=DOCX_MIME, icon=":material/description:",
                    on_click="ignore")
two.download_button("Arbre d'alerte (Word)",
                    lambda: crisis_papers.phone_tree_docx(store, plan_id),
                    file_name=f"{stem}-arbre-alerte.docx", mime=DOCX_MIME,
                    icon=":material/account_tree:", on_click="ignore")
three.download_button("Annuaire de crise (CSV)",
                      lambda: csv_bytes(crisis_papers.directory_frame(store, plan_id)),
                      file_name=f"{stem}-annuaire.csv", mime="text/csv",
                      icon=":material/download:", on_click="ignore")
four.download_button("Contacts (vCard)",
                     lambda: crisis_papers.directory_vcards(store, plan_id),
                     file_name=f"{stem}-contacts.vcf", mime="text/vcard",
                     icon=":material/contact_phone:", on_click="ignore")


def follow_up() -> None:
    if draft:
        with st.form(ui.form_key("crisis_validate")):
            errors = ui.FieldErrors()
            left, right = st.columns(2)
            by = left.text_input("Validée par", placeholder="Conseil d'administration",
                                 max_chars=200)
            with left:
                errors.slot("validated_by")
            on = right.date_input("Le", today, format="DD/MM/YYYY")
            with right:
                errors.slot("validated_on")
            errors.slot(None)
            sent = st.form_submit_button("Valider la version", type="primary")
        if sent and errors.attempt(plan.validate, store, actor, plan_id, by, on):
            ui.saved(f"Version {version['year']} validée : elle ne change plus.")
    elif not version["sent_ars_on"]:
        with st.popover("Repasser en brouillon", icon=":material/undo:"):
            errors = ui.FieldErrors()
            errors.slot(None)
            confirmed = st.checkbox("Je confirme : la validation était une erreur",
                                    key="crisis_reopen_confirm")
            if st.button("Repasser en brouillon", disabled=not confirmed,
                         key="crisis_reopen") and errors.attempt(plan.reopen, store, actor,
                                                                 plan_id):
                ui.saved(f"Version {version['year']} repassée en brouillon.")
    with st.form(f"crisis_follow_up_{plan_id}"):
        errors = ui.FieldErrors()
        values, columns = {}, st.columns(4)
        for column, (field, label) in zip(columns, (
                ("sent_ars_on", "Envoyée à l'ARS le"), ("sent_cpam_on", "Envoyée à la CPAM le"),
                ("discussed_ars_on", "Échangée avec l'ARS le"),
                ("next_review_on", "Prochaine révision"))):
            day = version[field]
            values[field] = column.date_input(label, date.fromisoformat(day) if day else None,
                                              format="DD/MM/YYYY")
            with column:
                errors.slot(field)
        errors.slot(None)
        sent = st.form_submit_button("Enregistrer les dates")
    if sent and errors.attempt(plan.record_follow_up, store, actor, plan_id, values):
        ui.saved("Dates enregistrées.")
    latest = version["year"] == int(listed["year"].max())
    if latest and st.button(f"Commencer la version {version['year'] + 1} à partir de "
                            "celle-ci", icon=":material/content_copy:"):
        try:
            new_id = plan.start_next(store, actor, plan_id)
        except PortalError as error:
            ui.refuse(error)
        else:
            st.session_state["crisis_version"] = new_id
            ui.saved(f"Version {version['year'] + 1} commencée : elle reprend la version "
                     f"{version['year']}.")
    if draft:
        ui.removal("Supprimer ce brouillon", "Version", {plan_id: years[plan_id]},
                   lambda chosen: plan.delete_draft(store, actor, chosen),
                   "Brouillon supprimé.", key="crisis_delete")


def texts() -> None:
    with st.form(f"crisis_texts_{plan_id}"):
        values = {code: st.text_area(label, version["texts"].get(code, ""), height=150,
                                     max_chars=plan.TEXT_LIMIT, disabled=not writable)
                  for code, label in plan.SECTIONS.items()}
        errors = ui.FieldErrors()
        errors.slot(None)
        sent = st.form_submit_button("Enregistrer les textes", disabled=not writable)
    if sent and errors.attempt(plan.save_texts, store, actor, plan_id, values):
        ui.saved("Textes du plan enregistrés.")


def organisation() -> None:
    people = plan.contacts(store, plan_id)
    if people.empty:
        st.write("Personne n'est encore dans l'organisation de crise.")
    else:
        ui.table({"Rôle": people["role"].map(plan.CONTACT_ROLES), "Qui": people["name"],
                  "Fonction": people["function"], "Téléphone": people["phone"].map(
                      phone_display), "E-mail": people["email"], "Origine": people["origin"]})
    st.subheader("Chaîne d'alerte")
    chain = plan.alert_chain(store, plan_id)
    if chain.empty:
        st.write("Aucun contact n'a encore de rang dans la chaîne d'alerte.")
    else:
        ui.table({"Rang": chain["alert_rank"], "Qui": chain["name"],
                  "Téléphone": chain["phone"].map(phone_display),
                  "Appelé par": chain["caller"].fillna("Alerte reçue")})
    if not writable:
        return
    with st.expander("Ajouter un contact", icon=":material/person_add:"):
        key = ui.form_key("crisis_contact")
        errors = ui.FieldErrors()
        role = st.selectbox("Rôle", list(plan.CONTACT_ROLES), format_func=plan.CONTACT_ROLES.get,
                            key=f"{key}_role")
        outside = st.toggle("Contact extérieur à l'annuaire (SDIS, Centre 15, mairie…)",
                            key=f"{key}_outside")
        values = {"role": role}
        if outside:
            values["name"] = ui.text_field(errors, "Nom", "", "who", key)
            left, right = st.columns(2)
            with left:
                values["phone"] = ui.text_field(errors, "Téléphone", "", "phone", key, 30)
            with right:
                values["email"] = ui.text_field(errors, "E-mail", "", "email", key)
        else:
            values["person_id"] = ui.person_search(store, actor, "Personne de l'annuaire",
                                                   f"{key}_person")
            errors.slot("who")
        values["function"] = ui.text_field(errors, "Fonction", "", "function", key)
        left, right = st.columns(2)
        values["alert_rank"] = left.number_input("Rang dans la chaîne d'alerte", 1, 99,
                                                 None, key=f"{key}_rank")
        with left:
            errors.slot("alert_rank")
        callers = {int(r.id): r.name for r in people.itertuples()}
        with right:
            values["called_by"] = ui.choice("Appelé par", callers, key=f"{key}_caller",
                                            empty="Personne (reçoit l'alerte)")
            errors.slot("called_by")
        errors.slot(None)
        if st.button("Ajouter au plan", key="crisis_contact_add") and errors.attempt(
                plan.save_contact, store, actor, plan_id, values):
            ui.saved("Contact ajouté au plan.", reset="crisis_contact")
    if not people.empty:
        ui.removal("Retirer un contact", "Contact",
                   {int(r.id): f"{r.name} ({plan.CONTACT_ROLES[r.role]})"
                    for r in people.itertuples()},
                   lambda contact: plan.remove_contact(store, actor, plan_id, contact),
                   "Contact retiré du plan.", key="crisis_contact_remove")


def resources() -> None:
    counts = plan.census(store, plan_id)
    if not counts.empty:
        st.caption("Professionnels mobilisables : " + md_escape(", ".join(
            f"{r.profession} ({r.count})" for r in counts.itertuples())) + ".")
    stock = plan.resources(store, plan_id)
    if stock.empty:
        st.write("Aucune ressource recensée.")
    else:
        ui.table({"Type": stock["kind"].map(plan.RESOURCE_KINDS), "Ressource": stock["name"],
                  "Profession": stock["profession"], "Commune": stock["commune"],
                  "Téléphone": stock["phone"].map(phone_display),
                  "Quantité": stock["quantity"], "Précisions": stock["details"]})
    if not writable:
        return
    with st.expander("Recenser une ressource", icon=":material/add:"):
        key = ui.form_key("crisis_resource")
        errors = ui.FieldErrors()
        kind = st.selectbox("Type", list(plan.RESOURCE_KINDS),
                            format_func=plan.RESOURCE_KINDS.get, key=f"{key}_kind")
        values = {"kind": kind}
        if kind == "professionnel":
            values["person_id"] = ui.person_search(store, actor, "Professionnel",
                                                   f"{key}_person")
            errors.slot("who")
        else:
            values["label"] = ui.text_field(errors, "Nom du lieu ou du matériel", "", "label",
                                            key)
            errors.slot("who")
            values["quantity"] = st.number_input("Quantité ou capacité", 0, None, None,
                                                 key=f"{key}_quantity")
            errors.slot("quantity")
        values["details"] = st.text_input("Précisions", max_chars=2000, key=f"{key}_details",
                                          placeholder="Adresse, usage, disponibilité…")
        errors.slot(None)
        if st.button("Recenser", key="crisis_resource_add") and errors.attempt(
                plan.save_resource, store, actor, plan_id, values):
            ui.saved("Ressource recensée.", reset="crisis_resource")
    if not stock.empty:
        ui.removal("Retirer une ressource", "Ressource",
                   {int(r.id): f"{r.name} ({plan.RESOURCE_KINDS[r.kind]})"
                    for r in stock.itertuples()},
                   lambda resource: plan.remove_resource(store, actor, plan_id, resource),
                   "Ressource retirée.", key="crisis_resource_remove")


def fiche_reflexe() -> None:
    crisis_type = st.selectbox("Type de crise", list(plan.CRISIS_TYPES),
                               format_func=plan.CRISIS_TYPES.get, key="crisis_fiche_type")
    fiche = plan.fiches(store, plan_id)[crisis_type]
    with st.form(f"crisis_fiche_{plan_id}_{crisis_type}"):
        values = {field: st.text_area(label, fiche[field], max_chars=plan.TEXT_LIMIT,
                                      disabled=not writable)
                  for field, label in plan.FICHE_FIELDS.items()}
        errors = ui.FieldErrors()
        errors.slot(None)
        sent = st.form_submit_button("Enregistrer la fiche", disabled=not writable)
    if sent and errors.attempt(plan.save_fiche, store, actor, plan_id, crisis_type, values):
        ui.saved(f"Fiche réflexe « {plan.CRISIS_TYPES[crisis_type]} » enregistrée.")


def trainings() -> None:
    held = plan.trainings(store, plan_id)
    if held.empty:
        st.write("Aucune formation notée pour cette version.")
    else:
        ui.table({"Date": held["held_on"].map(date_fr), "Formation": held["title"],
                  "Participants": held["participants"], "Enseignements": held["lessons"]})
    if not editor:
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key("crisis_training")):
        title = st.text_input("Intitulé", max_chars=200)
        errors.slot("title")
        left, right = st.columns(2)
        held_on = left.date_input("Date", today, format="DD/MM/YYYY")
        participants = right.number_input("Participants", 0, None, None)
        lessons = st.text_area("Enseignements", max_chars=4000)
        errors.slot("lessons")
        errors.slot(None)
        sent = st.form_submit_button("Ajouter la formation")
    if sent and errors.attempt(plan.add_training, store, actor, plan_id, {
            "title": title, "held_on": held_on, "participants": participants,
            "lessons": lessons}):
        ui.saved("Formation ajoutée.", reset="crisis_training")
    if not held.empty:
        ui.removal("Retirer une formation", "Formation",
                   {int(r.id): f"{r.title} du {date_fr(r.held_on)}" for r in held.itertuples()},
                   lambda training: plan.remove_training(store, actor, training),
                   "Formation retirée.", key="crisis_training_remove")


def changes() -> None:
    others = {i: label for i, label in years.items() if i != plan_id}
    if not others:
        st.write("Une seule version : rien à comparer.")
        return
    default = version["based_on"] if version["based_on"] in others else next(iter(others))
    other = st.selectbox("Comparer avec", list(others), format_func=others.get,
                         index=list(others).index(default), key="crisis_compare")
    old, new = sorted((other, plan_id), key=lambda i: years[i])
    found = plan.differences(store, old, new)
    if found.empty:
        st.write("Aucun changement entre ces deux versions.")
    else:
        before, after = years[old].split(" (")[0], years[new].split(" (")[0]
        ui.table({"Partie": found["part"], "Élément": found["item"], before: found["before"],
                  after: found["after"]},
                 column_config={name: st.column_config.TextColumn(width="medium")
                                for name in ("Partie", "Élément", before, after)})


tabs = st.tabs(["Suivi", "Textes", "Organisation et alerte", "Ressources",
                "Fiches réflexes", "Formations", "Changements"])
for tab, section in zip(tabs, (follow_up, texts, organisation, resources, fiche_reflexe,
                               trainings, changes)):
    with tab:
        if section is follow_up and not editor:
            st.write("Le suivi de la version est tenu par la coordination.")
        else:
            section()
