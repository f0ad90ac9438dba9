"""The papers of the crisis plan: the plan as a Word document (what the ARS receives), the
alert chain as a printable phone tree, and the crisis directory as CSV and vCard for
phones."""

from __future__ import annotations

import pandas as pd
from docx import Document

from ..core.db import Store
from ..core.exports import docx_bytes, docx_table, vcards_bytes
from ..core.formats import blanks_as_none, date_fr, records
from ..core.validation import phone_display
from . import crisis_plan as plan


def _state(version: dict) -> str:
    if version["status"] != "valide":
        return "PROJET : version non validée."
    sent = (f" ; envoyée à l'ARS le {date_fr(version['sent_ars_on'])}"
            if version["sent_ars_on"] else " ; pas encore envoyée à l'ARS")
    return (f"Validée par {version['validated_by']} le {date_fr(version['validated_on'])}"
            f"{sent}.")


def _paragraphs(document, text: str) -> None:
    """A typed text, a paragraph per line; an empty one says so."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    for line in lines or ["(à compléter)"]:
        document.add_paragraph(line)


def _chain_rows(store: Store, plan_id: int) -> list[list[str]]:
    return [[str(int(r.alert_rank)), r.name, r.function or plan.CONTACT_ROLES[r.role],
             phone_display(r.phone), r.caller if isinstance(r.caller, str) else "Alerte reçue"]
            for r in plan.alert_chain(store, plan_id).itertuples()]


CHAIN_HEADER = ["Rang", "Qui", "Fonction", "Téléphone", "Appelé par"]


def plan_docx(store: Store, plan_id: int) -> tuple[dict, bytes]:
    """The whole version: its state, each section, the organisation and alert chain, the
    resources census, the five fiches réflexes and the trainings."""
    version = plan.get_plan(store, plan_id)
    association = store.get_setting("cpts_name") or "La CPTS"
    document = Document()
    title = f"Plan de préparation aux situations sanitaires exceptionnelles {version['year']}"
    document.add_heading(title, level=1)
    document.add_paragraph(f"{association}. {_state(version)}"
                           + (f" Prochaine révision : {date_fr(version['next_review_on'])}."
                              if version["next_review_on"] else ""))
    for code in ("contexte", "cellule"):
        document.add_heading(plan.SECTIONS[code], level=2)
        _paragraphs(document, version["texts"].get(code))
    document.add_heading("Organisation de crise", level=2)
    people = plan.contacts(store, plan_id)
    if people.empty:
        document.add_paragraph("(à compléter)")
    else:
        docx_table(document, ["Rôle", "Qui", "Fonction", "Téléphone", "E-mail"], [
            [plan.CONTACT_ROLES[r.role], r.name, r.function, phone_display(r.phone),
             r.email if isinstance(r.email, str) else ""] for r in people.itertuples()],
            room=(2,))
    document.add_heading("Chaîne d'alerte", level=2)
    chain = _chain_rows(store, plan_id)
    if chain:
        docx_table(document, CHAIN_HEADER, chain)
    else:
        document.add_paragraph("(à compléter)")
    document.add_heading("Recensement des ressources", level=2)
    counts = plan.census(store, plan_id)
    if not counts.empty:
        document.add_paragraph("Professionnels mobilisables : " + ", ".join(
            f"{r.profession} ({r.count})" for r in counts.itertuples()) + ".")
    stock = plan.resources(store, plan_id)
    if stock.empty:
        document.add_paragraph("(à compléter)")
    else:
        docx_table(document, ["Type", "Ressource", "Commune", "Téléphone", "Quantité",
                              "Précisions"],
                   [[plan.RESOURCE_KINDS[r.kind], r.name, r.commune or "",
                     phone_display(r.phone),
                     "" if pd.isna(r.quantity) else str(int(r.quantity)), r.details]
                    for r in stock.itertuples()], room=(5,))
    for code, fiche in plan.fiches(store, plan_id).items():
        document.add_heading(f"Fiche réflexe : {plan.CRISIS_TYPES[code]}", level=2)
        for field, label in plan.FICHE_FIELDS.items():
            document.add_heading(label, level=3)
            _paragraphs(document, fiche[field])
    document.add_heading(plan.SECTIONS["communication"], level=2)
    _paragraphs(document, version["texts"].get("communication"))
    document.add_heading(plan.SECTIONS["formation"], level=2)
    _paragraphs(document, version["texts"].get("formation"))
    held = plan.trainings(store, plan_id)
    if not held.empty:
        docx_table(document, ["Date", "Formation", "Participants", "Enseignements"],
                   [[date_fr(r.held_on), r.title,
                     "" if pd.isna(r.participants) else str(int(r.participants)), r.lessons]
                    for r in held.itertuples()], room=(3,))
    return version, docx_bytes(document, title)


def phone_tree_docx(store: Store, plan_id: int) -> bytes:
    """One page to pin by the phone: who calls whom, in order, with the numbers."""
    version = plan.get_plan(store, plan_id)
    document = Document()
    title = f"Arbre d'alerte du plan SSE {version['year']}"
    document.add_heading(title, level=1)
    document.add_paragraph("À l'alerte, chacun appelle ceux qui le suivent dans l'ordre "
                           "des rangs ; sans réponse, il passe au suivant et réessaie.")
    chain = _chain_rows(store, plan_id)
    if chain:
        docx_table(document, CHAIN_HEADER, chain)
    else:
        document.add_paragraph("Aucun contact n'a encore de rang dans la chaîne d'alerte.")
    return docx_bytes(document, title)


def directory_frame(store: Store, plan_id: int) -> pd.DataFrame:
    """The crisis directory, as a spreadsheet reads it."""
    people = plan.contacts(store, plan_id)
    return blanks_as_none(pd.DataFrame({
        "Rôle": people["role"].map(plan.CONTACT_ROLES), "Nom": people["name"],
        "Fonction": people["function"], "Profession": people["profession"],
        "Téléphone": people["phone"].map(phone_display), "E-mail": people["email"],
        "Rang d'alerte": people["alert_rank"].astype("Int64"),
        "Origine": people["origin"]}))


def directory_vcards(store: Store, plan_id: int) -> bytes:
    """The crisis directory as vCards, to load in a phone; each card says its role."""
    return vcards_bytes([{
        "last_name": row["name"], "first_name": None,
        "organization": "Plan SSE", "title": row["function"] or plan.CONTACT_ROLES[row["role"]],
        "phone": phone_display(row["phone"]), "email": row["email"],
        "note": plan.CONTACT_ROLES[row["role"]]}
        for row in records(plan.contacts(store, plan_id))])
