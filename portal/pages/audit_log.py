"""Journal des modifications (admin): who changed what, and who viewed patients'
identities; filtered, paginated, exportable."""

from datetime import date, timedelta

import streamlit as st

from portal import ui
from portal.admin import journal
from portal.core import audit
from portal.core.exports import csv_bytes

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
JOURNALS = {"audit_log": "Modifications", "access_log": "Consultations des données patients"}
CAPTIONS = {
    "audit_log": "Chaque création, modification ou suppression est enregistrée ici, avec son "
                 "auteur et les valeurs avant et après. Les mots de passe n'y figurent jamais.",
    "access_log": "Chaque ouverture d'une demande de médecin traitant, et chaque affichage de "
                  "la file d'attente (avec les numéros des demandes listées), est enregistré "
                  "ici : qui a vu l'identité de quel patient, et quand."}
WHAT = {"audit_log": "modification(s)", "access_log": "consultation(s)"}

actor = ui.require_access("audit_log")
store = ui.store()

st.title("Journal des modifications")
table = st.segmented_control("Journal", list(JOURNALS), format_func=JOURNALS.get,
                             default="audit_log", key="journal") or "audit_log"
st.caption(CAPTIONS[table])

columns = st.columns(5)
username = columns[0].selectbox("Utilisateur", [None, *audit.usernames(store, table)],
                                format_func=lambda u: "Tous" if u is None else u)
entity = columns[1].selectbox("Élément", [None, *audit.entities(store, table)],
                              format_func=lambda e: "Tous" if e is None
                              else audit.ENTITIES.get(e, e))
record = columns[2].text_input("N° de l'élément", max_chars=20,
                               help="Par exemple le numéro d'une demande de patient.")
start = columns[3].date_input(
    "Du", value=date.today() - timedelta(days=30), format="DD/MM/YYYY")
end = columns[4].date_input("Au", value=date.today(), format="DD/MM/YYYY")
if start and end and start > end:
    st.error("La date de début est après la date de fin.")
    st.stop()

filters = audit.Filters(username=username, entity=entity, start=start, end=end,
                        record=record.strip() or None)
total = audit.count(store, filters, table)
if total == 0:
    st.info("Rien dans ce journal pour ces filtres.", icon=":material/filter_alt_off:")
    st.stop()

offset = ui.page_offset(total, PAGE_SIZE)
st.caption(f"{total} {WHAT[table]}.")
frame = audit.page(store, filters, PAGE_SIZE, offset, table)
ui.journal_table(store, frame)

st.download_button(
    "Exporter en CSV",
    data=lambda: csv_bytes(journal.readable(
        store, audit.page(store, filters, EXPORT_LIMIT, table=table), links=False)),
    file_name=f"{'journal' if table == 'audit_log' else 'consultations'}-"
              f"{date.today():%Y%m%d}.csv", mime="text/csv",
    icon=":material/download:",
    help=f"Toutes les lignes filtrées ({min(total, EXPORT_LIMIT)}), séparateur « ; ».",
    on_click="ignore")
