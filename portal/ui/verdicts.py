"""Indicators' verdicts as the pages show them: the verdict in colour with its icon, and
the table of indicators that opens one on a click."""

from __future__ import annotations

from portal import ui
from portal.core.formats import number_fr
from portal.missions import progress

STATUS_MARKUP = {"on_track": ("green", "check_circle"), "at_risk": ("orange", "warning"),
                 "off_track": ("red", "error"), "no_value": ("gray", "radio_button_unchecked"),
                 "no_target": ("gray", "remove")}


def label(status: str) -> str:
    """An indicator's verdict as coloured markdown with an icon (for labels and text)."""
    color, icon = STATUS_MARKUP[status]
    return f":{color}[:material/{icon}: {progress.STATUSES[status]}]"


def table(frame, key: str) -> None:
    """Indicators with their verdict in colour and French numbers; a click opens one."""
    shown = progress.readable(frame).drop(columns=["Mission", "Unité"])
    colors = {progress.STATUSES[s]: c for s, c in progress.COLORS.items()}
    # As French text: a blank, not the grid's "None", where there is no value.
    for column in ("Réalisé", "Attendu", "Écart", "Objectif annuel"):
        shown[column] = shown[column].map(lambda v: number_fr(v, 1))
    styled = shown.style.map(lambda label: f"color: {colors[label]}; font-weight: 600",
                             subset=["État"])
    ui.clickable_table(styled, frame["id"], ui.page("indicator"), key)
