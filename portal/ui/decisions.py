"""The sheet of decisions and tasks (a meeting's, or all of them on Suivi des décisions):
read by everyone, edited in place by those who keep the minutes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portal import ui
from portal.core.db import Store
from portal.core.errors import PortalError
from portal.core.formats import date_fr
from portal.core.roles import Actor
from portal.meetings import minutes

# "No one" in a sheet's person column: the grid shows a blank or None cell as "None".
NOBODY = "—"


def _same(a, b) -> bool:
    """Equal cells, blanks (None, NaN, NaT) all alike: an untouched row is unchanged."""
    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    return a == b


def sheet(store: Store, actor: Actor, frame: pd.DataFrame, key: str,
          with_meeting: bool = False) -> None:
    """Decisions and tasks as a sheet: editors change type, text, owner, due date or
    status in place and save every change at once; overdue ones are flagged."""
    people = minutes.possible_owners(store, frame["meeting_id"])
    sheet = pd.DataFrame({"id": frame["id"]})
    if with_meeting:
        sheet["Réunion"] = [f"{date_fr(r.starts_at[:10])} {r.meeting}"
                            for r in frame.itertuples()]
        sheet["Ouvrir"] = [f"meeting?id={int(i)}" for i in frame["meeting_id"]]
    sheet = sheet.assign(**{
        "Type": frame["kind"].map(minutes.DECISION_KINDS),
        "Décision ou tâche": frame["text"],
        "Responsable": frame["owner_id"].map(lambda p: people.get(int(p), NOBODY)
                                             if pd.notna(p) else NOBODY),
        "Échéance": pd.to_datetime(frame["due_on"]).dt.date,
        "Statut": frame["status"].map(minutes.DECISION_STATUSES),
        "En retard": frame["overdue"].map({1: "Oui", 0: ""})})
    config = {"Réunion": st.column_config.TextColumn(width="medium"),
              "Ouvrir": st.column_config.LinkColumn(display_text="Ouvrir", width=70),
              "Type": st.column_config.TextColumn(width=90),
              "Décision ou tâche": st.column_config.TextColumn(width="medium"),
              "Échéance": st.column_config.DateColumn(format="DD/MM/YYYY", width=100),
              "En retard": st.column_config.TextColumn(width=80)}
    # What needs chasing first (when, late or not), where it came from last: the grid
    # is wider than the page, and the columns on the right are the ones scrolled to.
    shown = ["Échéance", "En retard", "Statut", "Type", "Décision ou tâche", "Responsable",
             *(["Réunion", "Ouvrir"] if with_meeting else [])]
    if not actor.has(*minutes.EDITORS):
        ui.table(sheet, column_order=shown, column_config=config)
        return
    config.update({
        "Type": st.column_config.SelectboxColumn(
            options=list(minutes.DECISION_KINDS.values()), required=True, width=90),
        "Responsable": st.column_config.SelectboxColumn(options=[NOBODY, *people.values()]),
        "Statut": st.column_config.SelectboxColumn(
            options=list(minutes.DECISION_STATUSES.values()), required=True, width=110)})
    edited = ui.editor_table(sheet, key=key, column_order=shown, column_config=config,
                             disabled=["id", "Réunion", "Ouvrir", "En retard"])
    errors = ui.FieldErrors()
    errors.slot("decision_text")
    if st.button("Enregistrer les décisions", key=f"{key}_save", icon=":material/save:"):
        kinds = {v: k for k, v in minutes.DECISION_KINDS.items()}
        statuses = {v: k for k, v in minutes.DECISION_STATUSES.items()}
        owners = {v: k for k, v in people.items()}
        changes = {}
        for before, after in zip(sheet.to_dict("records"), edited.to_dict("records")):
            if any(not _same(before[c], after[c]) for c in before):
                changes[int(after["id"])] = {
                    "kind": kinds.get(after["Type"]), "text": after["Décision ou tâche"],
                    "owner_id": owners.get(after["Responsable"]),
                    "due_on": after["Échéance"], "status": statuses.get(after["Statut"])}
        try:
            count = minutes.update_decisions(store, actor, changes)
        except PortalError as error:
            errors.show(error)
        else:  # the overdue flags and counts are read again
            ui.saved(f"Décisions enregistrées ({count} modifiée(s)).")
