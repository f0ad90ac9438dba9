"""Inside one write: the statements of a transaction and the audit rows that go with
them, and the rehearsal that tries a long import on a private copy first.

Only portal.core.db opens the connection and the transaction these run in; services
receive a Transaction and never see the connection.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from .errors import PortalError
from .formats import date_fr
from .roles import Actor

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# Columns whose values never reach the audit log.
REDACTED = {"password_hash"}


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC ISO text, second precision: sorts as it reads, compares in SQL."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _identifier(name: str) -> str:
    if not IDENTIFIER.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return name


def _dump(values: dict | None) -> str | None:
    if values is None:
        return None
    clean = {k: ("***" if k in REDACTED else v) for k, v in values.items()}
    return json.dumps(clean, ensure_ascii=False, default=str, sort_keys=True)


class Transaction:
    """An open BEGIN IMMEDIATE transaction, acting for `actor`. Every statement goes
    through execute or executemany (a rehearsal records the ones that write)."""

    def __init__(self, conn: sqlite3.Connection, actor: Actor):
        self.conn = conn
        self.actor = actor
        self.audited = False

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Any = ()) -> dict | None:
        row = self.execute(sql, params).fetchone()
        return dict(row) if row else None

    def all(self, sql: str, params: Any = ()) -> list[dict]:
        return [dict(r) for r in self.execute(sql, params)]

    # Store's name for it, so a reading helper works inside a transaction or outside.
    query = all

    def audit(self, entity: str, entity_id, action: str, before=None, after=None) -> None:
        # Straight to the connection: a rehearsal records the call, not its statement.
        self.conn.execute(
            "INSERT INTO audit_log (at, username, entity, entity_id, action, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (iso(now()), self.actor.username, entity,
             None if entity_id is None else str(entity_id), action,
             _dump(before), _dump(after)),
        )
        self.audited = True

    def redact(self, entity: str, entity_ids) -> None:
        """Empty the values the audit rows of these records hold, keeping who did what
        and when: erasing a person or anonymising a request must not leave their data in
        the journal. The caller audits the erasure itself."""
        ids = [str(i) for i in entity_ids]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            self.execute("UPDATE audit_log SET before = NULL, after = NULL WHERE entity = ?"
                         f" AND entity_id IN ({', '.join('?' for _ in chunk)})",
                         (entity, *chunk))

    def insert(self, table: str, values: dict, entity: str | None = None) -> int:
        """Insert one row and audit it as created; returns its id."""
        columns = ", ".join(_identifier(c) for c in values)
        marks = ", ".join("?" for _ in values)
        cursor = self.execute(
            f"INSERT INTO {_identifier(table)} ({columns}) VALUES ({marks})",
            list(values.values()),
        )
        row_id = cursor.lastrowid
        self.audit(entity or table, row_id, "create", after=values)
        return row_id

    def update(self, table: str, row_id: int, changes: dict, entity: str | None = None,
               action: str = "update") -> dict:
        """Update one row by id and audit only the fields that really changed."""
        table = _identifier(table)
        before = self.one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        if before is None:
            raise LookupError(f"{table} {row_id} not found")
        changed = {k: v for k, v in changes.items() if before.get(k) != v}
        if changed:
            assignments = ", ".join(f"{_identifier(c)} = ?" for c in changed)
            self.execute(
                f"UPDATE {table} SET {assignments} WHERE id = ?",
                [*changed.values(), row_id],
            )
            self.audit(entity or table, row_id, action,
                       before={k: before[k] for k in changed}, after=changed)
        return changed

    def end(self, table: str, row_id: int, ends_on: date, entity: str, what: str) -> None:
        """Give a dated row (a mandate, a rate: `starts_on`, `ends_on`) its last day,
        never before its first; `what` names it in a refusal ("Ce mandat")."""
        row = self.one(f"SELECT starts_on FROM {_identifier(table)} WHERE id = ?", (row_id,))
        if row is None:
            raise PortalError(f"{what} n'existe plus.")
        if ends_on.isoformat() < row["starts_on"]:
            raise PortalError(f"{what} commence le {date_fr(row['starts_on'])} : il ne peut "
                              "finir avant.", field="ends_on")
        self.update(table, row_id, {"ends_on": ends_on.isoformat()}, entity=entity)

    def delete(self, table: str, row_id: int, entity: str, gone: str) -> dict:
        """Delete one row by id and audit it with its values; `gone` is the French
        message when it no longer exists (a second click, another user)."""
        table = _identifier(table)
        row = self.one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        if row is None:
            raise PortalError(gone)
        self.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        self.audit(entity, row_id, "delete", before=row)
        return row

    def set_links(self, table: str, owner: str, owner_id: int, column: str, values,
                  entity: str) -> list:
        """Make `table` link `owner_id` to exactly `values` (an action's missions, a
        meeting's actions...); audited under the owner's entity when it changes."""
        table, owner, column = _identifier(table), _identifier(owner), _identifier(column)
        before = sorted(r[column] for r in self.all(
            f"SELECT {column} FROM {table} WHERE {owner} = ?", (owner_id,)))
        after = sorted(set(values))
        if before != after:
            self.execute(f"DELETE FROM {table} WHERE {owner} = ?", (owner_id,))
            self.executemany(f"INSERT INTO {table} ({owner}, {column}) VALUES (?, ?)",
                             [(owner_id, v) for v in after])
            self.audit(entity, owner_id, table.removeprefix(f"{entity}_"),
                       before={column: before}, after={column: after})
        return after


class Rehearsal(Transaction):
    """A transaction on a private in-memory copy of the database, never committed: it
    holds no lock on the real one, and records what it wrote, for Store.replay to apply
    in one short transaction."""

    def __init__(self, conn: sqlite3.Connection, actor: Actor, last_audit: int):
        super().__init__(conn, actor)
        self.last_audit = last_audit  # the newest change the copy holds
        self.entities: set[str] = set()  # the kinds of records it changed
        # (kind, sql, params, id the row got): "one", "many" or "audit" (params = args).
        self.writes: list[tuple[str, str | None, Any, int | None]] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        cursor = self.conn.execute(sql, params)
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb not in ("SELECT", "WITH", "PRAGMA"):
            row_id = cursor.lastrowid if verb in ("INSERT", "REPLACE") else None
            self.writes.append(("one", sql, params, row_id))
        return cursor

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        rows = list(rows)
        cursor = self.conn.executemany(sql, rows)
        self.writes.append(("many", sql, rows, None))
        return cursor

    def audit(self, entity: str, entity_id, action: str, before=None, after=None) -> None:
        super().audit(entity, entity_id, action, before, after)
        self.entities.add(entity)
        self.writes.append(("audit", None, (entity, entity_id, action, before, after), None))
