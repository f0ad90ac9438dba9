"""The lists a CPTS keeps itself (the motives of its calls, its prevention and pathway
themes): each a table of code, label, position and active. A label is renamed or the
entry archived, never deleted: the records that name it keep it, and only the active
ones are offered for new records."""

from __future__ import annotations

from dataclasses import dataclass

from . import roles
from .db import Store
from .errors import PortalError
from .formats import fold
from .roles import Actor


@dataclass(frozen=True)
class CodeList:
    table: str            # code, label, position, active
    entity: str           # its rows' name in the audit log
    noun: str             # "motif", "thème": a masculine noun, in the messages
    editors: frozenset[str]
    used_by: str          # "table.column": the records that name an entry

    def offered(self, store: Store, keep: str | None = None) -> dict[str, str]:
        """The active entries in their order; `keep` is a record's own, shown even once
        archived so that editing the record does not lose it."""
        return {r["code"]: r["label"] for r in store.query(
            f"SELECT code, label FROM {self.table} WHERE active = 1 OR code = ?"
            " ORDER BY position", (keep,))}

    def rows(self, store: Store) -> list[dict]:
        """Every entry, archived ones too, with how many records name it."""
        table, column = self.used_by.split(".")
        return store.query(
            f"SELECT m.code, m.label, m.active, (SELECT COUNT(*) FROM {table} r"
            f" WHERE r.{column} = m.code) AS used FROM {self.table} m ORDER BY m.position")

    def _label(self, label: str | None) -> str:
        label = " ".join((label or "").split())
        if not label:
            raise PortalError(f"Indiquez le {self.noun}.", field=self.entity)
        return label[:100]

    def add(self, store: Store, actor: Actor, label: str) -> str:
        roles.require(actor, *self.editors)
        label = self._label(label)
        code = "_".join(fold(label).split())[:40]
        with store.write(actor) as tx:
            if tx.one(f"SELECT 1 AS x FROM {self.table} WHERE code = ?"
                      " OR lower(label) = lower(?)", (code, label)):
                raise PortalError(f"Ce {self.noun} existe déjà.", field=self.entity)
            position = tx.one(f"SELECT COALESCE(MAX(position), 0) + 1 AS p"
                              f" FROM {self.table}")["p"]
            tx.execute(f"INSERT INTO {self.table} (code, label, position) VALUES (?, ?, ?)",
                       (code, label, position))
            tx.audit(self.entity, code, "create", after={"label": label})
        return code

    def save(self, store: Store, actor: Actor, changes: dict[str, dict]) -> int:
        """Rename or archive entries ({code: {"label", "active"}}), all or nothing; at
        least one stays offered."""
        roles.require(actor, *self.editors)
        changed = 0
        with store.write(actor) as tx:
            known = {r["code"]: r for r in tx.all(f"SELECT * FROM {self.table}")}
            for code, change in changes.items():
                if code not in known:
                    raise PortalError(f"Ce {self.noun} n'existe plus.", field=self.entity)
                after = {"label": self._label(change.get("label")),
                         "active": int(bool(change.get("active")))}
                before = {k: known[code][k] for k in after}
                if after != before:
                    tx.execute(f"UPDATE {self.table} SET label = ?, active = ? WHERE code = ?",
                               (after["label"], after["active"], code))
                    tx.audit(self.entity, code, "update", before=before, after=after)
                    changed += 1
            labels = [r["label"].lower() for r in tx.all(f"SELECT label FROM {self.table}")]
            if len(labels) != len(set(labels)):
                raise PortalError(f"Deux {self.noun}s portent le même nom.",
                                  field=self.entity)
            if not tx.one(f"SELECT 1 AS x FROM {self.table} WHERE active = 1"):
                raise PortalError(f"Gardez au moins un {self.noun} proposé.",
                                  field=self.entity)
        return changed
