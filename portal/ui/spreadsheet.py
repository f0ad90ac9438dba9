"""Importing a spreadsheet from a page: upload, map its columns, check every line, then
import all of them or none (the rules are portal.imports and its callers)."""

from __future__ import annotations

import streamlit as st

from portal import ui
from portal.core import tabular
from portal.core.errors import PortalError
from portal.core.formats import md_escape, number_fr, size_fr


def importer(key: str, targets: dict[str, str], guess, run) -> None:
    """Upload a CSV or XLSX, map its columns to `targets` (field -> label; `guess(headers)`
    proposes a mapping), check it, then import all lines or none; `run(table, mapping,
    dry_run)` returns an imports.Report shown with its per-line errors."""
    upload = st.file_uploader("Fichier CSV ou XLSX", type=["csv", "txt", "xlsx"],
                              key=f"{key}_file")
    if upload is None:
        st.caption("Première ligne : les noms de colonnes (un titre au-dessus est ignoré). "
                   "Les exports d'Excel en français (séparateur « ; », accents Windows) et "
                   "des formulaires en ligne sont reconnus. "
                   f"{size_fr(tabular.MAX_BYTES)} et {number_fr(tabular.MAX_ROWS)} lignes "
                   "au plus.")
        return
    try:
        sheet = tabular.read(upload.getvalue(), upload.name)
    except PortalError as error:
        ui.refuse(error)
        return
    st.caption(f"{len(sheet.frame)} ligne(s) · encodage {sheet.encoding}"
               + (f" · séparateur « {sheet.separator} »" if sheet.separator else ""))
    ui.table(sheet.frame.head(5))
    columns = list(sheet.frame.columns)
    guessed = guess(columns)
    st.write("**Correspondance des colonnes**")
    mapping = {}
    cells = st.columns(3)
    for index, (field, label) in enumerate(targets.items()):
        with cells[index % 3]:
            chosen = ui.choice(label, {c: c for c in columns}, guessed.get(field),
                               key=f"{key}_map_{field}", empty="— ignorer —")
        if chosen:
            mapping[field] = chosen
    errors = ui.FieldErrors()
    errors.slot("mapping")
    check, write = st.columns(2)
    dry_run = check.button("Vérifier sans importer", icon=":material/fact_check:",
                           key=f"{key}_check")
    confirmed = st.checkbox("Je confirme l'import de toutes les lignes", key=f"{key}_ok")
    if write.button("Importer", type="primary", icon=":material/upload:", key=f"{key}_run"):
        if not confirmed:
            st.error("Cochez la case pour confirmer.")
            return
    elif not dry_run:
        return
    try:
        with st.spinner(f"{'Vérification' if dry_run else 'Import'} de "
                        f"{len(sheet.frame)} ligne(s)…"):
            report = run(sheet, mapping, dry_run)
    except PortalError as error:
        errors.show(error)
        return
    if report.errors:
        st.error(f"{len(report.errors)} ligne(s) en erreur : rien n'a été importé.",
                 icon=":material/error:")
        ui.table({"Erreur": report.errors})
    elif dry_run:
        st.success(f"Toutes les lignes sont valides : {report.created} à importer.")
    else:
        st.success(f"{report.created} ligne(s) importée(s).", icon=":material/check_circle:")
    if report.warnings:
        st.warning(md_escape("\n".join(report.warnings)))
