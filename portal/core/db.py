"""The only module that opens connections and transactions.

One short-lived connection per operation: Streamlit runs a session's reruns on
different threads and all sessions in one process, so a kept connection either breaks
or shares one transaction between users. Every write starts with BEGIN IMMEDIATE
(a deferred transaction that later upgrades to a writer fails under concurrent writers)
and appends its audit rows in the same transaction: no change without its trace.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlite_utils import Database

from .errors import Busy, DatabaseUnusable, PortalError
from .formats import blanks_as_none
from .roles import Actor
from .settings import ROOT

MIGRATIONS_DIR = ROOT / "db" / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# Columns whose values never reach the audit log.
REDACTED = {"password_hash"}
# Repeated views of one record by one person within this time are logged once.
ACCESS_WINDOW = timedelta(minutes=10)
# While a restore copies the database aside then replaces it, other writes wait: one in
# between would be in neither. Until this instant (app setting), should the restore die.
PAUSED_UNTIL = "writes_paused_until"


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


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    """(version, name, path) of every NNN_name.sql file, in order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        found.append((int(number), name, path))
    return found


LATEST_VERSION = max((v for v, _, _ in migration_files()), default=0)


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


class _Moved(Exception):
    """A replayed row did not get the id it had in the rehearsal."""


class Store:
    """The SQLite file and the ways in: reads, one write transaction, migrations."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        return conn

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        conn = self.connect()
        try:
            yield conn
        finally:
            conn.close()

    def query(self, sql: str, params: Any = ()) -> list[dict]:
        with self.reading() as conn:
            return list(Database(conn).query(sql, params))

    def query_one(self, sql: str, params: Any = ()) -> dict | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Any = ()):
        with self.reading() as conn:
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None

    def frame(self, sql: str, params: Any = ()) -> pd.DataFrame:
        """The rows as a DataFrame whose blanks are None, never NaN."""
        with self.reading() as conn:
            return blanks_as_none(pd.read_sql_query(sql, conn, params=params))

    @contextmanager
    def write(self, actor: Actor, require_audit: bool = True,
              during_pause: bool = False) -> Iterator[Transaction]:
        """One BEGIN IMMEDIATE transaction; a change without an audit row is rolled back.

        `require_audit=False` is for appending to a log table (login attempts), which is
        itself the trace. A database busy past the timeout, or paused by a restore, is a
        French refusal (Busy), which a page shows beside what was typed.
        """
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            tx = Transaction(conn, actor)
            try:
                if not during_pause:
                    _refuse_while_paused(conn)
                yield tx
                if require_audit and conn.total_changes and not tx.audited:
                    raise RuntimeError("a write transaction must append to audit_log")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise Busy() from error
            raise
        finally:
            conn.close()

    @contextmanager
    def rehearsal(self, actor: Actor) -> Iterator[Rehearsal]:
        """Writes on a private in-memory copy: a long import tries every line there
        without holding the write lock that saves and logins of others need."""
        copy = sqlite3.connect(":memory:", isolation_level=None)
        try:
            with self.reading() as conn:
                conn.backup(copy)
            copy.row_factory = sqlite3.Row
            copy.execute("PRAGMA foreign_keys = ON")
            last = copy.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]
            copy.execute("BEGIN")
            yield Rehearsal(copy, actor, last)
        finally:
            copy.close()

    def replay(self, rehearsal: Rehearsal) -> bool:
        """Apply a rehearsal's writes in one transaction, unless someone else changed
        records of the same kinds since its copy was taken (every change appends to
        audit_log) or a new row would get another id than in the copy: the statements
        then do here exactly what they did there. False, with nothing written, otherwise.
        """
        try:
            with self.write(rehearsal.actor) as tx:
                since = {r["entity"] for r in tx.all(
                    "SELECT DISTINCT entity FROM audit_log WHERE id > ?",
                    (rehearsal.last_audit,))}
                if since & rehearsal.entities:
                    return False
                for kind, sql, params, row_id in rehearsal.writes:
                    if kind == "audit":
                        tx.audit(*params)
                    elif kind == "many":
                        tx.executemany(sql, params)
                    else:
                        cursor = tx.execute(sql, params)
                        if row_id is not None and cursor.lastrowid != row_id:
                            raise _Moved
        except _Moved:
            return False
        return True

    def pause_writes(self, actor: Actor, minutes: float = 10) -> None:
        """Make every other write wait (refused with Busy) until resume_writes."""
        with self.write(actor) as tx:
            set_setting(tx, PAUSED_UNTIL, iso(now() + timedelta(minutes=minutes)))

    def resume_writes(self, actor: Actor) -> None:
        with self.write(actor, during_pause=True) as tx:
            if tx.one("SELECT 1 AS x FROM app_settings WHERE key = ?", (PAUSED_UNTIL,)):
                tx.execute("DELETE FROM app_settings WHERE key = ?", (PAUSED_UNTIL,))
                tx.audit("app_settings", PAUSED_UNTIL, "delete")

    def log_access(self, actor: Actor, entity: str, entity_id) -> None:
        """Record that `actor` viewed one personal record (a read, not an audited change).

        Streamlit reruns a page at every click on it, and once more when the login
        cookie is read: the same view by the same person within ACCESS_WINDOW is one row,
        dated when it began, not a row per rerun."""
        moment = now()
        with self.write(actor, require_audit=False) as tx:
            tx.execute(
                "INSERT INTO access_log (at, username, entity, entity_id)"
                " SELECT :at, :username, :entity, :entity_id WHERE NOT EXISTS (SELECT 1"
                " FROM access_log WHERE entity = :entity AND entity_id = :entity_id"
                " AND username = :username AND at >= :since)",
                {"at": iso(moment), "username": actor.username, "entity": entity,
                 "entity_id": str(entity_id), "since": iso(moment - ACCESS_WINDOW)},
            )

    # -- integrity and schema ---------------------------------------------------------

    def check(self) -> None:
        """Raise DatabaseUnusable if the file is not SQLite or fails integrity_check.

        Never writes: a file we do not understand is left exactly as it is.
        """
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with self.path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
        if header != SQLITE_HEADER:
            raise DatabaseUnusable(
                f"Le fichier {self.path} n'est pas une base de données SQLite. "
                "Le portail s'arrête sans y toucher : vérifiez le chemin (PORTAL_DB) "
                "ou restaurez une sauvegarde avec `python -m portal restore`."
            )
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
            try:
                result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            finally:
                conn.close()
        except sqlite3.DatabaseError as error:
            result = [str(error)]
        if result != ["ok"]:
            raise DatabaseUnusable(
                f"La base de données {self.path} est endommagée "
                f"(contrôle d'intégrité : {'; '.join(result[:3])}). "
                "Le portail s'arrête sans y toucher : restaurez la dernière sauvegarde "
                "avec `python -m portal restore FICHIER`."
            )

    def table_names(self) -> set[str]:
        with self.reading() as conn:
            return {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'")}

    def copy_to(self, target: Path) -> None:
        """A consistent copy through SQLite's backup API, even while others write."""
        copy_database(self.path, target)

    def replace_with(self, source: Path) -> None:
        """Put `source`'s content in place of this database, through SQLite's backup API:
        other connections see the old or the new content, never a file swapped under
        their open WAL."""
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=5)
        dst = self.connect()
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()

    def schema_version(self) -> int:
        with self.reading() as conn:
            exists = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if not exists:
                return 0
            return conn.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]

    def migrate(self, directory: Path = MIGRATIONS_DIR) -> list[int]:
        """Apply the migrations not yet recorded; returns the versions applied.

        Each runs in its own transaction with its schema_version row, so a second
        process starting at the same moment fails on that row and changes nothing.
        """
        private_folder(self.path.parent)
        self.check()
        if not self.path.exists():
            private_file(self.path)
        with self.reading() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        applied = []
        for version, name, path in migration_files(directory):
            if version <= self.schema_version():
                continue
            script = path.read_text(encoding="utf-8")
            conn = self.connect()
            try:
                conn.executescript(
                    "BEGIN IMMEDIATE;\n"
                    f"INSERT INTO schema_version VALUES ({version}, '{name}', '{iso(now())}');\n"
                    f"{script}\nCOMMIT;"
                )
                applied.append(version)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if self.schema_version() < version:
                    raise
                # Another process applied this version meanwhile: nothing to do.
            finally:
                conn.close()
        return applied

    # -- app-wide settings ----------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM app_settings WHERE key = ?", (key,))
        return default if value is None else value


def _refuse_while_paused(conn: sqlite3.Connection) -> None:
    try:
        row = conn.execute("SELECT value FROM app_settings WHERE key = ?",
                           (PAUSED_UNTIL,)).fetchone()
    except sqlite3.OperationalError:  # not migrated yet: nothing can be paused
        return
    if row and row[0] > iso(now()):
        raise Busy(Busy.RESTORING)


def copy_database(source: Path, target: Path) -> None:
    """Copy a database file consistently into a new private file."""
    private_file(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=5)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


@functools.cache
def portal_tables() -> frozenset[str]:
    """The tables of a database migrated from nothing: what a file must hold to be ours."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = Store(Path(folder) / "fresh.db")
        fresh.migrate()
        return frozenset(fresh.table_names())


def private_folder(path: Path) -> None:
    """Create a folder only its owner may enter: the database, its backups and the
    documents hold health data, and a shared machine has other local users."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def private_file(path: Path) -> None:
    """An empty file only its owner may read, for SQLite to fill (it gives its journal
    files the same mode)."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


def set_setting(tx: Transaction, key: str, value: str) -> None:
    """Write one app setting inside a caller's transaction, audited."""
    before = tx.one("SELECT value FROM app_settings WHERE key = ?", (key,))
    tx.execute(
        "INSERT INTO app_settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
    tx.audit("app_setting", key, "update" if before else "create", before=before,
             after={"value": value})
