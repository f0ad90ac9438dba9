"""The protocols block of the pathway pages: each protocol with its criteria, steps and
adherents; for editors an adherence (within the protocol's dates) and a new protocol."""

from __future__ import annotations

from datetime import date

import streamlit as st

from .. import ui
from ..core.db import Store
from ..core.formats import date_fr, md_escape
from ..core.roles import Actor
from ..missions import pathways


def section(store: Store, actor: Actor, pathway_id: int | None) -> None:
    """The protocols of a pathway (or those beside any, when None), their adherents,
    and for editors an adherence and a new protocol."""
    editor = actor.has(*pathways.EDITORS)
    st.subheader("Protocoles" if pathway_id else "Protocoles hors parcours")
    listed = pathways.protocols(store, pathway_id)
    if not listed:
        st.write("Aucun protocole dans ce parcours." if pathway_id else
                 "Aucun protocole hors parcours.")
    for protocol in listed:
        with st.container(border=True):
            st.write(md_escape(f"{protocol['title']} – "
                               f"{pathways.PROTOCOL_KINDS[protocol['kind']]}"))
            st.caption(f"Depuis le {date_fr(protocol['started_on'])}"
                       + (f", jusqu'au {date_fr(protocol['ended_on'])}"
                          if protocol["ended_on"] else "")
                       + (f" · déclaré à l'ARS le {date_fr(protocol['ars_declared_on'])}"
                          if protocol["ars_declared_on"] else ""))
            for field, label in (("inclusion", "Conditions et critères d'inclusion"),
                                 ("exclusion", "Exclusions"), ("steps", "Ce qui est fait"),
                                 ("follow_up", "Suivi et traçabilité")):
                if protocol[field]:
                    st.text(f"{label} : {protocol[field]}")
            if protocol["adherents"]:
                ui.table({"Professionnel": [a["name"] for a in protocol["adherents"]],
                          "Profession": [a["profession"] for a in protocol["adherents"]],
                          "Rôle": [pathways.SIDES[a["side"]] for a in protocol["adherents"]],
                          "Adhésion le": [date_fr(a["adhered_on"])
                                          for a in protocol["adherents"]]})
            if editor:
                adherent_form(store, actor, protocol)
                corrections(store, actor, protocol)
    if editor:
        with st.expander("Nouveau protocole", icon=":material/description:"):
            protocol_form(store, actor, pathway_id)


def corrections(store: Store, actor: Actor, protocol: dict) -> None:
    """An adherence, or the whole protocol, recorded by mistake."""
    key = f"protocol_{protocol['id']}"
    if protocol["adherents"]:
        ui.removal("Retirer une adhésion", "Adhésion",
                   {a["person_id"]: a["name"] for a in protocol["adherents"]},
                   lambda person: pathways.remove_adherent(store, actor, protocol["id"],
                                                           person),
                   "Adhésion retirée.", key=f"{key}_adherent")
    ui.removal("Supprimer le protocole", "Protocole", {protocol["id"]: protocol["title"]},
               lambda protocol_id: pathways.delete_protocol(store, actor, protocol_id),
               "Protocole supprimé.", key=f"{key}_delete")


def adherent_form(store: Store, actor: Actor, protocol: dict) -> None:
    key = f"adherent_{protocol['id']}"
    with st.expander("Ajouter une adhésion", icon=":material/how_to_reg:"):
        errors = ui.FieldErrors()
        person = ui.person_search(store, actor, "Professionnel", ui.form_key(key))
        errors.slot("adherent")
        left, right = st.columns(2)
        side = left.selectbox("Rôle", list(pathways.SIDES), format_func=pathways.SIDES.get,
                              key=f"{key}_side")
        adhered = right.date_input("Adhésion le", date.today(), format="DD/MM/YYYY",
                                   key=f"{key}_day")
        with right:
            errors.slot("adhered_on")
        if st.button("Enregistrer l'adhésion", key=f"{key}_save") and errors.attempt(
                pathways.adhere, store, actor, protocol["id"], person, side, adhered):
            ui.saved("Adhésion enregistrée.", reset=key)


def protocol_form(store: Store, actor: Actor, pathway_id: int | None) -> None:
    errors = ui.FieldErrors()
    with st.form(ui.form_key("protocol")):
        title = st.text_input("Intitulé du protocole", max_chars=200)
        errors.slot("protocol_title")
        left, middle, right = st.columns(3)
        kind = left.selectbox("Type", list(pathways.PROTOCOL_KINDS),
                              format_func=pathways.PROTOCOL_KINDS.get)
        started = middle.date_input("Début", date.today(), format="DD/MM/YYYY")
        with middle:
            errors.slot("started_on")
        declared = right.date_input("Déclaré à l'ARS le (si besoin)", None,
                                    format="DD/MM/YYYY")
        texts = {field: st.text_area(label, max_chars=4000) for field, label in (
            ("inclusion", "Conditions et critères d'inclusion"), ("exclusion", "Exclusions"),
            ("steps", "Ce qui est fait"), ("follow_up", "Suivi et traçabilité"))}
        sent = st.form_submit_button("Créer le protocole", type="primary")
    if sent and errors.attempt(pathways.save_protocol, store, actor, {
            "pathway_id": pathway_id, "title": title, "kind": kind, "started_on": started,
            "ars_declared_on": declared, **texts}):
        ui.saved("Protocole créé.", reset="protocol")
