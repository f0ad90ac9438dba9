"""Mon compte: my details, my membership of the association (fees paid, receipts), my
indemnity statements, and changing my password (which closes my other sessions)."""

import streamlit as st

from portal import ui
from portal.accounts import users
from portal.association import indemnities, memberships
from portal.core.errors import PortalError
from portal.core.formats import date_fr, datetime_fr, euros, md_escape
from portal.core.roles import labels
from portal.meetings import schedule
from portal.ui import session

actor = ui.require_access("account")
store = ui.store()
config = ui.config()
user = users.get_user(store, actor.username)

st.title("Mon compte")
if user["must_change_password"]:
    st.warning("Votre mot de passe est temporaire : choisissez-en un nouveau pour accéder "
               "au portail.", icon=":material/key:")

st.text(f"Nom : {user['name']}\nIdentifiant : {user['username']}\nE-mail : {user['email']}\n"
        f"Rôles : {labels(user['roles'])}\n"
        f"Dernière connexion : {datetime_fr(user['last_login_at']) or 'jamais'}")


def my_membership(person_id: int) -> None:
    mine = memberships.of_person(store, person_id)
    if not mine:
        st.write("Aucune adhésion enregistrée à votre nom.")
        return
    for membership in mine:
        st.write(md_escape(
            f"{membership['year']} · {membership['college']} · cotisation "
            f"{euros(membership['due_cents']) or 'à fixer'} · payé "
            f"{euros(membership['paid_cents'])} · {memberships.STATUSES[membership['status']]}"))
        for payment in membership["payments"]:
            if payment["cancelled_at"]:
                continue
            left, right = st.columns([3, 1])
            left.caption(f"Reçu n° {payment['receipt_number']} : "
                         f"{euros(payment['amount_cents'])} le {date_fr(payment['paid_on'])}")
            ui.receipt_button(store, payment, right)


def my_statements(person_id: int) -> None:
    """The validated statements of what the CPTS pays me for my time."""
    mine = indemnities.of_person(store, person_id)
    if mine.empty:
        return
    st.subheader("Mes relevés d'indemnisation")
    for statement in mine.to_dict("records"):
        left, right = st.columns([3, 1])
        left.write(f"Relevé n° {statement['number']} : du {date_fr(statement['first_day'])} au "
                   f"{date_fr(statement['last_day'])}, {euros(statement['amount_cents'])}")
        ui.statement_button(store, statement, right)


if (person := schedule.account_person(store, actor)) is not None:
    st.subheader("Mon adhésion à la CPTS")
    my_membership(person)
    my_statements(person)

st.subheader("Changer mon mot de passe")
errors = ui.FieldErrors()
with st.form("change_password", clear_on_submit=False):
    current = st.text_input("Mot de passe actuel", type="password", max_chars=64)
    errors.slot("current")
    new, confirm = ui.new_password_inputs(errors, "Nouveau mot de passe")
    submitted = st.form_submit_button("Changer le mot de passe", type="primary")
errors.slot(None)
if submitted:
    try:
        revoked_at = users.change_password(store, actor, current, new, confirm,
                                           config.bcrypt_rounds)
    except PortalError as error:
        errors.show(error)
    else:
        session.keep_after_password_change(revoked_at)
        st.success("Mot de passe changé. Vos autres sessions ont été fermées.",
                   icon=":material/check_circle:")
        if user["must_change_password"]:
            st.button("Accéder au portail", type="primary")
