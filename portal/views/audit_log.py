"""Journal des modifications (admin): who changed what, filtered, paginated, exportable."""

from datetime import date, timedelta

import streamlit as st

from portal import audit, ui
from portal.exports import csv_bytes

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000

actor = ui.require_access("audit_log")
store = ui.store()

st.title("Journal des modifications")
st.caption("Chaque création, modification ou suppression est enregistrée ici, avec son "
           "auteur et les valeurs avant et après. Les mots de passe n'y figurent jamais.")

columns = st.columns(4)
username = columns[0].selectbox("Utilisateur", [None, *audit.usernames(store)],
                                format_func=lambda u: "Tous" if u is None else u)
entity = columns[1].selectbox("Élément", [None, *audit.entities(store)],
                              format_func=lambda e: "Tous" if e is None
                              else audit.ENTITIES.get(e, e))
start = columns[2].date_input(
    "Du", value=date.today() - timedelta(days=30), format="DD/MM/YYYY")
end = columns[3].date_input("Au", value=date.today(), format="DD/MM/YYYY")
if start and end and start > end:
    st.error("La date de début est après la date de fin.")
    st.stop()

filters = audit.Filters(username=username, entity=entity, start=start, end=end)
total = audit.count(store, filters)
if total == 0:
    st.info("Aucune modification pour ces filtres.", icon=":material/filter_alt_off:")
    st.stop()

offset = ui.page_offset(total, PAGE_SIZE)
st.caption(f"{total} modification(s).")
frame = audit.page(store, filters, PAGE_SIZE, offset)
st.dataframe(audit.readable(frame), hide_index=True, width="stretch")

st.download_button(
    "Exporter en CSV",
    data=lambda: csv_bytes(audit.readable(audit.page(store, filters, EXPORT_LIMIT))),
    file_name=f"journal-{date.today():%Y%m%d}.csv", mime="text/csv",
    icon=":material/download:",
    help=f"Toutes les lignes filtrées ({min(total, EXPORT_LIMIT)}), séparateur « ; ».")
