"""Premier lancement: create the first administrator, or load the demo CPTS.

Shown only while no administrator exists; once one does, it is gone for good.
"""

import streamlit as st

from portal import auth, demo, ui
from portal.errors import PortalError

st.title("Bienvenue sur le Portail CPTS")
st.write("Aucun compte n'existe encore. Créez le premier administrateur : il pourra "
         "ensuite créer les comptes des membres du bureau, de la coordination et des membres.")

config = ui.config()
store = ui.store()
errors = ui.FieldErrors()
with st.form("first_admin"):
    st.subheader("Premier administrateur")
    identity = ui.identity_inputs(errors)
    password, confirm = ui.new_password_inputs(errors)
    submitted = st.form_submit_button("Créer l'administrateur", type="primary")
errors.slot(None)
if submitted and errors.attempt(auth.create_first_admin, store, identity["username"],
                                identity["name"], identity["email"], password, confirm,
                                config.bcrypt_rounds):
    st.rerun()

st.divider()
st.subheader("Ou découvrir le portail")
st.write("Chargez une CPTS fictive (autour de Gien, dans le Loiret et le Cher) avec des comptes "
         "de chaque rôle. Les données de démonstration sont signalées sur chaque page ; "
         "n'en chargez pas dans le portail réel de votre CPTS.")
if st.button("Charger la CPTS de démonstration", icon=":material/science:"):
    try:
        demo.load(store, config.bcrypt_rounds)
    except PortalError as error:
        ui.refuse(error)
    else:
        st.rerun()
