"""Contrat (admin): signature date, complementary missions signed, CPTS size; the
deadlines that follow."""

import streamlit as st

from portal import ui
from portal.core.errors import PortalError
from portal.core.formats import date_fr
from portal.missions import aci

actor = ui.require_access("contract")
store = ui.store()

st.title("Contrat (ACI)")
contract = aci.contract(store)
all_missions = aci.all_missions(store)
complementary = {m["code"]: m["title"] for m in all_missions if m["kind"] == "complementaire"}
suggested = aci.suggested_size(store)

errors = ui.FieldErrors()
with st.form("contract"):
    signed = st.checkbox("Le contrat est signé", value=contract.signed_on is not None)
    signed_on = st.date_input("Date de signature", value=contract.signed_on, format="DD/MM/YYYY")
    errors.slot("signed_on")
    chosen = ui.multiselect("Missions complémentaires retenues", list(complementary),
                            default=sorted(contract.complementary), format_func=complementary.get,
                            placeholder="Choisir…")
    errors.slot("complementary")
    size = st.selectbox(
        "Taille de la CPTS", [1, 2, 3, 4],
        index=(contract.size or suggested or 1) - 1,
        help="Selon la population couverte : moins de 40 000 habitants, 1 ; 40 000 à 80 000, 2 ; "
             "80 000 à 175 000, 3 ; au-delà, 4.")
    if suggested:
        st.caption(f"Taille suggérée d'après la population du territoire : {suggested}.")
    errors.slot("size")
    submitted = st.form_submit_button("Enregistrer", type="primary")
errors.slot(None)
if submitted:
    if signed and signed_on is None:
        errors.show(PortalError("Indiquez la date de signature.", field="signed_on"))
    else:
        try:
            aci.save_contract(store, actor, signed_on if signed else None, chosen, size)
        except PortalError as error:
            errors.show(error)
        else:
            st.success("Contrat enregistré.", icon=":material/check_circle:")
            contract = aci.contract(store)

st.subheader("Échéances")
if contract.signed_on is None:
    st.info("Renseignez la date de signature pour calculer les échéances.",
            icon=":material/event:")
else:
    dates = {d.mission: d for d in aci.deadlines(contract.signed_on, all_missions)}
    ui.table([{
        "Mission": m["title"],
        "Démarrage au plus tard": date_fr(dates[m["code"]].start_by) or "selon le contrat",
        "Déploiement complet au plus tard":
            date_fr(dates[m["code"]].full_by) or "selon le contrat",
    } for m in all_missions if contract.signed(m)])
