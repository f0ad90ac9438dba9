"""Accès aux soins : chiffres. Counts only, for everyone: requests for a médecin
traitant received, waiting, found, fragile patients helped, the median wait; month by
month for the year."""

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st
from dateutil.relativedelta import relativedelta

from portal import ui
from portal.care import doctor_figures, snp_figures
from portal.care import unscheduled_care as snp
from portal.core.formats import number_fr, percent_fr
from portal.missions import charts

actor = ui.require_access("care_figures")
store = ui.store()

st.title("Accès aux soins : chiffres")
year = st.selectbox("Année", list(range(date.today().year, date.today().year - 6, -1)))
start, end = date(year, 1, 1), date(year + 1, 1, 1)
counts = doctor_figures.figures(store, start, end)
st.subheader("Patients sans médecin traitant")
columns = st.columns(5)
for column, (label, value) in zip(columns, (
        ("Demandes reçues", counts["received"]), ("En attente aujourd'hui", counts["waiting"]),
        ("Médecin traitant trouvé", counts["found"]),
        ("Dont patients fragiles", counts["fragile_found"]),
        ("Délai médian (jours)", counts["median_wait"]))):
    column.metric(label, "—" if value is None else number_fr(value, 0))
st.caption("Patients fragiles : en ALD, de 70 ans ou plus, ou en précarité (CSS, AME). "
           "Délai : de la demande à l'acceptation par un médecin.")
criteria = doctor_figures.by_criterion(store, start, end)
ui.table({"Critère de priorité": criteria["label"],
          "Patient fragile (ACI)": criteria["fragile"].map({1: "Oui", 0: ""}),
          f"Demandes reçues en {year}": criteria["requests"]})
months = [start + relativedelta(months=i) for i in range(12)]
monthly = pd.DataFrame({
    "Mois": [m.strftime("%m/%Y") for m in months],
    "Demandes reçues": [doctor_figures.received(store, None, m, m + relativedelta(months=1))
                        for m in months],
    "Médecin trouvé": [doctor_figures.figures(store, m, m + relativedelta(months=1))["found"]
                       for m in months]})
if monthly[["Demandes reçues", "Médecin trouvé"]].to_numpy().sum():
    data = monthly.melt(id_vars="Mois", var_name="Série", value_name="Nombre")
    st.altair_chart(alt.Chart(data).mark_bar().encode(
        x=alt.X("Mois:N", sort=None, title=None),
        y=alt.Y("Nombre:Q", title=None, axis=charts.count_axis()),
        xOffset="Série:N", color=alt.Color("Série:N", title=None,
                                           legend=alt.Legend(orient="bottom"))),
        width="stretch")
else:
    st.info(f"Aucune demande enregistrée en {year}.", icon=":material/inbox:")

st.subheader("Soins non programmés")
requests = snp_figures.statistics(store, start, end, "year")
use = snp_figures.slots_use(store, start, end)
columns = st.columns(5)
total = int(requests["received"].sum())
for column, (label, value) in zip(columns, (
        ("Demandes reçues", number_fr(total)),
        ("Vues sous 24 h", percent_fr(snp_figures.share_within_24h(store, None, start, end))),
        ("Demandes du SAS", number_fr(int(requests["sas"].sum()))),
        ("SAS : RDV honorés", number_fr(int(requests["sas_honoured"].sum()))),
        ("Places utilisées / offertes", (f"{number_fr(use['used'])} / "
                                         f"{number_fr(use['offered'])}")))):
    column.metric(label, value)
if total:
    period = st.segmented_control("Par", list(snp_figures.PERIODS), default="month",
                                  format_func=lambda p: snp_figures.PERIODS[p][0], key="snp_period")
    table = snp_figures.statistics(store, start, end, period or "month")
    ui.table({snp_figures.PERIODS[period or "month"][0]: table["label"],
              "Demandes": table["received"], "Vues sous 24 h": table["within_24h"],
              "Part sous 24 h": table["share_24h"].map(percent_fr),
              "Sans issue": table["pending"], "SAS": table["sas"],
              "SAS honorés": table["sas_honoured"]})
    left, right = st.columns(2)
    # Motives' labels are long: their table takes the whole width, below.
    for column, by, label in ((left, "channel", "Canal"), (right, "profession", "Profession"),
                              (st.container(), "motive", "Motif")):
        rows = snp_figures.breakdown(store, start, end, by)
        with column:
            ui.table({label: rows["grp"].map(lambda g: snp.CHANNELS.get(g, g)),
                      "Demandes": rows["received"],
                      "Part sous 24 h": rows["share_24h"].map(percent_fr)})
    st.caption("Vue sous 24 h : rendez-vous moins de 24 heures (heure réelle) après la "
               "demande ; la part est calculée sur toutes les demandes reçues.")
