"""Adhérents: the association's members of a year, by collège; what each owes and paid,
the payments and their receipts; new members, the yearly renewal, the fees."""

from datetime import date

import streamlit as st

from portal import ui
from portal.association import memberships as ms
from portal.core.errors import PortalError
from portal.core.exports import XLSX_MIME, csv_bytes, xlsx_bytes
from portal.core.formats import date_fr, euros, md_escape, number_fr
from portal.directory import organizations

PAGE_SIZE = 50

actor = ui.require_access("members")
store = ui.store()
prepares = actor.has(*ms.EDITORS)
records = actor.has(*ms.TREASURERS)

st.title("Adhérents")
offered = ms.years(store)
year = st.selectbox("Année", offered, index=offered.index(ms.current_year(store)))
first_day, last_day = ms.period(store, year)
if (first_day.month, first_day.day) != ms.YEAR_START:
    st.caption(f"Année d'adhésion {year} : du {date_fr(first_day)} au {date_fr(last_day)}.")
colleges = ms.colleges(store)
closed = ms.closed_years(store)
if year in closed:
    st.info(f"Exercice {year} clos : ses adhésions et ses paiements ne changent plus.",
            icon=":material/lock:")


def figures() -> None:
    counts = ms.counts_by_college(store, year)
    left, middle, right, last = st.columns(4)
    left.metric("Adhérents", number_fr(int(counts["members"].sum())))
    middle.metric("À jour", number_fr(int(counts["up_to_date"].sum())))
    right.metric("Cotisations dues", euros(int(counts["due_cents"].sum())))
    last.metric("Encaissé", euros(int(counts["paid_cents"].sum())))
    ui.table({"Collège": counts["college"], "Adhérents": counts["members"],
              "À jour": counts["up_to_date"], "Dû": counts["due_cents"].map(euros),
              "Encaissé": counts["paid_cents"].map(euros)})


def member_list() -> None:
    left, middle, right = st.columns(3)
    text = left.text_input("Rechercher", placeholder="Nom de la personne ou de la structure",
                           max_chars=100)
    with middle:
        college = ui.choice("Collège", colleges, key="members_college")
    with right:
        status = ui.choice("Statut", ms.STATUSES, key="members_status")
    filters = ms.Filters(year, college, status, text)
    total = ms.count_members(store, filters)
    if not total:
        st.info(f"Aucun adhérent pour {year} avec ces critères." if text or college or status
                else f"Aucun adhérent pour {year} : ajoutez-en, ou renouvelez ceux de "
                     f"{year - 1} (onglet « Renouvellement »).", icon=":material/group_off:")
        return
    offset = ui.page_offset(total, PAGE_SIZE, key="members_page")
    frame = ms.members(store, filters, PAGE_SIZE, offset)
    st.caption(f"{total} adhérent(s). Cliquez sur une ligne pour voir ses paiements.")
    event = ui.table({"Adhérent": frame["name"], "Collège": frame["college"],
                      "Dû": frame["due_cents"].map(euros), "Payé": frame["paid_cents"].map(euros),
                      "Statut": frame["status"].map(ms.STATUSES)},
                     on_select="rerun", selection_mode="single-row", key=f"members_{year}")
    stem = f"adherents-{year}"
    first, second = st.columns(2)
    first.download_button("CSV (Excel)", lambda: csv_bytes(ms.export_frame(store, filters)),
                          file_name=f"{stem}.csv", mime="text/csv",
                          icon=":material/download:", on_click="ignore")
    second.download_button("Classeur XLSX",
                           lambda: xlsx_bytes(ms.export_frame(store, filters), "Adhérents"),
                           file_name=f"{stem}.xlsx", mime=XLSX_MIME, icon=":material/table:",
                           on_click="ignore")
    if event.selection.rows:
        membership(int(frame["id"].iloc[event.selection.rows[0]]))


def membership(membership_id: int) -> None:
    """One member's year: due, paid, the payments with their receipts; a new payment."""
    member = ms.get_membership(store, membership_id)
    st.subheader(md_escape(f"{member['name']} – {member['year']}"))
    st.write(f"Collège : {md_escape(member['college'])} · dû : "
             f"{euros(member['due_cents']) or 'montant à fixer'} · payé : "
             f"{euros(member['paid_cents'])} · {ms.STATUSES[member['status']]}")
    for payment in ms.payments(store, membership_id):
        left, right = st.columns([3, 1])
        state = " (annulé)" if payment["cancelled_at"] else ""
        left.write(md_escape(
            f"Reçu n° {payment['receipt_number']} : {euros(payment['amount_cents'])} le "
            f"{date_fr(payment['paid_on'])}, {ms.METHODS[payment['method']].lower()}"
            + (f" ({payment['reference']})" if payment["reference"] else "") + state))
        ui.receipt_button(store, payment, right)
    if not records or year in closed:
        return
    if member["status"] == "paid":
        st.caption("Cotisation réglée.")
    else:
        payment_form(member)
    cancel_form(member)


def payment_form(member: dict) -> None:
    errors = ui.FieldErrors()
    left_to_pay = (member["due_cents"] or 0) - member["paid_cents"]
    with st.form(f"payment_{member['id']}", clear_on_submit=True):
        st.write("**Enregistrer un paiement**")
        left, middle, right = st.columns(3)
        paid_on = left.date_input("Date du paiement", date.today(), format="DD/MM/YYYY")
        with left:
            errors.slot("paid_on")
        amount = middle.number_input("Montant (EUR)", min_value=0.0, step=1.0, format="%.2f",
                                     value=max(left_to_pay, 0) / 100)
        with middle:
            errors.slot("amount")
        method = right.selectbox("Moyen de paiement", list(ms.METHODS),
                                 format_func=ms.METHODS.get)
        with right:
            errors.slot("method")
        reference = st.text_input("Référence (n° de chèque, de virement, de paiement en ligne)",
                                  max_chars=100)
        errors.slot("reference")
        errors.slot(None)
        sent = st.form_submit_button("Enregistrer le paiement", type="primary",
                                     icon=":material/payments:")
    if sent:
        try:
            _, number = ms.record_payment(store, actor, member["id"], paid_on,
                                          round(amount * 100), method, reference)
        except PortalError as error:
            errors.show(error)
        else:
            ui.saved(f"Paiement enregistré : reçu n° {number}.")


def cancel_form(member: dict) -> None:
    paid = {p["id"]: f"Reçu n° {p['receipt_number']} – {euros(p['amount_cents'])}"
            for p in ms.payments(store, member["id"]) if not p["cancelled_at"]}
    if paid:
        ui.removal("Annuler un paiement", "Paiement enregistré par erreur", paid,
                   lambda p: ms.cancel_payment(store, actor, p),
                   "Paiement annulé (son numéro de reçu reste utilisé).",
                   key=f"cancel_{member['id']}")


def organization_search() -> int | None:
    # Keyed under the new member's form: a saved member leaves the search blank too.
    key = ui.form_key("member_person")
    text = st.text_input("Structure", placeholder="Tapez un nom puis Entrée…", max_chars=100,
                         key=f"{key}_org_text")
    if not text.strip():
        return None
    found, _ = organizations.list_organizations(store, text, limit=20)
    names = dict(zip(found["id"].astype(int), found["name"], strict=True))
    return st.selectbox("Structure trouvée", [None, *names], key=f"{key}_org",
                        format_func=lambda i: "Aucune" if i is None else names[i],
                        placeholder="Aucune")


def new_member() -> None:
    errors = ui.FieldErrors()
    kind = st.radio("Adhérent", ["Une personne", "Une structure"], horizontal=True)
    if kind == "Une personne":
        person = ui.person_search(store, actor, "Personne", ui.form_key("member_person"))
        organization = None
    else:
        person, organization = None, organization_search()
    errors.slot("member")
    college = ui.choice("Collège", colleges, key=ui.form_key("member_college"),
                        empty="Choisir…")
    errors.slot("college")
    if st.button(f"Ajouter pour {year}", type="primary", icon=":material/person_add:") and \
            errors.attempt(ms.add_membership, store, actor, year, college, person,
                           organization):
        ui.saved("Adhérent ajouté.", reset="member_person")


def renewal() -> None:
    waiting = ms.count_members(store, ms.Filters(year - 1))
    if not waiting:
        st.info(f"Aucun adhérent en {year - 1} à renouveler.", icon=":material/event_repeat:")
        return
    st.write(f"Inscrire pour {year} les adhérents de {year - 1}, à la cotisation de {year} "
             "de leur collège ; ceux déjà inscrits pour l'année restent comme ils sont. Rien "
             "n'est payé tant qu'un paiement n'est pas enregistré.")
    college = ui.choice("Collège", colleges, key="renew_college", empty="Tous les collèges")
    confirmed = st.checkbox(f"Je confirme le renouvellement pour {year}", key="renew_ok")
    errors = ui.FieldErrors()
    errors.slot(None)
    if st.button("Renouveler", type="primary", icon=":material/event_repeat:",
                 disabled=not confirmed):
        try:
            made = ms.renew(store, actor, year, college)
        except PortalError as error:
            errors.show(error)
        else:
            ui.saved(f"{made} adhésion(s) {year} créée(s).")


def reminders() -> None:
    """Who to remind, and when: the members of the year not up to date."""
    plan = ms.reminders(store, year)
    coming = plan.next_after(date.today())
    st.write(f"Échéance de la cotisation {year} : {date_fr(plan.due)}. Relances : "
             + ", ".join(date_fr(d) for d in plan.dates)
             + (f" (prochaine : {date_fr(coming)})." if coming else " (toutes passées)."))
    late = ms.count_late(store, year)
    if not late:
        st.success(f"Tous les adhérents {year} sont à jour.", icon=":material/check_circle:")
    else:
        st.caption(f"{late} adhérent(s) pas à jour : les e-mails de relance partiront d'ici "
                   "quand l'envoi sera en place ; en attendant, exportez la liste.")
        offset = ui.page_offset(late, PAGE_SIZE, key="late_page")
        frame = ms.late(store, year, PAGE_SIZE, offset)
        ui.table({"Adhérent": frame["name"], "Collège": frame["college"],
                  "Reste à payer": [euros(None if d is None else d - p) or "à fixer"
                                    for d, p in zip(frame["due_cents"], frame["paid_cents"],
                                                    strict=True)],
                  "Statut": frame["status"].map(ms.STATUSES), "E-mail": frame["email"]})
        first, second = st.columns(2)
        first.download_button("CSV (Excel)", lambda: csv_bytes(ms.late_export(store, year)),
                              file_name=f"relances-{year}.csv", mime="text/csv",
                              icon=":material/download:", on_click="ignore", key="late_csv")
        second.download_button("Classeur XLSX",
                               lambda: xlsx_bytes(ms.late_export(store, year), "Relances"),
                               file_name=f"relances-{year}.xlsx", mime=XLSX_MIME,
                               icon=":material/table:", on_click="ignore", key="late_xlsx")
    errors = ui.FieldErrors()
    with st.form("reminder_plan"):
        left, middle, right = st.columns(3)
        due = left.date_input("Échéance (jour et mois, chaque année)", plan.due,
                              format="DD/MM/YYYY")
        with left:
            errors.slot("due")
        offsets = middle.text_input(
            "Relances (jours avant ou après l'échéance)",
            ", ".join(str((d - plan.due).days) for d in plan.dates),
            help="Par exemple « -15, 0, 15 » : quinze jours avant, le jour même, quinze "
                 "jours après.")
        with middle:
            errors.slot("offsets")
        grace = right.number_input(
            "Délai de grâce (jours)", 0, 365, plan.grace_days,
            help="Un adhérent à jour l'an dernier reste « Membre de la CPTS » ce nombre de "
                 "jours après le début de l'année d'adhésion.")
        with right:
            errors.slot("grace_days")
        starts = st.date_input(
            "Début de l'année d'adhésion (jour et mois, selon les statuts)", first_day,
            format="DD/MM/YYYY", help="Le 1er janvier par défaut : l'année civile.")
        errors.slot("starts")
        sent = st.form_submit_button("Enregistrer les relances")
    if sent and errors.attempt(ms.set_reminders, store, actor, due, offsets, grace, starts):
        ui.saved("Relances enregistrées.")


def payments_export() -> None:
    """The period's payments for the treasurer's books."""
    left, right = st.columns(2)
    first = left.date_input("Du", date(year, 1, 1), format="DD/MM/YYYY", key="paid_from")
    last = right.date_input("Au", date(year, 12, 31), format="DD/MM/YYYY", key="paid_to")
    if first is None or last is None or last < first:
        st.error("Indiquez une période dont la fin suit le début.", icon=":material/error:")
        return
    summary = ms.payments_summary(store, first, last)
    st.write(f"{summary['count']} paiement(s) du {date_fr(first)} au {date_fr(last)} : "
             f"{euros(summary['cents'])} (paiements annulés non comptés).")
    stem = f"paiements-{first:%Y%m%d}-{last:%Y%m%d}"
    one, two = st.columns(2)
    one.download_button("CSV (Excel)", lambda: csv_bytes(ms.payments_between(store, first, last)),
                        file_name=f"{stem}.csv", mime="text/csv", icon=":material/download:",
                        on_click="ignore", key="payments_csv")
    two.download_button("Classeur XLSX",
                        lambda: xlsx_bytes(ms.payments_between(store, first, last), "Paiements"),
                        file_name=f"{stem}.xlsx", mime=XLSX_MIME, icon=":material/table:",
                        on_click="ignore", key="payments_xlsx")


def fees() -> None:
    set_for = ms.fees(store, year)
    ui.table({"Collège": list(colleges.values()),
              "Cotisation": [euros(set_for.get(c, {}).get("fee_cents")) or "non fixée"
                             for c in colleges],
              "Par professionnel (structures)": [
                  euros(set_for.get(c, {}).get("per_professional_cents")) for c in colleges]})
    errors = ui.FieldErrors()
    with st.form("fee"):
        left, middle, right = st.columns(3)
        college = left.selectbox("Collège", list(colleges), format_func=colleges.get)
        fee = middle.number_input("Cotisation (EUR)", min_value=0.0, step=1.0, format="%.2f",
                                  value=10.0)
        with middle:
            errors.slot("fee")
        per = right.number_input("Par professionnel de la structure (EUR)", min_value=0.0,
                                 step=1.0, format="%.2f", value=0.0)
        with right:
            errors.slot("per_professional")
        errors.slot(None)
        sent = st.form_submit_button(f"Enregistrer la cotisation {year}")
    if sent and errors.attempt(ms.set_fee, store, actor, college, year, round(fee * 100),
                               round(per * 100)):
        ui.saved(f"Cotisation {year} enregistrée.")
    closing()


def closing() -> None:
    """Once the accounts of a year are approved, the treasurer closes it."""
    if year in closed:
        return
    if not records:
        st.caption(f"La trésorerie clôt l'exercice {year} une fois ses comptes approuvés.")
        return
    with st.expander(f"Clôturer l'exercice {year}", icon=":material/lock:"):
        st.write(f"Après la clôture, les adhésions, cotisations et paiements de {year} ne "
                 "changent plus (ni nouveau paiement, ni annulation).")
        errors = ui.FieldErrors()
        errors.slot("close")
        sure = st.checkbox(f"Je confirme la clôture de l'exercice {year}", key="close_ok")
        if st.button("Clôturer", disabled=not sure, icon=":material/lock:") and \
                errors.attempt(ms.close_year, store, actor, year):
            ui.saved(f"Exercice {year} clos.")


figures()
tabs = ["Adhérents"] + (["Nouvel adhérent", "Renouvellement", "Relances", "Paiements",
                         "Cotisations"] if prepares else [])
shown = st.tabs(tabs)
with shown[0]:
    member_list()
if prepares:
    with shown[1]:
        new_member()
    with shown[2]:
        renewal()
    with shown[3]:
        reminders()
    with shown[4]:
        payments_export()
    with shown[5]:
        fees()
