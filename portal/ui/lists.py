"""The editor of a list the CPTS keeps itself (call motives, themes): a sheet to rename or
archive its entries, a field to add one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import ui
from ..core.code_lists import CodeList
from ..core.db import Store
from ..core.roles import Actor


def editor(store: Store, actor: Actor, codes: CodeList, title: str, used: str,
           placeholder: str) -> None:
    """`title`: the entries' column ("Motif"); `used`: what names them ("Appels")."""
    rows = codes.rows(store)
    sheet = pd.DataFrame({"code": [r["code"] for r in rows],
                          title: [r["label"] for r in rows],
                          "Proposé": [bool(r["active"]) for r in rows],
                          used: [r["used"] for r in rows]})
    st.caption(f"Un {codes.noun} décoché n'est plus proposé ; ce qui le porte le garde, et "
               "les chiffres le comptent toujours.")
    edited = ui.editor_table(sheet, key=f"{codes.entity}_sheet",
                             column_order=[title, "Proposé", used], disabled=["code", used],
                             column_config={title: st.column_config.TextColumn(
                                 required=True, max_chars=100)})
    errors = ui.FieldErrors()
    errors.slot(codes.entity)
    if st.button("Enregistrer", icon=":material/save:", key=f"{codes.entity}_save"):
        changes = {after["code"]: {"label": after[title], "active": after["Proposé"]}
                   for before, after in zip(sheet.to_dict("records"),
                                            edited.to_dict("records"), strict=True)
                   if before != after}
        if errors.attempt(codes.save, store, actor, changes):
            ui.saved(f"{len(changes)} {codes.noun}(s) modifié(s).")
    with st.form(ui.form_key(f"{codes.entity}_new")):
        label = st.text_input(f"Nouveau {codes.noun}", max_chars=100, placeholder=placeholder)
        added = st.form_submit_button(f"Ajouter le {codes.noun}", icon=":material/add:")
    if added and errors.attempt(codes.add, store, actor, label):
        ui.saved(f"{codes.noun.capitalize()} ajouté.", reset=f"{codes.entity}_new")
