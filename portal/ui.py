"""What every page needs from Streamlit: the store, the acting user, the access check,
errors shown next to their field. UI only: rules live in the services.
"""

from __future__ import annotations

import streamlit as st

from . import navigation, settings
from .db import Store
from .errors import PortalError
from .roles import Actor


def config() -> settings.Settings:
    return settings.load()


def store() -> Store:
    return Store(config().db_path)


def actor() -> Actor | None:
    """The logged-in user, set by the entry point on every run from the database."""
    return st.session_state.get("actor")


def require_access(key: str) -> Actor:
    """Stop the page unless the user's roles open it: pages check again, not only the menu."""
    entry = navigation.BY_KEY[key]
    user = actor()
    if user is None or not navigation.allowed(entry, user.roles):
        st.error("Accès refusé : cette page n'est pas ouverte à votre rôle.")
        st.stop()
    return user


class FieldErrors:
    """Places under a form's fields where a PortalError shows, next to its field.

    Call `slot(field)` right after each widget, `slot(None)` once for errors that belong
    to no field, then `show(error)` when the service refuses the input.
    """

    def __init__(self):
        self.slots = {}

    def slot(self, field: str | None) -> None:
        self.slots[field] = st.empty()

    def show(self, error: PortalError) -> None:
        target = self.slots.get(error.field) or self.slots.get(None)
        (target or st).error(error.message, icon=":material/error:")


def identity_inputs(errors: FieldErrors, name: str = "", email: str = "",
                    username: bool = True) -> dict:
    """Name, e-mail and (for a new account) username fields, each with its error slot."""
    values = {"name": st.text_input("Nom et prénom", value=name, max_chars=120)}
    errors.slot("name")
    values["email"] = st.text_input("Adresse e-mail", value=email, max_chars=254)
    errors.slot("email")
    if username:
        values["username"] = st.text_input("Identifiant", max_chars=32,
                                           help="ex. : marie.martin")
        errors.slot("username")
    return values


def new_password_inputs(errors: FieldErrors, label: str = "Mot de passe") -> tuple[str, str]:
    """A new password typed twice, each with its error slot."""
    password = st.text_input(label, type="password", max_chars=64,
                             help="12 à 64 caractères ; évitez les mots de passe courants. "
                                  "Plusieurs mots sans rapport entre eux font un bon choix.")
    errors.slot("password")
    confirm = st.text_input(f"Confirmez le {label[0].lower()}{label[1:]}", type="password",
                            max_chars=64)
    errors.slot("confirm")
    return password, confirm
