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

from ..association import funding, memberships
from ..core.db import Store
from ..core.exports import docx_bytes, docx_table, workbook_bytes
from ..core.formats import date_fr, datetime_fr, euros, number_fr, plural, records
from ..directory import territory
from ..meetings import schedule
from . import aci, actions, charts, evidence, indicators, pathways, prevention, progress, support


@dataclass
class Report:
    year: int
    as_of: date                 # the day the indicators are judged at
    cpts: str
    missions: list[dict]        # the missions shown: signed, or with actions or indicators
    signed: set[str]            # the codes of the missions retained in the contract
    actions: pd.DataFrame       # one row per action, its missions in `mission_codes`
    standings: pd.DataFrame     # one row per indicator
    values: pd.DataFrame        # one row per indicator and period of the year
    documents: pd.DataFrame     # supporting documents of the year
    charts: dict[int, bytes]    # indicator id -> PNG, for those with values
    meetings: pd.DataFrame      # per mission: meetings held, hours, participant-hours
    mobilised: dict[str, int]   # per mission: different people present at its meetings
    members: pd.DataFrame       # per collège: the year's members, those up to date
    funds: pd.DataFrame         # per mission: ACI parts due, indemnities, other spending
    prevention: pd.DataFrame    # the year's prevention events
    pathways: pd.DataFrame      # every pathway with the year's figures
    newcomers: pd.DataFrame     # the newcomers the CPTS supports
    received_cents: int         # what the ACI paid for the year
    prevention_figures: dict    # events held and planned, people reached...
    support_figures: dict       # installations supported and completed, placements...


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
    every_action = store.frame(
        "SELECT a.id, a.number, a.title, a.status, a.progress, a.objectives, a.description,"
        " a.results, a.start_on, a.end_on, (SELECT group_concat(am.mission_code, ',') FROM"
        " action_missions am WHERE am.action_id = a.id) AS mission_codes"
        " FROM actions a ORDER BY a.number")
    coded = set(",".join(c for c in every_action["mission_codes"] if c).split(","))
    contract = aci.contract(store)
    shown = [m for m in aci.all_missions(store)
             if contract.signed(m) or m["code"] in coded
             or m["code"] in set(standings["mission_code"])]
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    this_year = prevention.Filters(year)
    return Report(
        year=year, as_of=as_of, cpts=territory.name(store), missions=shown,
        signed={m["code"] for m in shown if contract.signed(m)}, actions=every_action,
        standings=standings, values=pd.concat(values) if values else pd.DataFrame(),
        documents=evidence.for_year(store, year), charts=images,
        meetings=schedule.coordination_time(store, start, end),
        mobilised=schedule.people_mobilised(store, start, end),
        members=memberships.counts_by_college(store, year),
        funds=funding.use_of_funds(store, year), received_cents=funding.received(store, year),
        prevention=prevention.events(store, this_year),
        prevention_figures=prevention.summary(store, this_year, today),
        pathways=pathways.for_year(store, year), newcomers=support.newcomers(store),
        support_figures=support.year_figures(store, year))


def actions_of(report: Report, code: str) -> pd.DataFrame:
    """The actions serving one mission."""
    return report.actions[[code in (c or "").split(",") for c in report.actions["mission_codes"]]]


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
    members = int(report.members["members"].sum())
    document.add_paragraph(
        f"{plural(members, 'adhérent')} en {report.year}, dont "
        f"{int(report.members['up_to_date'].sum())} à jour de cotisation ; "
        f"{plural(len(report.actions), 'fiche action', 'fiches action')}.")
    if report.standings.empty:
        document.add_paragraph("Aucun indicateur n'est configuré.")
    else:
        document.add_paragraph(f"{len(report.standings)} indicateurs : {_verdicts(report)}.")
        document.add_picture(io.BytesIO(charts.png_bytes(charts.status_chart(report.standings))),
                             width=Cm(16))
    for mission in report.missions:
        _mission_section(document, report, mission)
    document.add_heading("Vie associative", level=1)
    docx_table(document, ["Collège", "Adhérents", "À jour de cotisation"], [
        [c.college, str(c.members), str(c.up_to_date)] for c in report.members.itertuples()])
    _funds_section(document, report)
    document.add_heading("Pièces justificatives", level=1)
    if report.documents.empty:
        document.add_paragraph("Aucune pièce justificative pour cette année.")
    else:
        docx_table(document, ["Indicateur", "Document", "Période", "Déposé le"], [
            [d.indicator, d.filename, date_fr(d.period_start) or "—",
             datetime_fr(d.uploaded_at)] for d in report.documents.itertuples()])
    return docx_bytes(document, f"Rapport d'activité {report.year}")


FUND_COLUMNS = ("Dotation ou part fixe", "Part variable", "Indemnités", "Autres dépenses",
                "Total utilisé")


def funds_frame(funds: pd.DataFrame) -> pd.DataFrame:
    """Moyens et utilisation des fonds, in euros, with a total row."""
    used = funds["indemnities_cents"] + funds["spending_cents"]
    frame = pd.DataFrame({
        "Mission": funds["mission"], "Dotation ou part fixe": funds["fixed_cents"],
        "Part variable": funds["variable_cents"], "Indemnités": funds["indemnities_cents"],
        "Autres dépenses": funds["spending_cents"], "Total utilisé": used})
    total = frame.drop(columns="Mission").sum()
    frame.loc[len(frame)] = {"Mission": "Total", **total}
    return frame


def _funds_section(document, report: Report) -> None:
    document.add_heading("Moyens et utilisation des fonds", level=1)
    funds = report.funds
    due = int(funds["fixed_cents"].sum() + funds["variable_cents"].sum())
    used = int(funds["indemnities_cents"].sum() + funds["spending_cents"].sum())
    if not due and not used and not report.received_cents:
        document.add_paragraph("Aucun financement ni dépense enregistré pour cette année "
                               "(page « Financement ACI »).")
        return
    document.add_paragraph(
        f"Financement ACI attendu : {euros(due)} ; reçu : {euros(report.received_cents)} ; "
        f"utilisé : {euros(used)} (indemnités des relevés validés et autres dépenses).")
    frame = funds_frame(funds)
    docx_table(document, list(frame.columns), [
        [row[0], *(euros(int(v)) for v in row[1:])] for row in frame.itertuples(index=False)],
        room=(0,))


def _mission_section(document, report: Report, mission: dict) -> None:
    document.add_heading(mission["title"], level=1)
    if mission["code"] not in report.signed:
        document.add_paragraph("Mission non retenue dans le contrat : présentée pour mémoire, "
                               "elle n'entre pas dans l'évaluation de l'ACI.").runs[0].italic = True
    document.add_paragraph(mission["summary"])
    _actions_section(document, actions_of(report, mission["code"]))
    if mission["code"] == "socle_2":
        _pathways_section(document, report)
    if mission["code"] == "socle_3":
        _prevention_section(document, report)
    if mission["code"] == "complementaire_2":
        _support_section(document, report)
    _meetings_section(document, report, mission["code"])
    _indicators_section(document, report, mission["code"])


def _pathways_section(document, report: Report) -> None:
    document.add_heading("Parcours pluriprofessionnels", level=2)
    if report.pathways.empty:
        document.add_paragraph("Aucun parcours enregistré.")
        return
    docx_table(document, ["Parcours", "Statut", "Acteurs", "Protocoles (adhérents)",
                          "Patients inclus", "Réunions (cas revus)"], [
        [w.title, pathways.STATUSES[w.status], str(w.members),
         f"{w.protocols} ({w.adherents})", number_fr(w.included),
         f"{w.meetings} ({w.cases})"] for w in report.pathways.itertuples()], room=(0,))


def _support_section(document, report: Report) -> None:
    figures = report.support_figures
    document.add_heading("Nouveaux installés et stages", level=2)
    document.add_paragraph(", ".join([
        plural(figures["supported"], "installation accompagnée", "installations accompagnées"),
        plural(figures["completed"], "installation réalisée", "installations réalisées"),
        plural(figures["placements"], "stage accueilli", "stages accueillis"),
        plural(figures["places"], "place de stage offerte", "places de stage offertes")]) + ".")
    if not report.newcomers.empty:
        docx_table(document, ["Professionnel", "Profession", "Statut", "Installé le"], [
            [n.who, n.profession or "", support.STATUSES[n.status], date_fr(n.settled_on)]
            for n in report.newcomers.itertuples()], room=(0,))


def _prevention_section(document, report: Report) -> None:
    figures = report.prevention_figures
    document.add_heading("Événements de prévention", level=2)
    if report.prevention.empty:
        document.add_paragraph("Aucun événement de prévention enregistré pour l'année.")
        return
    document.add_paragraph(", ".join([
        plural(figures["held"], "événement tenu", "événements tenus"),
        plural(figures["planned"], "prévu"),
        plural(figures["reached"], "personne touchée", "personnes touchées"),
        plural(figures["professionals"], "professionnel mobilisé", "professionnels mobilisés"),
        plural(figures["communes"], "commune")]) + ".")
    events = report.prevention
    docx_table(document, ["Date", "Événement", "Thème", "Commune", "Personnes touchées"], [
        [date_fr(e.held_on), e.title, e.theme, e.commune or "",
         "" if e.reached is None else number_fr(e.reached)] for e in events.itertuples()],
        room=(1,))


def _actions_section(document, mine: pd.DataFrame) -> None:
    document.add_heading("Actions", level=2)
    if mine.empty:
        document.add_paragraph("Aucune fiche action.")
        return
    docx_table(document, ["N°", "Action", "Statut", "Avancement"], [
        [str(a.number), a.title, actions.STATUSES[a.status], f"{a.progress} %"]
        for a in mine.itertuples()])
    for action in records(mine):
        document.add_heading(f"Action n°{action['number']} : {action['title']}", level=3)
        for key in ("objectives", "description", "results"):
            document.add_paragraph().add_run(actions.SECTIONS[key]).bold = True
            document.add_paragraph(action[key] or "Non renseigné.")


def _meetings_section(document, report: Report, code: str) -> None:
    document.add_heading("Réunions et professionnels mobilisés", level=2)
    held = report.meetings[report.meetings["mission_code"] == code]
    if held.empty:
        document.add_paragraph(f"Aucune réunion rattachée à cette mission en {report.year}.")
        return
    row = records(held)[0]
    present = plural(report.mobilised.get(code, 0), "professionnel présent",
                     "professionnels présents")
    document.add_paragraph(
        f"{plural(row['meetings'], 'réunion')} ({number_fr(row['hours'], 1)} h), {present}, "
        f"{number_fr(row['person_hours'], 1)} heures de présence (personnes × durée)"
        + (f" ; {plural(row['without_sheet'], 'réunion')} sans feuille de présence."
           if row["without_sheet"] else "."))


def _indicators_section(document, report: Report, code: str) -> None:
    document.add_heading("Indicateurs", level=2)
    standings = report.standings[report.standings["mission_code"] == code]
    if standings.empty:
        document.add_paragraph("Aucun indicateur.")
        return
    docx_table(document, ["Indicateur", "Objectif annuel", "Réalisé", "Attendu", "Écart", "État"], [
        [f"{s.name} ({s.unit})" if s.unit else s.name, number_fr(s.target, 1),
         number_fr(s.actual, 1), number_fr(s.expected, 1), number_fr(s.gap, 1),
         progress.STATUSES[s.status]] for s in standings.itertuples()])
    comments = _comments(report, set(standings["name"]))
    if comments:
        document.add_paragraph().add_run("Commentaires des valeurs saisies").bold = True
        docx_table(document, ["Indicateur", "Période", "Commentaire"], comments)
    for s in standings.itertuples():
        if s.id in report.charts:
            document.add_picture(io.BytesIO(report.charts[s.id]), width=Cm(15))


def _comments(report: Report, names: set[str]) -> list[list[str]]:
    """The comment typed with each value of these indicators, by period."""
    if report.values.empty:
        return []
    rows = report.values[report.values["indicator"].isin(names)]
    return [[r["indicator"], r["period"], r["comment"]] for r in records(rows)
            if r.get("comment")]


def xlsx(report: Report) -> bytes:
    titles = {m["code"]: m["title"] for m in report.missions}
    actions_sheet = pd.DataFrame({
        "N°": report.actions["number"], "Action": report.actions["title"],
        "Missions": [", ".join(titles.get(c, c) for c in (codes or "").split(",") if c)
                     for codes in report.actions["mission_codes"]],
        "Statut": report.actions["status"].map(actions.STATUSES),
        "Avancement (%)": report.actions["progress"],
        "Début": report.actions["start_on"].map(date_fr),
        "Fin": report.actions["end_on"].map(date_fr),
        **{actions.SECTIONS[k]: report.actions[k]
           for k in ("objectives", "description", "results")}})
    values = report.values
    if not values.empty:
        values = values[["mission", "indicator", "period", "value", "to_date", "expected",
                         "comment"]].rename(columns={
            "mission": "Mission", "indicator": "Indicateur", "period": "Période",
            "value": "Valeur", "to_date": "Valeur de l'année à cette date",
            "expected": "Attendu à cette date", "comment": "Commentaire"})
    meetings_sheet = pd.DataFrame({
        "Mission": report.meetings["mission_code"].map(titles),
        "Réunions": report.meetings["meetings"], "Heures": report.meetings["hours"],
        "Professionnels présents": report.meetings["mission_code"].map(
            lambda c: report.mobilised.get(c, 0)),
        "Heures de présence": report.meetings["person_hours"]})
    documents = report.documents.drop(columns=["sha256"]).rename(columns={
        "mission": "Mission", "indicator": "Indicateur", "filename": "Document",
        "period_start": "Période (début)", "size": "Taille (octets)",
        "uploaded_by": "Déposé par", "uploaded_at": "Déposé le"}).assign(**{
            "Période (début)": report.documents["period_start"].map(date_fr),
            "Déposé le": report.documents["uploaded_at"].map(datetime_fr)})
    funds = funds_frame(report.funds)
    funds[list(FUND_COLUMNS)] = funds[list(FUND_COLUMNS)] / 100
    funds = funds.rename(columns={c: f"{c} (EUR)" for c in FUND_COLUMNS})
    images = [charts.png_bytes(charts.status_chart(report.standings))] \
        if not report.standings.empty else []
    return workbook_bytes({
        "Indicateurs": progress.readable(report.standings),
        "Actions": actions_sheet, "Valeurs par période": values,
        "Réunions par mission": meetings_sheet,
        "Parcours": pathways.readable(report.pathways),
        "Prévention": prevention.readable(report.prevention),
        "Utilisation des fonds": funds,
        "Pièces justificatives": documents,
    }, ("Graphiques", images + list(report.charts.values())))
