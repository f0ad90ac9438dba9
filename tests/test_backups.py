"""Backups: consistent copies, 14 kept, due after 24 h, restore checked and reversible."""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
import time

import pytest

from portal.accounts import login, users
from portal.admin import backups
from portal.core.db import PAUSED_UNTIL, Store
from portal.core.errors import Busy, DatabaseUnusable, PermissionDenied
from portal.core.roles import CLI, MEMBER, Actor


@pytest.fixture
def store(bare_store) -> Store:
    """These tests count every row and audit row: no reference lists loaded."""
    return bare_store


ACTOR = Actor("tester", frozenset({"admin"}))


def put(store: Store, key: str) -> None:
    with store.write(ACTOR) as tx:
        tx.insert("app_settings", {"key": key, "value": "v"})


def keys(store: Store) -> set[str]:
    return {r["key"] for r in store.query("SELECT key FROM app_settings")}


def test_backup_then_restore_round_trip(store, tmp_path):
    put(store, "before")
    copy = backups.backup(store, tmp_path / "b", actor=ACTOR)
    put(store, "after")
    kept = backups.restore(store, copy, CLI)
    assert "before" in keys(store) and "after" not in keys(store)
    assert keys(Store(kept)) >= {"before", "after"}  # the replaced database is kept aside
    last = store.query_one("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    assert last["action"] == "restore"
    store.check()


def test_a_backup_is_consistent_while_wal_holds_uncheckpointed_writes(store, tmp_path):
    with store.reading() as conn:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(50):
        put(store, f"k{i}")
    copy = backups.backup(store, tmp_path / "b")
    assert len(keys(Store(copy))) == 50


def test_only_the_fourteen_newest_backups_are_kept(store, tmp_path):
    directory = tmp_path / "b"
    for _ in range(16):
        backups.backup(store, directory, keep=14)
    kept = backups.list_backups(directory)
    assert len(kept) == 14
    assert kept == sorted(kept, reverse=True)


def test_a_backup_is_made_when_the_last_is_older_than_a_day(store, tmp_path):
    directory = tmp_path / "b"
    first = backups.backup_if_due(store, directory)
    assert first is not None
    assert backups.backup_if_due(store, directory) is None
    old = time.time() - 25 * 3600
    os.utime(first, (old, old))
    assert backups.backup_if_due(store, directory) is not None


@pytest.mark.parametrize("content, message", [
    (b"not a database at all", "n'est pas une base"),
    (b"", "n'est pas une base"),
])
def test_restore_refuses_a_file_that_is_not_a_database(store, tmp_path, content, message):
    put(store, "precious")
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    with pytest.raises(DatabaseUnusable, match=message):
        backups.restore(store, bad, CLI)
    assert "precious" in keys(store)


def test_restore_refuses_a_sqlite_file_of_another_program_or_a_newer_schema(store, tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    with pytest.raises(DatabaseUnusable, match="pas une base du Portail"):
        backups.check_candidate(other)
    newer = backups.backup(store, tmp_path / "b")
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO schema_version VALUES (999, 'future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseUnusable, match="plus récente"):
        backups.check_candidate(newer)


def test_supporting_documents_are_mirrored_with_the_backups(store, tmp_path):
    files = tmp_path / "files"
    (files / "ab").mkdir(parents=True)
    (files / "ab" / "abcdef").write_bytes(b"%PDF-1.4")
    (files / "ab" / "abc.partial").write_bytes(b"half")
    backups.backup(store, tmp_path / "b", files_dir=files)
    assert (tmp_path / "b" / "files" / "ab" / "abcdef").read_bytes() == b"%PDF-1.4"
    assert not (tmp_path / "b" / "files" / "ab" / "abc.partial").exists()
    assert backups.mirror_files(files, tmp_path / "b") == 0  # already there


def test_only_an_administrator_backs_up_from_the_page(store, tmp_path):
    """Issue 14, point 12: the service checks the role, not only the page."""
    with pytest.raises(PermissionDenied):
        backups.backup(store, tmp_path / "b", actor=Actor("m", frozenset({MEMBER})))
    assert not (tmp_path / "b").exists()  # refused before anything is written
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'backup'") == 0


def test_the_database_backups_and_documents_are_private_to_their_owner(env, tmp_path):
    """Issue 14, point 13: health data on a shared machine, readable by its owner only."""
    store = Store(tmp_path / "data" / "portal.db")
    store.migrate()
    copy = backups.backup(store, tmp_path / "backups")
    for path, private in ((store.path, 0o600), (store.path.parent, 0o700), (copy, 0o600),
                          (copy.parent, 0o700)):
        assert path.stat().st_mode & 0o777 == private, path


def test_restore_refuses_a_file_with_a_schema_version_but_none_of_our_tables(store, tmp_path):
    put(store, "precious")
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.executescript("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT,"
                       " applied_at TEXT); INSERT INTO schema_version VALUES (3, 'x', 'y');")
    conn.close()
    version = store.schema_version()
    with pytest.raises(DatabaseUnusable, match="La base actuelle n'a pas été touchée"):
        backups.restore(store, foreign, CLI)
    assert "precious" in keys(store) and store.schema_version() == version
    assert store.table_names() >= {"users", "people", "audit_log"}
    assert not list(store.path.parent.glob("*.restoring*"))
    store.check()


def test_no_acknowledged_write_is_lost_by_a_restore_under_three_writers(store, tmp_path):
    """Each save that returned is in the database kept aside or in the restored one."""
    copy = backups.backup(store, tmp_path / "b")
    acknowledged, refused, stop = [], [], threading.Event()

    def writer(name: str) -> None:
        for i in itertools.count():
            if stop.is_set():
                return
            try:
                put(store, f"{name}-{i}")
            except Busy as error:
                refused.append(error.message)
                continue
            acknowledged.append(f"{name}-{i}")

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    kept = backups.restore(store, copy, CLI)
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join()
    found = keys(Store(kept)) | keys(store)
    lost = [key for key in acknowledged if key not in found]
    assert len(acknowledged) > 30 and lost == []
    assert set(refused) <= {Busy.RESTORING, Busy.BUSY}
    assert not store.get_setting(PAUSED_UNTIL)  # writes go on after the restore
    put(store, "after")


def test_a_restore_ends_every_login_and_keeps_accounts_as_they_are_now(env, store, tmp_path):
    admin = Actor("ana", frozenset({"admin"}))
    users.create_first_admin(store, "ana", "Ana Admin", "ana@example.org",
                             "riviere-pont-canal-2026", "riviere-pont-canal-2026", 4)
    member, _ = users.create_user(store, admin, "paul", "Paul Membre", "paul@example.org",
                                  ["bureau"], 4, password="lanterne-verger-boussole-7")
    copy = backups.backup(store, tmp_path / "b")
    users.change_password(store, admin, "riviere-pont-canal-2026", "sel-poivre-moutarde-42",
                          "sel-poivre-moutarde-42", 4)
    users.set_roles(store, admin, member, ["member"])
    users.set_active(store, admin, member, False)
    logged_in = time.time()  # a session open while the restore runs
    backups.restore(store, copy, CLI)
    assert not login.token_valid(store, "ana", logged_in)
    assert login.verify_login(store, "ana", "sel-poivre-moutarde-42", 4).ok
    assert not login.verify_login(store, "ana", "riviere-pont-canal-2026", 4).ok
    paul = users.get_user(store, "paul")
    assert not paul["active"] and paul["roles"] == ["member"]
