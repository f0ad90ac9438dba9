"""Utilisateurs (admin): accounts, roles, temporary passwords, locks, deactivation."""

import pandas as pd
import streamlit as st

from portal import ui
from portal.accounts import login, users
from portal.core import roles
from portal.core.errors import PortalError
from portal.core.formats import datetime_fr

actor = ui.require_access("users")
store = ui.store()
config = ui.config()

st.title("Utilisateurs")
TEMPORARY = "temporary_password"


def show_temporary(username: str, password: str) -> None:
    st.success(f"Mot de passe temporaire de {username}, à transmettre de vive voix ou par un "
               "canal sûr ; il ne sera plus affiché. Son titulaire devra le changer à sa "
               "première connexion.", icon=":material/key:")
    st.code(password, language=None)


# A new account's temporary password, shown once on the run after its creation.
if shown := st.session_state.pop(TEMPORARY, None):
    show_temporary(*shown)

listing = users.list_users(store)
table = listing.assign(
    roles=listing["roles"].fillna("").map(lambda r: roles.labels(r.split(","))),
    active=listing["active"].map({1: "Oui", 0: "Non"}),
    must_change_password=listing["must_change_password"].map({1: "Oui", 0: ""}),
    locked_until=listing["locked_until"].map(datetime_fr),
    last_login_at=listing["last_login_at"].map(datetime_fr),
)[["username", "name", "email", "roles", "active", "locked_until", "last_login_at",
   "must_change_password"]]
ui.table(table.rename(columns={
    "username": "Identifiant", "name": "Nom", "email": "E-mail", "roles": "Rôles",
    "active": "Actif", "locked_until": "Verrouillé jusqu'au",
    "last_login_at": "Dernière connexion",
    "must_change_password": "Mot de passe temporaire",
}))

with st.expander("Créer un compte", icon=":material/person_add:"):
    errors = ui.FieldErrors()
    with st.form(ui.form_key("create_user")):
        identity = ui.identity_inputs(errors)
        chosen = ui.multiselect("Rôles", list(roles.ROLES), format_func=roles.ROLES.get,
                                placeholder="Choisir…")
        errors.slot("roles")
        submitted = st.form_submit_button("Créer le compte", type="primary")
    errors.slot(None)
    if submitted:
        try:
            _, password = users.create_user(store, actor, identity["username"], identity["name"],
                                            identity["email"], chosen, config.bcrypt_rounds)
        except PortalError as error:
            errors.show(error)
        else:
            username = users.normalize_username(identity["username"])
            st.session_state[TEMPORARY] = (username, password)
            ui.saved(f"Compte {username} créé.", reset="create_user")

if listing.empty:
    st.stop()

st.subheader("Gérer un compte")
by_id = {int(r.id): r for r in listing.itertuples()}
user_id = st.selectbox("Compte", list(by_id),
                       format_func=lambda i: f"{by_id[i].name} ({by_id[i].username})")
user = by_id[user_id]
held = user.roles.split(",") if user.roles else []

left, right = st.columns(2)
with left:
    errors = ui.FieldErrors()
    linked = int(user.person_id) if pd.notna(user.person_id) else None
    person = ui.person_search(store, actor, "Fiche de l'annuaire", f"account_person_{user_id}",
                              value=linked)
    st.caption("La personne de l'annuaire titulaire de ce compte : un membre voit alors les "
               "réunions auxquelles il est invité.")
    errors.slot("person_id")
    with st.form(f"profile_{user_id}"):
        identity = ui.identity_inputs(errors, user.name, user.email, username=False)
        chosen = ui.multiselect("Rôles", list(roles.ROLES), default=held,
                                format_func=roles.ROLES.get, placeholder="Choisir…")
        errors.slot("roles")
        saved = st.form_submit_button("Enregistrer")
    errors.slot(None)
    if saved:
        try:
            users.save_account(store, actor, user_id, identity["name"], identity["email"],
                               chosen, person)
        except PortalError as error:
            errors.show(error)
        else:
            ui.saved("Compte enregistré.")

with right:
    if isinstance(user.locked_until, str):
        st.warning(f"Compte verrouillé jusqu'au {datetime_fr(user.locked_until)} "
                   "après des essais manqués.", icon=":material/lock:")
        if st.button("Déverrouiller maintenant", icon=":material/lock_open:"):
            login.unlock(store, actor, user_id)
            ui.saved("Compte déverrouillé.")

    with st.form(f"reset_{user_id}"):
        st.write("**Réinitialiser le mot de passe**")
        st.caption("Un mot de passe temporaire est créé ; les sessions ouvertes sont fermées.")
        confirmed = st.checkbox("Je confirme la réinitialisation")
        if st.form_submit_button("Réinitialiser"):
            if confirmed:
                show_temporary(user.username, users.reset_password(store, actor, user_id,
                                                                   config.bcrypt_rounds))
            else:
                st.error("Cochez la case pour confirmer.")

    active = bool(user.active)
    with st.form(f"active_{user_id}"):
        st.write("**Désactiver le compte**" if active else "**Réactiver le compte**")
        st.caption("Un compte désactivé ne peut plus se connecter ; ses sessions sont fermées "
                   "et son historique est conservé." if active else
                   "Le compte pourra de nouveau se connecter.")
        confirmed = st.checkbox("Je confirme")
        if st.form_submit_button("Désactiver" if active else "Réactiver"):
            if not confirmed:
                st.error("Cochez la case pour confirmer.")
            else:
                try:
                    users.set_active(store, actor, user_id, not active)
                except PortalError as error:
                    ui.refuse(error)
                else:
                    ui.saved("Compte désactivé : ses sessions sont fermées." if active
                             else "Compte réactivé.")

with st.expander("Dernières tentatives de connexion", icon=":material/login:"):
    attempts = login.recent_login_attempts(store)
    outcomes = {"success": "Réussie", "failure": "Mot de passe erroné", "unknown":
                "Identifiant inconnu", "locked": "Compte verrouillé", "inactive":
                "Compte désactivé", "unlock": "Déverrouillage par un administrateur"}
    ui.table(attempts.assign(at=attempts["at"].map(datetime_fr),
                             outcome=attempts["outcome"].map(outcomes))
             .rename(columns={"at": "Date", "username": "Identifiant saisi",
                              "outcome": "Résultat"}))
