"""Indicateur: values against the target over the year, typed values with a comment,
the data as XLSX; configuration for coordinators."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core import files
from portal.core.errors import PortalError
from portal.core.exports import XLSX_MIME, xlsx_bytes
from portal.core.formats import date_fr, datetime_fr, md_escape, number_fr, records, size_fr
from portal.missions import aci, charts, evidence, indicators, progress
from portal.ui import verdicts

actor = ui.require_access("indicator")
store = ui.store()
config = ui.config()
editor = actor.has(*indicators.EDITORS)


def indicator_form(indicator: dict | None) -> None:
    indicator = indicator or {}
    key = f"i{indicator.get('id', 'new')}"
    errors = ui.FieldErrors()
    values = {"name": ui.text_field(errors, "Nom", indicator.get("name"), "name", key)}
    left, right = st.columns(2)
    with left:
        values["mission_code"] = ui.choice(
            "Mission", {m["code"]: m["title"] for m in aci.all_missions(store)},
            indicator.get("mission_code"), key=f"{key}_mission", empty="Choisir…")
        errors.slot("mission_code")
        values["kind"] = ui.choice("Type", indicators.KINDS, indicator.get("kind"),
                                   key=f"{key}_kind", empty="Choisir…")
        errors.slot("kind")
        values["period"] = ui.choice("Périodicité", indicators.PERIODS,
                                     indicator.get("period", "year"), key=f"{key}_period",
                                     empty="Choisir…")
        errors.slot("period")
    with right:
        values["unit"] = ui.text_field(errors, "Unité", indicator.get("unit"), "unit", key, 40)
        values["target"] = ui.text_field(errors, "Objectif annuel",
                                         "" if indicator.get("target") is None
                                         else f"{indicator['target']:g}", "target", key, 20)
        values["direction"] = ui.choice("Sens", indicators.DIRECTIONS,
                                        indicator.get("direction", "higher"),
                                        key=f"{key}_direction", empty="Choisir…")
        errors.slot("direction")
    values["aggregation"] = ui.choice(
        "Valeur de l'année", indicators.AGGREGATIONS, indicator.get("aggregation", "sum"),
        key=f"{key}_aggregation", empty="Choisir…",
        help="Comment les valeurs des périodes font la valeur de l'année, comparée à "
             "l'objectif : une somme est comparée à l'objectif au prorata de l'année écoulée.")
    errors.slot("aggregation")
    sources = {"manual": "Saisie manuelle",
               **{k: f"Calculé : {s.label}" for k, s in indicators.SOURCES.items()}}
    values["source"] = st.selectbox("Source", list(sources), format_func=sources.get,
                                    index=list(sources).index(indicator.get("source", "manual")),
                                    key=f"{key}_source")
    values["notes"] = st.text_area("Notes", indicator.get("notes", ""), max_chars=2000,
                                   key=f"{key}_notes")
    errors.slot(None)
    if st.button("Enregistrer", type="primary", key=f"{key}_save", icon=":material/save:"):
        ui.save_record(errors, lambda: indicators.save_indicator(
            store, actor, values, indicator.get("id")), ui.page("indicator"), not indicator,
            "Indicateur enregistré.")


st.page_link(ui.page("indicators"), label="Retour aux indicateurs",
             icon=":material/arrow_back:")
indicator = ui.record_page(
    lambda i: indicators.get_indicator(store, i), indicator_form, editor, "Nouvel indicateur",
    "Indicateur", "Choisissez un indicateur dans la liste.", ":material/monitoring:")

st.title(md_escape(indicator["name"]))
target = indicator["target"]
st.caption(f"{indicator['mission']} · {indicators.KINDS[indicator['kind']]} · "
           f"{indicators.PERIODS[indicator['period']].lower()} · objectif annuel : "
           f"{number_fr(target, 1) if target is not None else 'non fixé'} "
           f"{md_escape(indicator['unit'])}")
if indicator["source"] != "manual":
    st.info(f"Calculé par le portail : {indicators.SOURCES[indicator['source']].description}",
            icon=":material/calculate:")

year = st.selectbox("Année", list(range(date.today().year, date.today().year - 6, -1)))
standing = progress.standings(store, year, indicator_id=indicator["id"]).iloc[0]
status = standing["status"]
st.markdown(f"**{verdicts.label(status)}**"
            + (f" · valeur de l'année : {number_fr(standing['actual'], 1)}"
               if status != "no_value" else "")
            + (f" · attendu : {number_fr(standing['expected'], 1)}"
               if status not in ("no_value", "no_target") else "")
            + (f" · {standing['missing']} période(s) terminée(s) sans valeur"
               if standing["missing"] else ""))
frame = indicators.values_for_year(store, indicator, year)
chart = charts.indicator_chart(frame, indicator)
if chart is None:
    st.write("Aucune valeur pour cette année."
             + (" Saisissez-en une ci-dessous." if editor and indicator["source"] == "manual"
                else ""))
else:
    st.altair_chart(chart, width="stretch")

labels = charts.series_labels(indicator)
table = frame[["period", "value", "to_date", "expected", "comment"]].rename(columns={
    "period": "Période", "value": "Valeur", "to_date": labels["to_date"],
    "expected": labels["expected"], "comment": "Commentaire"})
ui.table(table.assign(**{column: table[column].map(lambda v: number_fr(v, 1))
                         for column in table.columns[1:4]}))
left, right = st.columns(2)
left.download_button("Données (XLSX)", lambda: xlsx_bytes(table, "Indicateur"),
                     file_name=f"indicateur-{indicator['id']}-{year}.xlsx",
                     icon=":material/table:", mime=XLSX_MIME, on_click="ignore")
if chart is not None:
    right.download_button("Graphique (PNG)", lambda: charts.png_bytes(chart),
                          file_name=f"indicateur-{indicator['id']}-{year}.png",
                          icon=":material/image:", mime="image/png", on_click="ignore")

if editor and indicator["source"] == "manual":
    st.subheader("Saisir une valeur")
    errors = ui.FieldErrors()
    with st.form(ui.form_key("value")):
        day = st.date_input("Période (un jour de la période)", date.today(), format="DD/MM/YYYY")
        value = st.text_input("Valeur", max_chars=20)
        errors.slot("value")
        comment = st.text_input("Commentaire", max_chars=500)
        submitted = st.form_submit_button("Enregistrer la valeur", type="primary")
    errors.slot(None)
    if submitted and errors.attempt(indicators.record_value, store, actor, indicator["id"],
                                    day, value, comment):
        period = indicators.period_start(day, indicator["period"])
        ui.saved(f"Valeur enregistrée pour {indicators.period_label(period, indicator['period'])}.",
                 reset="value")

st.subheader("Pièces justificatives")
documents = evidence.listing(store, indicator["id"])
if documents.empty:
    st.write("Aucune pièce justificative." + (" Déposez-en une ci-dessous." if editor else ""))
for row in records(documents):
    label = (f"{md_escape(row['filename'])} ({size_fr(row['size'])}"
             + (f", période du {date_fr(row['period_start'])}" if row["period_start"] else "")
             + f", déposé par {row['uploaded_by']} le {datetime_fr(row['uploaded_at'])})")
    st.download_button(label, lambda sha=row["sha256"]: files.content(config.files_dir, sha),
                       file_name=row["filename"], mime=row["mime"], key=f"evidence_{row['id']}",
                       icon=":material/attach_file:", on_click="ignore")
if editor:
    errors = ui.FieldErrors()
    with st.form(ui.form_key("evidence")):
        upload = st.file_uploader(
            f"Ajouter un document (PDF, image, document bureautique ; "
            f"{size_fr(files.MAX_BYTES)} au plus)", type=list(files.ACCEPTED),
            max_upload_size=files.MAX_BYTES // 1024 ** 2)
        errors.slot("file")
        period = st.date_input("Période concernée (un jour de la période, facultatif)", None,
                               format="DD/MM/YYYY")
        sent = st.form_submit_button("Déposer")
    errors.slot(None)
    if sent:
        try:
            if upload is None:
                raise PortalError("Choisissez d'abord un fichier.", field="file")
            evidence.add(store, actor, config.files_dir, indicator["id"], upload.name,
                         upload.getvalue(), period)
        except PortalError as error:
            errors.show(error)
        else:
            ui.saved(f"Document « {upload.name} » déposé.", reset="evidence")
    if not documents.empty:
        with st.expander("Retirer un document", icon=":material/delete:"):
            chosen = st.selectbox("Document", documents["id"], index=None,
                                  placeholder="Choisissez un document",
                                  format_func=dict(zip(documents["id"],
                                                       documents["filename"])).get)
            confirmed = st.checkbox("Je confirme le retrait de ce document")
            if st.button("Retirer", disabled=chosen is None):
                if not confirmed:
                    st.error("Cochez la case pour confirmer.")
                else:
                    evidence.remove(store, actor, config.files_dir, int(chosen))
                    ui.saved("Document retiré.")

if editor:
    with st.expander("Modifier l'indicateur", icon=":material/edit:"):
        indicator_form(indicator)
