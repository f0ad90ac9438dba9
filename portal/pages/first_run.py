"""Premier lancement: create the first administrator, or load the demo CPTS.

Shown only while no administrator exists; once one does, it is gone for good. Opened
from another machine, it asks for the code printed in the server's console, and the demo
(whose password is public) does not load.
"""

import streamlit as st

from portal import ui
from portal.accounts import users
from portal.admin import demo
from portal.core import network
from portal.core.errors import PortalError

st.title("Bienvenue sur le Portail CPTS")
st.write("Aucun compte n'existe encore. Créez le premier administrateur : il pourra "
         "ensuite créer les comptes des membres du bureau, de la coordination et des membres.")

config = ui.config()
store = ui.store()
local = network.is_local(st.get_option("server.address"), st.context.headers)
errors = ui.FieldErrors()

with st.form("first_admin"):
    st.subheader("Premier administrateur")
    if not local:
        network.setup_code()
        code = st.text_input("Code de premier lancement", max_chars=20,
                             help="Le portail est ouvert depuis le réseau : seule la personne "
                                  "qui l'a lancé peut créer son administrateur. Le code est "
                                  "affiché dans la console (ou le journal) du serveur.")
        errors.slot("setup_code")
    identity = ui.identity_inputs(errors)
    password, confirm = ui.new_password_inputs(errors)
    submitted = st.form_submit_button("Créer l'administrateur", type="primary")
errors.slot(None)


def create() -> None:
    """The code first (from the network), then the account."""
    if not local:
        network.check_setup_code(code)
    users.create_first_admin(store, identity["username"], identity["name"], identity["email"],
                             password, confirm, config.bcrypt_rounds)


if submitted and errors.attempt(create):
    st.rerun()

st.divider()
st.subheader("Ou découvrir le portail")
st.write("Chargez une CPTS fictive (autour de Gien, dans le Loiret et le Cher) avec des comptes "
         "de chaque rôle. Les données de démonstration sont signalées sur chaque page ; "
         "n'en chargez pas dans le portail réel de votre CPTS.")
if not local:
    st.info("La démonstration ne se charge que sur la machine du portail (adresse "
            "localhost) ou par la commande `python -m portal demo` : son mot de passe est "
            "public.", icon=":material/lock:")
elif st.button("Charger la CPTS de démonstration", icon=":material/science:"):
    try:
        demo.load(store, config.bcrypt_rounds)
    except PortalError as error:
        ui.refuse(error)
    else:
        st.rerun()
