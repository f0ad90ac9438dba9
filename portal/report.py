"""The yearly activity report owed under the ACI: per mission, the actions and their
status, every indicator with target, value and gap, the charts, and the supporting
documents; as a Word document to send and a workbook to check the figures."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
from docx import Document
from docx.shared import Cm

from . import actions, charts, evidence, indicators, missions, progress, territory
from .db import Store
from .exports import docx_bytes, docx_table, workbook_bytes
from .formats import date_fr, datetime_fr, number_fr


@dataclass
class Report:
    year: int
    as_of: date                 # the day the indicators are judged at
    cpts: str
    missions: list[dict]        # the missions shown: signed, or with actions or indicators
    actions: pd.DataFrame       # one row per (mission, action)
    standings: pd.DataFrame     # one row per indicator
    values: pd.DataFrame        # one row per indicator and period of the year
    documents: pd.DataFrame     # supporting documents of the year
    charts: dict[int, bytes]    # indicator id -> PNG, for those with values


def gather(store: Store, year: int, today: date | None = None) -> Report:
    today = today or date.today()
    as_of = min(today, date(year, 12, 31))
    standings = progress.standings(store, year, today)
    values, images = [], {}
    for row in standings.itertuples():
        indicator = indicators.get_indicator(store, row.id)
        frame = indicators.values_for_year(store, indicator, year, today)
        values.append(frame.assign(mission=row.mission, indicator=row.name))
        chart = charts.indicator_chart(frame, indicator)
        if chart is not None:
            images[row.id] = charts.png_bytes(chart)
    by_action = store.frame(
        "SELECT am.mission_code, a.number, a.title, a.status, a.progress FROM actions a"
        " JOIN action_missions am ON am.action_id = a.id ORDER BY a.number")
    contract = missions.contract(store)
    shown = [m for m in missions.all_missions(store)
             if contract.signed(m) or m["code"] in set(by_action["mission_code"])
             or m["code"] in set(standings["mission_code"])]
    return Report(year, as_of, territory.name(store), shown, by_action, standings,
                  pd.concat(values) if values else pd.DataFrame(), evidence.for_year(store, year),
                  images)


def _verdicts(report: Report) -> str:
    counts = report.standings["status"].value_counts()
    return ", ".join(f"{counts[s]} {label.lower()}" for s, label in progress.STATUSES.items()
                     if s in counts)


def docx(report: Report) -> bytes:
    document = Document()
    document.add_heading(f"Rapport d'activité {report.year}", level=0)
    if report.cpts:
        document.add_paragraph(report.cpts)
    document.add_paragraph(
        f"Établi le {date_fr(date.today())} avec le Portail CPTS. Indicateurs au "
        f"{date_fr(report.as_of)} ; statut des actions à la date d'établissement.")
    document.add_heading("Synthèse", level=1)
    if report.standings.empty:
        document.add_paragraph("Aucun indicateur n'est configuré.")
    else:
        document.add_paragraph(f"{len(report.standings)} indicateurs : {_verdicts(report)}.")
        document.add_picture(io.BytesIO(charts.png_bytes(charts.status_chart(report.standings))),
                             width=Cm(16))
    for mission in report.missions:
        _mission_section(document, report, mission)
    document.add_heading("Pièces justificatives", level=1)
    if report.documents.empty:
        document.add_paragraph("Aucune pièce justificative pour cette année.")
    else:
        docx_table(document, ["Indicateur", "Document", "Période", "Déposé le"], [
            [d.indicator, d.filename, date_fr(d.period_start) or "—",
             datetime_fr(d.uploaded_at)] for d in report.documents.itertuples()])
    return docx_bytes(document, f"Rapport d'activité {report.year}")


def _mission_section(document, report: Report, mission: dict) -> None:
    document.add_heading(mission["title"], level=1)
    document.add_paragraph(mission["summary"])
    document.add_heading("Actions", level=2)
    mine = report.actions[report.actions["mission_code"] == mission["code"]]
    if mine.empty:
        document.add_paragraph("Aucune fiche action.")
    else:
        docx_table(document, ["N°", "Action", "Statut", "Avancement"], [
            [str(a.number), a.title, actions.STATUSES[a.status], f"{a.progress} %"]
            for a in mine.itertuples()])
    document.add_heading("Indicateurs", level=2)
    standings = report.standings[report.standings["mission_code"] == mission["code"]]
    if standings.empty:
        document.add_paragraph("Aucun indicateur.")
        return
    docx_table(document, ["Indicateur", "Objectif annuel", "Réalisé", "Attendu", "Écart", "État"], [
        [f"{s.name} ({s.unit})" if s.unit else s.name, number_fr(s.target, 1),
         number_fr(s.actual, 1), number_fr(s.expected, 1), number_fr(s.gap, 1),
         progress.STATUSES[s.status]] for s in standings.itertuples()])
    for s in standings.itertuples():
        if s.id in report.charts:
            document.add_picture(io.BytesIO(report.charts[s.id]), width=Cm(15))


def xlsx(report: Report) -> bytes:
    actions_sheet = report.actions.assign(
        mission=report.actions["mission_code"].map({m["code"]: m["title"]
                                                    for m in report.missions}),
        status=report.actions["status"].map(actions.STATUSES))[
        ["mission", "number", "title", "status", "progress"]].rename(columns={
            "mission": "Mission", "number": "N°", "title": "Action", "status": "Statut",
            "progress": "Avancement (%)"})
    values = report.values
    if not values.empty:
        values = values[["mission", "indicator", "period", "value", "to_date", "expected",
                         "comment"]].rename(columns={
            "mission": "Mission", "indicator": "Indicateur", "period": "Période",
            "value": "Valeur", "to_date": "Valeur de l'année à cette date",
            "expected": "Attendu à cette date", "comment": "Commentaire"})
    documents = report.documents.drop(columns=["sha256"]).rename(columns={
        "mission": "Mission", "indicator": "Indicateur", "filename": "Document",
        "period_start": "Période (début)", "size": "Taille (octets)",
        "uploaded_by": "Déposé par", "uploaded_at": "Déposé le"}).assign(**{
            "Période (début)": report.documents["period_start"].map(date_fr),
            "Déposé le": report.documents["uploaded_at"].map(datetime_fr)})
    images = [charts.png_bytes(charts.status_chart(report.standings))] \
        if not report.standings.empty else []
    return workbook_bytes({
        "Indicateurs": progress.readable(report.standings),
        "Actions": actions_sheet, "Valeurs par période": values,
        "Pièces justificatives": documents,
    }, ("Graphiques", images + list(report.charts.values())))
