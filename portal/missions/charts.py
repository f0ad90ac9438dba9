"""Charts drawn once and shown twice: on the pages (Altair in Streamlit) and as images in
downloads and in the yearly report (vl-convert, offline, French number and date formats)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from .progress import COLORS, STATUSES


def series_labels(indicator: dict) -> dict[str, str]:
    """The names of an indicator's two lines, which depend on how its year adds up."""
    to_date = {"sum": "Cumul depuis janvier", "last": "Dernière valeur",
               "mean": "Moyenne depuis janvier"}[indicator["aggregation"]]
    target = "Objectif au prorata" if indicator["aggregation"] == "sum" else "Objectif"
    return {"to_date": to_date, "expected": target}


def indicator_chart(frame: pd.DataFrame, indicator: dict) -> alt.Chart | None:
    """The year's value so far against what the target expects, period by period; None
    when there is nothing to draw."""
    labels = series_labels(indicator)
    data = frame.melt(id_vars=["period", "start"], value_vars=list(labels),
                      var_name="series", value_name="amount").dropna(subset=["amount"])
    if data["series"].eq("to_date").sum() == 0:
        return None
    data["series"] = data["series"].map(labels)
    data["start"] = pd.to_datetime(data["start"])
    return alt.Chart(data, title=indicator["name"]).mark_line(point=True).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%m/%Y", tickCount="month")),
        y=alt.Y("amount:Q", title=indicator["unit"] or "Valeur"),
        color=alt.Color("series:N", title=None, sort=list(labels.values()),
                        legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(labels.values()),
                                        range=["#1565c0", "#ef6c00"])),
        strokeDash=alt.StrokeDash("series:N", legend=None,
                                  scale=alt.Scale(domain=list(labels.values()),
                                                  range=[[1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("period:N", title="Période"),
                 alt.Tooltip("series:N", title="Série"),
                 alt.Tooltip("amount:Q", title="Valeur", format=",.4~f")])


def count_axis() -> alt.Axis:
    """An axis of counts: whole numbers only (a count of 1 drew 0.0, 0.2 ... 1.0)."""
    return alt.Axis(format="d", tickMinStep=1)


def status_chart(standings: pd.DataFrame) -> alt.Chart:
    """How many indicators of each mission are on track, at risk, off track."""
    data = (standings.groupby(["mission", "status"], sort=False).size()
            .reset_index(name="count"))
    data["label"] = data["status"].map(STATUSES)
    order = list(STATUSES.values())
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("mission:N", title=None, sort=list(dict.fromkeys(standings["mission"])),
                axis=alt.Axis(labelLimit=320)),
        x=alt.X("count:Q", title="Indicateurs", axis=count_axis()),
        color=alt.Color("label:N", title=None, sort=order, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=order, range=list(COLORS.values()))),
        order=alt.Order("status_rank:Q"),
        tooltip=[alt.Tooltip("mission:N", title="Mission"),
                 alt.Tooltip("label:N", title="État"),
                 alt.Tooltip("count:Q", title="Indicateurs")],
    ).transform_calculate(
        status_rank=" + ".join(f"(datum.status == '{s}') * {i}" for i, s in enumerate(STATUSES)))


ANSWER_COLORS = {"Oui": "#2e7d32", "Non": "#c62828", "NC": "#9e9e9e"}


def answers_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    """One question's answers as stacked bars of shares, one bar per group (everyone, a
    profession, a commune), in the question's order of answers; Oui / Non / NC in green,
    red and grey. A multiple choice (shares adding up past 100 %) gets side-by-side bars."""
    answers = list(frame.sort_values("rank")["answer"].drop_duplicates())
    known = [a for a in ANSWER_COLORS if a in answers]
    scale = alt.Scale(domain=known, range=[ANSWER_COLORS[a] for a in known]) \
        if len(known) == len(answers) else alt.Scale(scheme="tableau10")
    stacked = frame.groupby("grp")["share"].sum().max() <= 1.001
    frame = frame.assign(group=frame["grp"] + " (" + frame["answered"].astype(str) + ")")
    return alt.Chart(frame, title=title).mark_bar().encode(
        y=alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("answer:N", sort=answers) if not stacked else alt.Undefined,
        x=alt.X("share:Q", title=None, stack="zero" if stacked else None,
                axis=alt.Axis(format="%", tickCount=5),
                scale=alt.Scale(domain=[0, 1], nice=False)),
        color=alt.Color("answer:N", title=None, scale=scale, sort=answers,
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("grp:N", title="Groupe"), alt.Tooltip("answer:N", title="Réponse"),
                 alt.Tooltip("n:Q", title="Réponses"),
                 alt.Tooltip("share:Q", title="Part", format=".0%")])


def png_bytes(chart: alt.Chart, width: int = 640, height: int = 300) -> bytes:
    """The chart as a PNG image, drawn without any network access."""
    spec = chart.properties(width=width, height=height).to_dict()
    return vl_convert.vegalite_to_png(spec, scale=2, format_locale="fr-FR",
                                      time_format_locale="fr-FR", allowed_base_urls=[])
