"""The store: migrations, audited transactions, damaged files, concurrency, crashes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from portal.core.db import ACCESS_WINDOW, LATEST_VERSION, Store
from portal.core.errors import Busy, DatabaseUnusable
from portal.core.roles import Actor
from portal.core.transactions import iso, now


@pytest.fixture
def store(bare_store) -> Store:
    """These tests count every row and audit row: no reference lists loaded."""
    return bare_store


ACTOR = Actor("tester", frozenset({"admin"}))
ROOT = Path(__file__).resolve().parent.parent


def tables(store: Store) -> set[str]:
    return {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}


def test_migrations_create_the_schema_and_record_it(store):
    assert {"users", "user_roles", "login_attempts", "audit_log", "access_log",
            "app_settings", "schema_version"} <= tables(store)
    assert store.schema_version() == LATEST_VERSION
    assert store.scalar("PRAGMA journal_mode") == "wal"


def test_running_migrations_twice_changes_nothing(store):
    before = store.query("SELECT * FROM schema_version")
    schema = store.query("SELECT sql FROM sqlite_master ORDER BY name")
    assert store.migrate() == []
    assert store.query("SELECT * FROM schema_version") == before
    assert store.query("SELECT sql FROM sqlite_master ORDER BY name") == schema


def test_a_failing_migration_leaves_no_trace(tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "001_good.sql").write_text("CREATE TABLE a (id INTEGER PRIMARY KEY);")
    (migrations / "002_bad.sql").write_text("CREATE TABLE b (id INTEGER); SELECT * FROM nowhere;")
    store = Store(tmp_path / "x.db")
    with pytest.raises(sqlite3.OperationalError):
        store.migrate(migrations)
    assert store.schema_version() == 1
    assert "b" not in tables(store)


def test_a_write_and_its_audit_row_commit_together(store):
    with store.write(ACTOR) as tx:
        tx.insert("app_settings", {"key": "cpts_name", "value": "CPTS **test**"},
                  entity="app_setting")
    row = store.query_one("SELECT * FROM audit_log")
    assert row["username"] == "tester"
    assert row["entity"] == "app_setting" and row["action"] == "create"
    assert json.loads(row["after"]) == {"key": "cpts_name", "value": "CPTS **test**"}


def test_an_error_rolls_back_the_write_and_its_audit_row(store):
    with pytest.raises(ValueError, match="interrupted"), store.write(ACTOR) as tx:
        tx.insert("app_settings", {"key": "k", "value": "v"})
        raise ValueError("interrupted")
    assert store.scalar("SELECT COUNT(*) FROM app_settings") == 0
    assert store.scalar("SELECT COUNT(*) FROM audit_log") == 0


def test_a_change_without_audit_row_is_refused(store):
    with pytest.raises(RuntimeError, match="audit_log"), store.write(ACTOR) as tx:
        tx.execute("INSERT INTO app_settings VALUES ('k', 'v')")
    assert store.scalar("SELECT COUNT(*) FROM app_settings") == 0


def test_update_audits_only_what_changed_and_never_a_password_hash(store):
    with store.write(ACTOR) as tx:
        user_id = tx.insert("users", {"username": "a", "name": "A", "email": "a@example.org",
                                      "password_hash": "secret-hash", "created_at": "now"})
        tx.update("users", user_id, {"name": "B", "email": "a@example.org",
                                     "password_hash": "other-hash"})
    create, update = store.query("SELECT before, after FROM audit_log ORDER BY id")
    assert "secret-hash" not in create["after"] and "other-hash" not in update["after"]
    assert json.loads(update["before"]) == {"name": "A", "password_hash": "***"}
    assert json.loads(update["after"]) == {"name": "B", "password_hash": "***"}


def test_a_file_that_is_not_sqlite_stops_the_portal_untouched(tmp_path):
    path = tmp_path / "portal.db"
    path.write_bytes(b"Nom;Prenom\nMartin;Marie\n")
    with pytest.raises(DatabaseUnusable, match="n'est pas une base de données SQLite"):
        Store(path).migrate()
    assert path.read_bytes() == b"Nom;Prenom\nMartin;Marie\n"


def test_a_damaged_database_fails_the_integrity_check_untouched(store):
    with store.write(ACTOR) as tx:
        for i in range(2000):
            tx.execute("INSERT INTO login_attempts (at, username, outcome) VALUES (?, ?, ?)",
                       (f"2026-01-01T00:00:{i % 60:02d}", f"user{i}", "failure"))
        tx.audit("test", None, "fill")
    with store.reading() as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(store.path.read_bytes())
    page_size = 4096
    # Scramble an index page in the middle of the file, keep the header intact.
    middle = (len(data) // page_size // 2) * page_size
    data[middle:middle + page_size] = bytes((b * 7 + 13) % 256 for b in range(page_size))
    store.path.write_bytes(bytes(data))
    with pytest.raises(DatabaseUnusable, match="endommagée"):
        store.check()
    assert store.path.read_bytes() == bytes(data)


def test_eight_threads_writing_at_once_lose_nothing(store):
    errors = []

    def writer(n: int) -> None:
        actor = Actor(f"writer{n}", frozenset({"admin"}))
        for i in range(200):
            try:
                with store.write(actor) as tx:
                    tx.insert("app_settings", {"key": f"{n}-{i}", "value": str(i)})
            except Exception as error:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(error))

    started = time.monotonic()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"\n8 x 200 audited writes: {time.monotonic() - started:.2f} s")
    assert errors == []
    assert store.scalar("SELECT COUNT(*) FROM app_settings") == 1600
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'app_settings'") == 1600


def test_a_write_the_database_cannot_take_in_time_is_a_french_refusal(store):
    holder = store.connect()
    holder.execute("BEGIN IMMEDIATE")  # another process writing past the busy timeout
    try:
        with pytest.raises(Busy) as refused, store.write(ACTOR) as tx:
            tx.insert("app_settings", {"key": "k", "value": "v"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.value.message == Busy.BUSY
    assert store.scalar("SELECT COUNT(*) FROM app_settings") == 0


def test_writes_paused_by_a_restore_are_refused_until_resumed_or_the_pause_lapses(store):
    store.pause_writes(ACTOR, minutes=10)
    with pytest.raises(Busy, match="restauration"), store.write(ACTOR) as tx:
        tx.insert("app_settings", {"key": "k", "value": "v"})
    store.resume_writes(ACTOR)
    with store.write(ACTOR) as tx:
        tx.insert("app_settings", {"key": "k", "value": "v"})
    store.pause_writes(ACTOR, minutes=-1)  # the restoring process died: the pause lapses
    with store.write(ACTOR) as tx:
        tx.insert("app_settings", {"key": "k2", "value": "v"})


def test_a_rehearsal_replays_unless_records_of_its_kind_changed_meanwhile(store):
    def rehearse(key: str):
        with store.rehearsal(ACTOR) as tx:
            tx.insert("app_settings", {"key": key, "value": "rehearsed"})
            assert store.get_setting(key) is None  # a private copy
        return tx

    unrelated = rehearse("a")
    with store.write(Actor("other", frozenset())) as tx:  # another kind of record
        tx.audit("meeting", 1, "update")
    assert store.replay(unrelated)
    assert store.get_setting("a") == "rehearsed"

    same_kind = rehearse("b")
    with store.write(Actor("other", frozenset())) as tx:
        tx.insert("app_settings", {"key": "typed meanwhile", "value": "v"})
    assert not store.replay(same_kind)
    assert store.get_setting("b") is None and store.get_setting("typed meanwhile") == "v"

    moved = rehearse("c")
    with store.write(Actor("other", frozenset())) as tx:  # the same table, another entity
        tx.insert("app_settings", {"key": "row", "value": "v"}, entity="elsewhere")
    assert not store.replay(moved)  # its row would get another id than in the copy
    assert store.get_setting("c") is None


def test_a_killed_writer_leaves_a_sound_database_with_every_committed_row(store, tmp_path):
    progress = tmp_path / "committed.txt"
    script = textwrap.dedent(f"""
        from portal.core.db import Store
        from portal.core.roles import Actor
        store = Store({str(store.path)!r})
        actor = Actor("crash", frozenset({{"admin"}}))
        with open({str(progress)!r}, "w") as out:
            for i in range(1_000_000):
                with store.write(actor) as tx:
                    tx.insert("app_settings", {{"key": f"k{{i}}", "value": "x" * 500}})
                out.write(f"{{i}}\\n")
                out.flush()
    """)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if progress.exists() and len(progress.read_text().splitlines()) > 300:
            break
        time.sleep(0.05)
    process.kill()  # SIGKILL: no chance to clean up
    process.wait()
    committed = progress.read_text().splitlines()
    assert len(committed) > 300
    store.check()
    keys = {r["key"] for r in store.query("SELECT key FROM app_settings")}
    assert {f"k{i}" for i in committed} <= keys
    assert store.scalar("SELECT COUNT(*) FROM audit_log") == len(keys)


def test_each_view_of_a_personal_record_is_logged(store):
    store.log_access(Actor("julie.lefevre", frozenset({"coordinator"})), "mt_request", 42)
    row = store.query_one("SELECT username, entity, entity_id FROM access_log")
    assert row == {"username": "julie.lefevre", "entity": "mt_request", "entity_id": "42"}


def test_a_view_repeated_by_reruns_is_logged_once_per_window(store):
    alice, bob = Actor("alice", frozenset()), Actor("bob", frozenset())
    for _ in range(3):  # the page rerun at each click
        store.log_access(alice, "mt_request", 7)
    store.log_access(alice, "mt_request", 8)
    store.log_access(bob, "mt_request", 7)
    assert store.query("SELECT username, entity_id FROM access_log ORDER BY id") == [
        {"username": "alice", "entity_id": "7"}, {"username": "alice", "entity_id": "8"},
        {"username": "bob", "entity_id": "7"}]
    with store.reading() as conn:  # alice's first view, now older than the window
        conn.execute("UPDATE access_log SET at = ? WHERE id = 1",
                     (iso(now() - ACCESS_WINDOW - timedelta(seconds=1)),))
    store.log_access(alice, "mt_request", 7)
    assert store.scalar("SELECT COUNT(*) FROM access_log WHERE username = 'alice'"
                        " AND entity_id = '7'") == 2
