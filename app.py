"""Entry point and only router: checks, migrations, login, then the menu of the user's roles.

`streamlit run app.py` (or `make run`). st.navigation runs on every run, even
for a visitor (who gets the login page only), so no page is ever auto-discovered and a
page not allowed for a role does not exist for that user.

The entry script sits at the root and the pages in portal/pages/: a pages/ folder beside
it would put Streamlit in its legacy multipage mode for the first run of each process,
running page files without this one.
"""

import gc
from pathlib import Path

import streamlit as st

from portal import ui
from portal.accounts import users
from portal.admin import backups, demo
from portal.core import reference, settings
from portal.core.db import Store
from portal.core.errors import DatabaseUnusable
from portal.core.formats import md_escape
from portal.core.roles import labels
from portal.ui import navigation, session


@st.cache_resource(show_spinner=False)
def start(db_path: str, backup_dir: str, kept: int, max_age_hours: float,
          files_dir: str) -> None:
    """Once per process and database: refuse a damaged file, migrate, load the reference
    lists if they changed, back up if due, warn in the server log if the network reaches
    the portal in clear. Then what is alive (modules, libraries) is frozen out of the
    garbage collector, whose full passes would otherwise walk it again every few runs."""
    store = Store(db_path)
    store.migrate()
    reference.sync(store)
    backups.backup_if_due(store, Path(backup_dir), max_age_hours, kept, Path(files_dir))
    if warning := ui.in_clear_warning():
        ui.LOG.warning(warning)
    gc.freeze()


def stop_with(message: str) -> None:
    st.error(message, icon=":material/block:")
    st.stop()


def st_page(entry: navigation.PageEntry) -> st.Page:
    return st.Page(navigation.path(entry.key), title=entry.title, icon=entry.icon,
                   url_path=entry.key, default=entry.key == navigation.DEFAULT,
                   visibility="hidden" if entry.hidden else "visible")


def sidebar(store: Store, actor) -> None:
    user = users.get_user(store, actor.username)
    st.sidebar.caption(f"{md_escape(user['name'])} · {labels(actor.roles)}")
    if demo.is_loaded(store):
        st.sidebar.warning("Données de démonstration : CPTS fictive.", icon=":material/science:")


st.set_page_config(page_title="Portail CPTS", page_icon=":material/health_and_safety:",
                   layout="wide")
ui.refuse_framing()
config = settings.load()
if not config.cookie_key_ok:
    stop_with("Le portail refuse de démarrer sans clé secrète pour les cookies de connexion. "
              "Lancez `python -m portal init` (ou `make run`) : il la génère dans "
              f"{config.secrets_path}.")
try:
    start(str(config.db_path), str(config.backup_dir), config.backups_kept,
          config.backup_max_age_hours, str(config.files_dir))
except DatabaseUnusable as error:
    stop_with(error.message)
store = Store(config.db_path)

if not users.has_admin(store):
    st.navigation([st.Page(navigation.path("first_run"), title="Premier lancement",
                           icon=":material/rocket_launch:")]).run()
    st.stop()

authenticator = session.build(store, config)
session.refuse_revoked_cookie(store, config)
def logout_button() -> None:
    authenticator.logout("Se déconnecter", "sidebar", key="logout_button",
                         callback=session.on_logout(store))


# Drawn before the login check, so that its click logs out before anything else runs.
was_logged_in = bool(st.session_state.get("authentication_status"))
if was_logged_in:
    logout_button()
heading = st.empty()
if not st.session_state.get("authentication_status"):
    heading.title(store.get_setting("cpts_name") or "Portail CPTS")
# Before st.navigation, so that a reload logs in from the cookie and stays on its page.
authenticator.login(location="main", fields=session.FIELDS, key="login")
actor = session.current_actor(authenticator, store, config)
if actor is not None:
    heading.empty()
    if not was_logged_in:  # logged in by this very run (form or cookie): no rerun needed
        logout_button()

if actor is None:
    st.navigation([st.Page(navigation.path("login"), title="Connexion", icon=":material/login:")],
                  position="hidden").run()
    st.stop()

user = users.get_user(store, actor.username)
if user["must_change_password"]:
    # A password set by an admin is temporary: nothing else opens until it is changed.
    pages = [st_page(navigation.BY_KEY["account"])]
else:
    pages = {section: [st_page(e) for e in entries]
             for section, entries in navigation.menu(actor.roles).items()}
sidebar(store, actor)
ui.keyboard_order()
ui.show_saved()
ui.run_page(st.navigation(pages, expanded=True))
