"""The papers of the indemnisation: a statement (relevé) as a Word document the
professional receives, and the treasurer's workbook of a year."""

from __future__ import annotations

import pandas as pd
from docx import Document

from ..core.db import Store
from ..core.exports import docx_bytes, docx_table, workbook_bytes
from ..core.formats import blanks_as_none, date_fr, euros
from . import indemnities as ind


def statement_name(statement: dict) -> str:
    return f"releve-indemnisation-{statement['number']:05d}.docx"


def state(statement: dict) -> str:
    if statement["withdrawn_at"]:
        return "Retiré"
    return "Validé" if statement["validated_at"] else "À valider"


def statement_docx(store: Store, statement_id: int) -> tuple[dict, bytes]:
    """The statement, its lines (date, what, where it comes from, time, rate, amount) and
    its total; one not validated yet says so, as does one withdrawn."""
    statement = ind.get_statement(store, statement_id)
    lines = ind.statement_lines(store, statement_id)
    association = store.get_setting("cpts_name") or "La CPTS"
    document = Document()
    title = f"Relevé d'indemnisation n° {statement['number']}"
    document.add_heading(title, level=1)
    document.add_paragraph(
        f"{association} – indemnisation du temps consacré aux missions de la CPTS "
        "(art. D.1434-44 du code de la santé publique).")
    document.add_paragraph(
        f"Professionnel : {statement['name']}"
        + (f" ({statement['profession']})" if statement["profession"] else "")
        + f". Période du {date_fr(statement['first_day'])} au "
          f"{date_fr(statement['last_day'])}.")
    if statement["withdrawn_at"]:
        document.add_paragraph(f"RETIRÉ le {date_fr(statement['withdrawn_at'][:10])} : ce "
                               "relevé ne vaut pas.")
    elif not statement["validated_at"]:
        document.add_paragraph("PROJET : ce relevé n'est pas encore validé par la trésorerie.")
    docx_table(document, ["Date", "Objet", "Mission", "Origine", "Temps", "Taux", "Montant"], [
        [date_fr(line.worked_on), line.label, line.mission or "",
         ind.SOURCES[line.source], ind.quantity_fr(line.kind, line.quantity),
         euros(line.rate_cents) + (" l'acte" if line.kind == ind.PER_ACT else " l'heure"),
         euros(line.amount_cents)] for line in lines.itertuples()]
        + [["", "Total", "", "", "", "", euros(statement["amount_cents"])]], room=(1,))
    document.add_paragraph(
        f"Préparé par {statement['prepared_by']} le {date_fr(statement['prepared_at'][:10])}"
        + (f" ; validé par {statement['validated_by']} le "
           f"{date_fr(statement['validated_at'][:10])}." if statement["validated_at"] else "."))
    return statement, docx_bytes(document, title)


def year_workbook(store: Store, year: int) -> bytes:
    """The treasurer's workbook of a year: the statements, their lines, the totals per
    mission and kind, and who passes the cap. Amounts in euros, as numbers."""
    listed = ind.statements(store, year)
    lines = store.frame(
        "SELECT s.number, TRIM(p.last_name || ' ' || COALESCE(p.first_name, '')) AS name,"
        " l.worked_on, l.kind, l.label, m.title AS mission, l.source, l.quantity,"
        " l.rate_cents, l.amount_cents FROM indemnity_lines l"
        " JOIN indemnity_statements s ON s.id = l.statement_id"
        " JOIN people p ON p.id = s.person_id LEFT JOIN missions m ON m.code = l.mission_code"
        " WHERE s.first_day BETWEEN ? AND ? ORDER BY s.number, l.worked_on, l.id",
        (f"{year}-01-01", f"{year}-12-31"))
    totals = ind.totals(store, year)
    capped = ind.over_cap(store, year)
    return workbook_bytes({
        "Relevés": blanks_as_none(pd.DataFrame({
            "N°": listed["number"], "Professionnel": listed["name"],
            "Profession": listed["profession"], "Du": listed["first_day"].map(date_fr),
            "Au": listed["last_day"].map(date_fr),
            "État": [state(row) for row in listed.to_dict("records")],
            "Montant (EUR)": listed["amount_cents"] / 100})),
        "Lignes": blanks_as_none(pd.DataFrame({
            "Relevé n°": lines["number"], "Professionnel": lines["name"],
            "Date": lines["worked_on"].map(date_fr), "Type": lines["kind"].map(ind.KINDS),
            "Objet": lines["label"], "Mission": lines["mission"],
            "Origine": lines["source"].map(ind.SOURCES),
            "Temps": [ind.quantity_fr(k, q) for k, q in zip(lines["kind"], lines["quantity"],
                                                            strict=True)],
            "Taux (EUR)": lines["rate_cents"] / 100,
            "Montant (EUR)": lines["amount_cents"] / 100})),
        "Par mission": pd.DataFrame({
            "Mission": totals["mission"], "Type": totals["kind"].map(ind.KINDS),
            "Lignes": totals["lines"], "Montant (EUR)": totals["amount_cents"] / 100,
            "Dont validé (EUR)": totals["validated_cents"] / 100}),
        "Au-delà du plafond": pd.DataFrame({
            "Professionnel": capped["name"], "Total de l'année (EUR)":
                capped["amount_cents"] / 100}),
    })
