"""Dirigeants: the bureau and the conseil d'administration on a day, as the préfecture asks
for them (printable, XLSX), the details the directory lacks, and the changes of the
board still to declare (within three months)."""

from datetime import date

import streamlit as st

from portal import ui
from portal.core.exports import DOCX_MIME, XLSX_MIME, xlsx_bytes
from portal.core.formats import date_fr
from portal.meetings import officers

actor = ui.require_access("officers")
store = ui.store()
editor = actor.has(*officers.EDITORS)
today = date.today()

st.title("Dirigeants")
st.caption("Membres du bureau et du conseil d'administration, tels que la préfecture les "
           "demande (Cerfa 13971). Les mandats se tiennent dans « Instances et quorum ».")


def to_declare() -> None:
    """The changes of the board not marked declared, the late ones first in red."""
    pending = officers.changes(store)
    if not pending:
        st.success("Tous les changements du bureau et du CA sont déclarés.",
                   icon=":material/task_alt:")
        return
    late = [c for c in pending if c.due < today]
    (st.error if late else st.warning)(
        f"{len(pending)} changement(s) à déclarer en préfecture : une association déclare "
        f"tout changement de ses dirigeants dans les trois mois"
        + (f" ; {len(late)} en retard." if late else "."), icon=":material/gavel:")
    event = ui.table({"Date": [date_fr(c.on) for c in pending],
                      "Personne": [c.name for c in pending],
                      "Changement": [c.text for c in pending],
                      "À déclarer avant le": [date_fr(c.due) + (" (en retard)" if c.due < today
                                                                 else "") for c in pending]},
                     on_select="rerun" if editor else "ignore", selection_mode="multi-row",
                     key="to_declare")
    if not editor:
        return
    chosen = [pending[i].key for i in event.selection.rows]
    errors = ui.FieldErrors()
    left, right = st.columns(2)
    declared_on = left.date_input("Déclarés le", today, format="DD/MM/YYYY")
    with left:
        errors.slot("declared_on")
    errors.slot("declared")
    right.write("")
    if right.button(f"Marquer déclarés ({len(chosen)})", disabled=not chosen,
                    icon=":material/done_all:") and \
            errors.attempt(officers.mark_declared, store, actor, chosen, declared_on):
        ui.saved(f"{len(chosen)} changement(s) marqué(s) déclaré(s) le {date_fr(declared_on)}.")


def the_list(on: date) -> None:
    frame = officers.officers(store, on)
    if frame.empty:
        st.info(f"Aucun mandat en cours au {date_fr(on)}."
                + (" Ajoutez-les dans « Instances et quorum »." if editor else ""),
                icon=":material/group_off:")
        return
    if gaps := officers.missing(frame):
        st.caption(f"{gaps} dirigeant(s) à compléter (prénoms, profession, adresse ou "
                   "nationalité manquants)" + (" : formulaire ci-dessous." if editor else "."))
    shown = officers.readable(frame)
    # On screen the function comes before the details, so that it is read whole.
    ui.table(shown[["Nom", "Prénoms", "Fonction", "Profession", "Adresse", "Nationalité"]]
             .fillna("à compléter"))
    stem = f"dirigeants-{on:%Y%m%d}"
    left, right = st.columns(2)
    left.download_button("Liste imprimable (Word)", lambda: officers.officers_docx(store, on),
                         file_name=f"{stem}.docx", mime=DOCX_MIME, icon=":material/print:",
                         on_click="ignore")
    right.download_button("Classeur XLSX", lambda: xlsx_bytes(shown, "Dirigeants"),
                          file_name=f"{stem}.xlsx", mime=XLSX_MIME, icon=":material/table:",
                          on_click="ignore")
    if editor:
        details_form(frame)


def details_form(frame) -> None:
    """What the directory does not hold of a dirigeant."""
    names = {int(r.person_id): " ".join(filter(None, (r.last_name, r.first_names)))
             for r in frame.itertuples()}
    with st.expander("Compléter un dirigeant", icon=":material/edit:"):
        person = st.selectbox("Dirigeant", list(names), format_func=names.get)
        st.caption(frame.set_index("person_id").at[person, "function"])
        known = officers.details(store, person)
        errors = ui.FieldErrors()
        errors.slot("officer")
        with st.form(f"officer_{person}"):
            first_names = st.text_input("Tous les prénoms", known.get("first_names") or "",
                                        max_chars=200)
            nationality = st.text_input("Nationalité", known.get("nationality")
                                        or officers.NATIONALITY, max_chars=100)
            address = st.text_area("Adresse personnelle (domicile)",
                                   known.get("home_address") or "", max_chars=500,
                                   help="Demandée par la préfecture ; lue seulement par le "
                                        "bureau et la coordination.")
            sent = st.form_submit_button("Enregistrer", type="primary")
        if sent and errors.attempt(officers.save_details, store, actor, person, first_names,
                                   nationality, address):
            ui.saved(f"Dirigeant complété : {names[person]}.")


to_declare()
st.subheader("Liste des dirigeants")
on = st.date_input("À la date du", today, format="DD/MM/YYYY")
the_list(on or today)
with st.expander("Changements déjà déclarés", icon=":material/history:"):
    done = [c for c in officers.changes(store, undeclared_only=False) if c.declared_on]
    if not done:
        st.write("Aucun changement déclaré.")
    else:
        ui.table({"Date": [date_fr(c.on) for c in done], "Personne": [c.name for c in done],
                  "Changement": [c.text for c in done],
                  "Déclaré le": [date_fr(c.declared_on) for c in done]})
