"""Indemnisations: the time professionals gave to the CPTS's missions, priced at the
association's rates; statements prepared by the coordination, validated by the treasurer;
the year's totals per mission and the cap."""

from datetime import date

import streamlit as st

from portal import ui
from portal.association import indemnities as ind
from portal.association import statement_papers as papers
from portal.core import files
from portal.core.errors import PortalError
from portal.core.exports import XLSX_MIME
from portal.core.formats import date_fr, euros, md_escape, number_fr, size_fr
from portal.missions import aci

PAGE_SIZE = 50

actor = ui.require_access("indemnities")
store = ui.store()
prepares = actor.has(*ind.EDITORS)
treasurer = actor.has(*ind.TREASURERS)
rules = ind.Rules.of(store)

st.title("Indemnisations")
this_year = ind.today().year
offered = list(range(this_year, this_year - 6, -1))
asked = st.query_params.get("annee", "")  # a link to a year (?annee=2025)
year = st.selectbox("Année", offered, index=offered.index(int(asked))
                    if asked.isdigit() and int(asked) in offered else 0)
first_day, last_day = date(year, 1, 1), min(date(year, 12, 31), ind.today())


def hours(minutes) -> str:
    return ind.quantity_fr("reunion", int(minutes)) if minutes else ""


def figures() -> None:
    listed = ind.count_statements(store, year)
    left, middle, right = st.columns(3)
    left.metric("Relevés de l'année", number_fr(listed))
    middle.metric("Montant des relevés", euros(int(totals["amount_cents"].sum())))
    right.metric("Au-delà du plafond", number_fr(len(capped)),
                 help=f"Total de l'année au-delà de {euros(rules.cap_cents)} par professionnel "
                      "(plafond fixé par la trésorerie).")
    if not capped.empty:
        names = ", ".join(capped["name"].head(5)) + (" …" if len(capped) > 5 else "")
        st.warning(md_escape(f"{len(capped)} professionnel(s) au-delà du plafond de "
                             f"{euros(rules.cap_cents)} en {year} : {names}. Détail dans "
                             "l'onglet « Synthèse »."), icon=":material/warning:")


def to_pay() -> None:
    """The period's time not on a statement yet, per professional; statements made from it."""
    if ind.rates(store).empty:
        st.info("Aucun taux n'est fixé : seul le temps d'un type qui a un taux à sa date est "
                "indemnisé. La trésorerie les fixe dans l'onglet « Taux et plafond ».",
                icon=":material/euro:")
        return
    errors = ui.FieldErrors()
    left, right = st.columns(2)
    first = left.date_input("Du", first_day, format="DD/MM/YYYY", key=f"pay_from_{year}")
    last = right.date_input("Au", last_day, format="DD/MM/YYYY", key=f"pay_to_{year}")
    errors.slot("period")
    if first is None or last is None or last < first:
        st.error("Indiquez une période dont la fin suit le début.", icon=":material/error:")
        return
    caption = st.empty()
    frame, total = ui.paged(lambda limit, offset: ind.pending_by_person(
        store, first, last, limit, offset), PAGE_SIZE, key=f"pay_page_{year}")
    if not total:
        caption.info(f"Rien à indemniser du {date_fr(first)} au {date_fr(last)} : présences "
                     "aux réunions, créneaux SNP tenus et saisies sont tous sur un relevé, ou "
                     "sans taux à leur date.", icon=":material/task_alt:")
        return
    caption.caption(f"{total} professionnel(s) avec du temps à indemniser"
                    + (" (adhérents à jour seulement)" if rules.members_only else "")
                    + ". Sélectionnez des lignes, ou préparez les relevés de tous.")
    event = ui.table({"Professionnel": frame["name"], "Profession": frame["profession"],
                      "Réunions": frame["meeting_minutes"].map(hours),
                      "Créneaux SNP": frame["snp_minutes"].map(hours),
                      "Saisies": frame["typed"], "Montant": frame["amount_cents"].map(euros)},
                     on_select="rerun", selection_mode="multi-row", key=f"pay_{year}")
    chosen = [int(frame["person_id"].iloc[i]) for i in event.selection.rows]
    one, two = st.columns(2)
    everyone = two.button(f"Préparer les relevés de tous ({total})",
                          icon=":material/playlist_add_check:")
    selected = one.button(f"Préparer pour la sélection ({len(chosen)})", type="primary",
                          disabled=not chosen, icon=":material/playlist_add:")
    if everyone or selected:
        try:
            numbers = ind.prepare(store, actor, first, last, chosen if selected else None)
        except PortalError as error:
            errors.show(error)
        else:
            ui.saved(f"{len(numbers)} relevé(s) préparé(s), n° {numbers[0]}"
                     + (f" à {numbers[-1]}" if len(numbers) > 1 else "")
                     + " : à valider par la trésorerie (onglet « Relevés »).")


def statement_list() -> None:
    total = ind.count_statements(store, year)
    if not total:
        st.info(f"Aucun relevé pour {year}." + (" Préparez-les dans l'onglet « À indemniser »."
                                                 if prepares else ""),
                icon=":material/description:")
        return
    offset = ui.page_offset(total, PAGE_SIZE, key=f"statements_page_{year}")
    frame = ind.statements(store, year, limit=PAGE_SIZE, offset=offset)
    st.caption(f"{total} relevé(s). Cliquez sur une ligne pour le lire.")
    event = ui.table({"N°": frame["number"], "Professionnel": frame["name"],
                      "Du": frame["first_day"].map(date_fr), "Au": frame["last_day"].map(date_fr),
                      "Montant": frame["amount_cents"].map(euros),
                      "État": [papers.state(r) for r in frame.to_dict("records")]},
                     on_select="rerun", selection_mode="single-row", key=f"statements_{year}")
    if event.selection.rows:
        statement(int(frame["id"].iloc[event.selection.rows[0]]))


def statement(statement_id: int) -> None:
    """One statement: its lines, its Word document; validation or withdrawal."""
    row = ind.get_statement(store, statement_id)
    st.subheader(md_escape(f"Relevé n° {row['number']} – {row['name']}"))
    st.write(f"Du {date_fr(row['first_day'])} au {date_fr(row['last_day'])} · "
             f"{euros(row['amount_cents'])} · {papers.state(row)}")
    lines = ind.statement_lines(store, statement_id)
    if not lines.empty:
        ui.table({"Date": lines["worked_on"].map(date_fr), "Objet": lines["label"],
                  "Mission": lines["mission"], "Origine": lines["source"].map(ind.SOURCES),
                  "Temps": [ind.quantity_fr(k, q) for k, q in zip(lines["kind"],
                                                                  lines["quantity"],
                                                                  strict=True)],
                  "Taux": lines["rate_cents"].map(euros),
                  "Montant": lines["amount_cents"].map(euros)})
    ui.statement_button(store, row)
    if row["validated_at"] or row["withdrawn_at"]:
        return
    errors = ui.FieldErrors()
    errors.slot(None)
    if treasurer:
        confirmed = st.checkbox("J'ai vérifié ce relevé : il ne pourra plus être modifié",
                                key=f"validate_ok_{statement_id}")
        if st.button("Valider le relevé", type="primary", icon=":material/verified:",
                     disabled=not confirmed, key=f"validate_{statement_id}") and \
                errors.attempt(ind.validate, store, actor, statement_id):
            ui.saved(f"Relevé n° {row['number']} validé.")
    if prepares:
        with st.popover("Retirer le relevé", icon=":material/delete:"):
            st.write("Son temps redevient à indemniser ; son numéro reste utilisé.")
            sure = st.checkbox("Je confirme le retrait", key=f"withdraw_ok_{statement_id}")
            if st.button("Retirer", disabled=not sure, key=f"withdraw_{statement_id}") and \
                    errors.attempt(ind.withdraw, store, actor, statement_id):
                ui.saved(f"Relevé n° {row['number']} retiré.")


def typed_line() -> None:
    """Time the portal does not hold: a function held, acts, a meeting without a sheet."""
    errors = ui.FieldErrors()
    person = ui.person_search(store, actor, "Professionnel", ui.form_key("line_person"))
    errors.slot("person_id")
    kind = st.selectbox("Type de temps", list(ind.KINDS), format_func=ind.KINDS.get,
                        key="line_kind")
    errors.slot("kind")
    missions = {m["code"]: m["title"] for m in aci.all_missions(store)}
    with st.form(ui.form_key("line")):
        left, middle, right = st.columns(3)
        worked_on = left.date_input("Date", ind.today(), format="DD/MM/YYYY")
        with left:
            errors.slot("worked_on")
        if kind == ind.PER_ACT:
            amount = middle.number_input("Nombre d'actes (négatif : correction)", -999, 999, 1)
            quantity = int(amount)
        else:
            amount = middle.number_input("Durée en heures (négative : correction)", -99.0,
                                         99.0, 1.0, step=0.25, format="%.2f")
            quantity = round(amount * 60)
        with middle:
            errors.slot("quantity")
        with right:
            mission = ui.choice("Mission", missions, empty="Aucune")
        reason = st.text_area("Motif", max_chars=1000,
                              placeholder="Ex. : permanence du référent crise, 3 h")
        errors.slot("reason")
        upload = st.file_uploader(
            f"Pièce justificative (PDF, image, document bureautique ; "
            f"{size_fr(files.MAX_BYTES)} au plus ; facultative pour une correction)",
            type=list(files.ACCEPTED), max_upload_size=files.MAX_BYTES // 1024 ** 2)
        errors.slot("file")
        sent = st.form_submit_button("Enregistrer la ligne", type="primary")
    if sent and errors.attempt(ind.add_line, store, actor, ui.config().files_dir, person, kind,
                               worked_on, quantity, mission, reason,
                               upload.name if upload else None,
                               upload.getvalue() if upload else None):
        ui.saved("Ligne enregistrée : elle ira sur le prochain relevé de ce professionnel.",
                 reset="line")
    waiting = ind.waiting_lines(store)
    if waiting.empty:
        st.caption("Aucune ligne saisie en attente d'un relevé.")
        return
    st.write("**Saisies en attente d'un relevé**")
    ui.table({"Professionnel": waiting["name"], "Date": waiting["worked_on"].map(date_fr),
              "Type": waiting["kind"].map(ind.KINDS),
              "Temps": [ind.quantity_fr(k, q) for k, q in zip(waiting["kind"],
                                                              waiting["quantity"], strict=True)],
              "Motif": waiting["reason"], "Pièce": waiting["filename"]})
    ui.removal("Supprimer une saisie", "Ligne saisie par erreur",
               {int(r.id): f"{r.name} – {date_fr(r.worked_on)} – {ind.KINDS[r.kind]}"
                for r in waiting.itertuples()},
               lambda line: ind.remove_line(store, actor, line), "Ligne supprimée.",
               key="remove_line")


def rates() -> None:
    listed = ind.rates(store)
    if listed.empty:
        st.info("Aucun taux fixé.", icon=":material/euro:")
    else:
        ui.table({"Type": listed["kind"].map(ind.KINDS),
                  "Montant": [euros(c) + (" l'acte" if k == ind.PER_ACT else " l'heure")
                              for k, c in zip(listed["kind"], listed["amount_cents"],
                                              strict=True)],
                  "Du": listed["starts_on"].map(date_fr),
                  "Au": listed["ends_on"].map(lambda d: date_fr(d) or "sans fin")})
    st.write(f"Plafond annuel par professionnel : {euros(rules.cap_cents)}. "
             + ("Seuls les adhérents à jour sont indemnisés." if rules.members_only
                else "L'adhésion n'est pas exigée."))
    if not treasurer:
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key("rate")):
        st.write("**Nouveau taux**")
        left, middle = st.columns(2)
        kind = left.selectbox("Type de temps", list(ind.KINDS), format_func=ind.KINDS.get)
        with left:
            errors.slot("kind")
        amount = middle.number_input("Montant (EUR, par heure ou par acte)", min_value=0.0,
                                     step=1.0, format="%.2f", value=None)
        with middle:
            errors.slot("amount")
        start, end = st.columns(2)
        starts = start.date_input("À partir du", date(this_year, 1, 1), format="DD/MM/YYYY")
        with start:
            errors.slot("starts_on")
        ends = end.date_input("Jusqu'au (facultatif)", None, format="DD/MM/YYYY")
        with end:
            errors.slot("ends_on")
        sent = st.form_submit_button("Ajouter le taux", type="primary")
    if sent and errors.attempt(ind.add_rate, store, actor, kind,
                               None if amount is None else round(amount * 100), starts, ends):
        ui.saved("Taux ajouté.", reset="rate")
    running = {int(r.id): f"{ind.KINDS[r.kind]} – {euros(r.amount_cents)} depuis le "
               f"{date_fr(r.starts_on)}" for r in listed.itertuples() if not r.ends_on}
    if running:
        ui.ending("Terminer un taux", "Taux", running,
                  lambda rate, last: ind.end_rate(store, actor, rate, last), "Taux terminé.",
                  "end_rate", ":material/event_busy:", ind.today())
    limits = ui.FieldErrors()
    with st.form("rules"):
        cap = st.number_input("Plafond annuel par professionnel (EUR)", min_value=0.0,
                              step=100.0, format="%.2f", value=rules.cap_cents / 100,
                              help="Par défaut, le plafond annuel de la sécurité sociale "
                                   "(47 100 EUR en 2025).")
        limits.slot("cap")
        members_only = st.checkbox("N'indemniser que les adhérents à jour", rules.members_only)
        sent = st.form_submit_button("Enregistrer")
    if sent and limits.attempt(ind.set_rules, store, actor, round(cap * 100), members_only):
        ui.saved("Plafond et règles enregistrés.")


def summary() -> None:
    if totals.empty:
        st.info(f"Aucun relevé pour {year}.", icon=":material/summarize:")
        return
    ui.table({"Mission": totals["mission"], "Type": totals["kind"].map(ind.KINDS),
              "Lignes": totals["lines"],
              "Temps": [ind.quantity_fr(k, q) for k, q in zip(totals["kind"], totals["quantity"],
                                                              strict=True)],
              "Montant": totals["amount_cents"].map(euros),
              "Dont validé": totals["validated_cents"].map(euros)})
    if not capped.empty:
        st.write(f"**Au-delà du plafond de {euros(rules.cap_cents)}**")
        ui.table({"Professionnel": capped["name"],
                  "Total de l'année": capped["amount_cents"].map(euros)})
    st.download_button("Classeur XLSX de l'année", lambda: papers.year_workbook(store, year),
                       file_name=f"indemnisations-{year}.xlsx", mime=XLSX_MIME,
                       icon=":material/table:", on_click="ignore")


# Read once, for the figures and the summary.
totals, capped = ind.totals(store, year), ind.over_cap(store, year)
figures()
tabs = (["À indemniser"] if prepares else []) + ["Relevés"] + \
    (["Saisie"] if prepares else []) + ["Taux et plafond", "Synthèse"]
shown = dict(zip(tabs, st.tabs(tabs), strict=True))
if prepares:
    with shown["À indemniser"]:
        to_pay()
    with shown["Saisie"]:
        typed_line()
with shown["Relevés"]:
    statement_list()
with shown["Taux et plafond"]:
    rates()
with shown["Synthèse"]:
    summary()
