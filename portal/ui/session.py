"""The logged-in session in the browser.

streamlit-authenticator draws the login form and keeps the login cookie; the rules are
ours (portal.accounts.login): passwords checked with lockout and even timing, cookies refused
once revoked, roles read from the database on every run, never from the session.
"""

from __future__ import annotations

import sys
import time

import extra_streamlit_components as stx
import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.models import cookie_model

from ..accounts import login, users
from ..core.db import Store
from ..core.errors import Busy
from ..core.roles import Actor
from ..core.settings import Settings

FAILURE = ("Identifiant ou mot de passe incorrect. Après 5 essais manqués, le compte est "
           "verrouillé 15 minutes.")
ENDED = ("Votre session a été fermée (déconnexion, changement de mot de passe ou compte "
         "désactivé). Reconnectez-vous.")
FIELDS = {"Form name": "Connexion", "Username": "Identifiant", "Password": "Mot de passe",
          "Login": "Se connecter"}
EXPIRED = ("Votre session a expiré : {why}. Reconnectez-vous ; ce qui était enregistré "
           "l'est toujours.")
SESSION_KEYS = ("actor", "auth_at", "seen_at")


class CookieWriter(stx.CookieManager):
    """The library's cookie component, drawn only when the login cookie is set or
    deleted. Its stock version draws itself on every run to read the cookies, then
    reports them, which ran every page a second time and delayed the login page's first
    paint; the cookies are read from the request instead (st.context.cookies), as the
    library's own get_cookie already does."""

    def __init__(self, key: str = "init"):
        self.cookie_manager = sys.modules[stx.CookieManager.__module__]._component_func
        self.cookies = dict(st.context.cookies)

    def set(self, cookie, val, **options):
        """Marked Secure when the page came over HTTPS (through the proxy): the browser
        then never sends it in clear. Over plain HTTP on this machine, a Secure cookie
        would not be kept at all."""
        secure = (st.context.url or "").startswith("https://")
        return super().set(cookie, val, **{"secure": secure or None, **options})


# streamlit-authenticator creates its cookie manager as stx.CookieManager(): give it ours.
cookie_model.stx = type("CookieComponents", (), {"CookieManager": CookieWriter})


def build(store: Store, config: Settings) -> stauth.Authenticate:
    """The library's object for this run, with our password check in place of its own."""
    authenticator = stauth.Authenticate(
        login.credentials(store), config.cookie_name, config.cookie_key,
        config.cookie_expiry_days, auto_hash=False,
        # The library waits 0.7 s for its cookie component; we read cookies from the request.
        login_sleep_time=0,
    )
    model = authenticator.authentication_controller.authentication_model
    model.check_credentials = lambda username, password: check_password(
        store, username, password, config)
    cookies = authenticator.cookie_controller.cookie_model
    cookies._token_encode = lambda: encode_cookie(
        st.session_state["username"], cookies.exp_date, config.cookie_key)
    st.session_state["_authenticator"] = authenticator
    return authenticator


def check_password(store: Store, username: str, password: str, config: Settings) -> bool:
    """Our check behind the library's form; a busy database is said as such, not as a
    wrong password (the login page shows the notice)."""
    try:
        return login.verify_login(store, username, password, config.bcrypt_rounds).ok
    except Busy as error:
        st.session_state["login_notice"] = error.message
        return False


def encode_cookie(username: str, expires: float, key: str, issued: float | None = None) -> str:
    """The login cookie's token: the library's {username, exp_date} and the instant it
    was issued ("iat"). Without it the issue could only be guessed from the expiry and
    today's lifetime, and lowering that lifetime made revoked cookies look new."""
    payload = {"username": username, "exp_date": expires, "iat": issued or time.time()}
    return jwt.encode(payload, key, algorithm="HS256")


def decode_cookie(raw: str | None, key: str) -> dict | None:
    """A token of ours, signed, unexpired and dated, or None."""
    if not raw:
        return None
    try:
        token = jwt.decode(raw, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if "username" not in token or token.get("exp_date", 0) <= time.time():
        return None
    if not isinstance(token.get("iat"), int | float):
        return None  # issued before tokens were dated: log in again
    token["issued_at"] = token["iat"]
    return token


def cookie_token(config: Settings) -> dict | None:
    """The request's login cookie, decoded (see decode_cookie)."""
    return decode_cookie(st.context.cookies.get(config.cookie_name), config.cookie_key)


def refuse_revoked_cookie(store: Store, config: Settings) -> None:
    """Before the library reads the cookie: make it ignore one that was revoked."""
    if st.session_state.get("authentication_status"):
        return
    raw = st.context.cookies.get(config.cookie_name)
    token = decode_cookie(raw, config.cookie_key)
    if raw and not (token and login.token_valid(store, token["username"], token["issued_at"])):
        # The library's own flag for "do not log in from the cookie in this session".
        st.session_state["logout"] = True


def _forget() -> None:
    for key in SESSION_KEYS:
        st.session_state.pop(key, None)


def on_logout(store: Store):
    """The logout button's callback: every cookie of this user issued so far dies."""
    def callback(details: dict) -> None:
        if details.get("username"):
            login.revoke_tokens(store, Actor(details["username"], frozenset()))
        _forget()
    return callback


def current_actor(authenticator: stauth.Authenticate, store: Store,
                  config: Settings) -> Actor | None:
    """The logged-in user with roles from the database, or None (and the session ended
    if an admin or the user revoked it meanwhile)."""
    if not st.session_state.get("authentication_status"):
        _forget()
        return None
    username = st.session_state["username"]
    if "auth_at" not in st.session_state:
        token = cookie_token(config)
        from_cookie = token and token["username"] == username
        st.session_state["auth_at"] = token["issued_at"] if from_cookie else time.time()
    user = users.get_user(store, username)
    if user is None or not login.token_valid(store, username, st.session_state["auth_at"]):
        return _end(authenticator, ENDED)
    if why := expired(st.session_state.get("seen_at"), st.session_state["auth_at"], config):
        return _end(authenticator, EXPIRED.format(why=why))
    st.session_state["seen_at"] = time.time()
    actor = Actor(user["username"], frozenset(user["roles"]))
    st.session_state["actor"] = actor
    return actor


def expired(seen_at: float | None, auth_at: float, config: Settings,
            now: float | None = None) -> str | None:
    """Why a session may not go on, in French, or None: no click for the idle time
    (an open tab on a shared desk), or a login older than the cookie's lifetime."""
    now = now or time.time()
    if seen_at is not None and now - seen_at > config.idle_minutes * 60:
        return f"aucune action depuis plus de {config.idle_minutes:g} minutes"
    if now - auth_at > config.cookie_expiry_days * 86400:
        return f"la connexion date de plus de {config.cookie_expiry_days:g} jour(s)"
    return None


def _end(authenticator: stauth.Authenticate, message: str) -> None:
    """Log this session out (its cookie with it) and tell the login page why."""
    authenticator.logout(location="unrendered")
    _forget()
    st.session_state["session_ended"] = message


def keep_after_password_change(revoked_at: float) -> None:
    """The user changed their password here: this session and a fresh cookie stay valid."""
    st.session_state["auth_at"] = revoked_at
    authenticator = st.session_state.get("_authenticator")
    if authenticator is not None:
        authenticator.cookie_controller.set_cookie()
