"""Connexion: below the login form drawn by the entry point, what a visitor needs to know."""

import streamlit as st

from portal import ui
from portal.admin import demo
from portal.core import roles
from portal.ui import session

if ended := st.session_state.pop("session_ended", None):
    st.warning(ended, icon=":material/logout:")
elif notice := st.session_state.pop("login_notice", None):
    st.warning(notice, icon=":material/hourglass_top:")
elif st.session_state.get("authentication_status") is False:
    st.error(session.FAILURE, icon=":material/error:")

st.caption("Accès réservé aux membres de la CPTS. Mot de passe oublié : "
           "demandez à un administrateur du portail de le réinitialiser.")

store = ui.store()
if demo.is_loaded(store):
    with st.expander("Comptes de démonstration", expanded=True, icon=":material/science:"):
        st.write(f"Mot de passe commun : `{demo.PASSWORD}`")
        # A plain table: the interactive one would load its grid's script before the login
        # page could settle. The demo's own accounts, no user text.
        st.table([{"Identifiant": a["username"], "Nom": a["name"],
                   "Rôles": roles.labels(a["roles"])} for a in demo.accounts()],
                 hide_index=True)
