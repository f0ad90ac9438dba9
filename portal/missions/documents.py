"""The documents of a record (a prevention event's sign-in sheet, a pathway's patient
booklet...): checked by content and stored once per content by `core.files`, listed per
record, withdrawn when put there by mistake."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core import files, roles
from ..core.db import Store
from ..core.errors import PortalError
from ..core.roles import Actor
from ..core.transactions import iso, now

EDITORS = roles.EDIT["missions"]
# The records that hold documents: entity -> its table.
OWNERS = {"prevention_event": "prevention_events", "pathway": "pathways"}


def add(store: Store, actor: Actor, files_dir: Path, entity: str, record_id: int,
        filename: str, data: bytes, kind: str | None = None) -> int:
    roles.require(actor, *EDITORS)
    kept = files.keep(files_dir, filename, data)
    with store.write(actor) as tx:
        if not tx.one(f"SELECT 1 AS x FROM {OWNERS[entity]} WHERE id = ?", (record_id,)):
            raise PortalError("Cet élément n'existe plus.")
        return tx.insert("record_documents", {
            "entity": entity, "record_id": record_id, "kind": kind, **kept,
            "uploaded_by": actor.username, "uploaded_at": iso(now())}, entity="document")


def listing(store: Store, entity: str, record_id: int) -> pd.DataFrame:
    return store.frame("SELECT * FROM record_documents WHERE entity = ? AND record_id = ?"
                       " ORDER BY uploaded_at, id", (entity, record_id))


def remove(store: Store, actor: Actor, document_id: int) -> None:
    roles.require(actor, *EDITORS)
    with store.write(actor) as tx:
        tx.delete("record_documents", document_id, "document",
                  "Ce document a déjà été retiré.")


def remove_all(tx, entity: str, record_id: int) -> None:
    """A record deleted takes its documents' rows with it (the files stay for backups)."""
    tx.execute("DELETE FROM record_documents WHERE entity = ? AND record_id = ?",
               (entity, record_id))
