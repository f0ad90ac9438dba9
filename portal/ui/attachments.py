"""The documents block of a record page (a prevention event, a pathway): each document to
download, and for editors an upload (checked by content) and a withdrawal."""

from __future__ import annotations

import streamlit as st

from .. import ui
from ..core import files
from ..core.db import Store
from ..core.formats import md_escape, size_fr
from ..core.roles import Actor
from ..missions import documents


def section(store: Store, actor: Actor, entity: str, record_id: int, empty: str,
            kinds: dict[str, str] | None = None) -> None:
    """`kinds`: what a document may be for this record (a patient booklet...), asked at
    upload and shown before its name."""
    st.subheader("Documents")
    listed = documents.listing(store, entity, record_id)
    if listed.empty:
        st.write(empty)
    for row in listed.itertuples():
        what = f"{kinds[row.kind]} : " if kinds and row.kind in kinds else ""
        st.download_button(md_escape(f"{what}{row.filename} ({size_fr(row.size)})"),
                           lambda sha=row.sha256: files.content(ui.config().files_dir, sha),
                           file_name=row.filename, mime=row.mime, key=f"document_{row.id}",
                           icon=":material/attach_file:", on_click="ignore")
    if not actor.has(*documents.EDITORS):
        return
    errors = ui.FieldErrors()
    with st.form(ui.form_key(f"{entity}_document")):
        kind = st.selectbox("Nature du document", list(kinds), format_func=kinds.get) \
            if kinds else None
        upload = st.file_uploader(
            f"Ajouter un document (PDF, image, document bureautique ; "
            f"{size_fr(files.MAX_BYTES)} au plus)", type=list(files.ACCEPTED),
            max_upload_size=files.MAX_BYTES // 1024 ** 2)
        errors.slot("file")
        sent = st.form_submit_button("Déposer", icon=":material/upload:")
    if sent and upload is not None and errors.attempt(
            documents.add, store, actor, ui.config().files_dir, entity, record_id,
            upload.name, upload.getvalue(), kind):
        ui.saved(f"Document « {upload.name} » déposé.", reset=f"{entity}_document")
    if not listed.empty:
        ui.removal("Retirer un document", "Document", {int(r.id): r.filename
                                                       for r in listed.itertuples()},
                   lambda document_id: documents.remove(store, actor, document_id),
                   "Document retiré.", key=f"remove_{entity}_document")
