"""The only module that opens connections and transactions.

One short-lived connection per operation: Streamlit runs a session's reruns on
different threads and all sessions in one process, so a kept connection either breaks
or shares one transaction between users. Every write starts with BEGIN IMMEDIATE
(a deferred transaction that later upgrades to a writer fails under concurrent writers)
and appends its audit rows in the same transaction: no change without its trace.
The statements a transaction runs, and their audit rows, are portal.core.transactions.
"""

from __future__ import annotations

import functools
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlite_utils import Database

from .errors import Busy, DatabaseUnusable
from .formats import blanks_as_none
from .roles import Actor
from .settings import ROOT
from .transactions import Rehearsal, Transaction, iso, now

MIGRATIONS_DIR = ROOT / "db" / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
# Repeated views of one record by one person within this time are logged once.
ACCESS_WINDOW = timedelta(minutes=10)
# While a restore copies the database aside then replaces it, other writes wait: one in
# between would be in neither. Until this instant (app setting), should the restore die.
PAUSED_UNTIL = "writes_paused_until"


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    """(version, name, path) of every NNN_name.sql file, in order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        found.append((int(number), name, path))
    return found


LATEST_VERSION = max((v for v, _, _ in migration_files()), default=0)


class _Moved(Exception):
    """A replayed row did not get the id it had in the rehearsal."""


class Store:
    """The SQLite file and the ways in: reads, one write transaction, migrations."""

    def __init__(self, path: Path | str, durable: bool = True):
        self.path = Path(path)
        self.durable = durable

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if not self.durable:  # a draft: only the copy that replaces the portal must last
            conn.execute("PRAGMA synchronous = OFF")
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

    @contextmanager
    def staged(self, actor: Actor) -> Iterator[Store]:
        """A private copy of this database to build on through the services, put in this
        one's place in one step when the block ends, dropped if it fails: a load of many
        saves (the demo) is all or nothing without holding the write lock. Other writes
        wait meanwhile (Busy), as during a restore, so that none is lost."""
        self.pause_writes(actor)
        try:
            with tempfile.TemporaryDirectory(dir=self.path.parent) as folder:
                draft = Store(Path(folder) / self.path.name, durable=False)
                copy_database(self.path, draft.path)
                with draft.reading() as held:  # the journal stays open between saves
                    held.execute("PRAGMA journal_mode = WAL")
                    draft.resume_writes(actor)
                    yield draft
                self.replace_with(draft.path)
        except BaseException:
            self.resume_writes(actor)
            raise

    def pause_writes(self, actor: Actor, minutes: float = 10) -> None:
        """Make every other write wait (refused with Busy) until resume_writes."""
        with self.write(actor) as tx:
            set_setting(tx, PAUSED_UNTIL, iso(now() + timedelta(minutes=minutes)))

    def resume_writes(self, actor: Actor) -> None:
        with self.write(actor, during_pause=True) as tx:
            if tx.one("SELECT 1 AS x FROM app_settings WHERE key = ?", (PAUSED_UNTIL,)):
                tx.execute("DELETE FROM app_settings WHERE key = ?", (PAUSED_UNTIL,))
                tx.audit("app_setting", PAUSED_UNTIL, "delete")

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
            return {name for name in Database(conn).table_names()
                    if not name.startswith("sqlite_")}

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
