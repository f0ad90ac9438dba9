"""Consistent copies of the database, and putting one back.

Copies use SQLite's online backup API, so they are consistent even while the portal
writes. Backups hold personal and health data: they stay on the CPTS's own machine
(or an HDS-certified host), like the database itself.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

from ..core import reference, roles
from ..core.db import (
    LATEST_VERSION,
    SQLITE_HEADER,
    Store,
    copy_database,
    portal_tables,
    private_folder,
)
from ..core.errors import DatabaseUnusable, PortalError
from ..core.roles import ADMIN, Actor
from ..core.transactions import now

PREFIX = "portal-"
STAMP = "%Y%m%d-%H%M%S"
# What a restore keeps of the accounts as they are now, over the backup's: a password
# changed since (perhaps because it leaked), an account closed since, roles taken away.
ACCOUNT_STATE = ("password_hash", "must_change_password", "active")


def list_backups(directory: Path) -> list[Path]:
    """Backups in `directory`, newest first."""
    if not directory.exists():
        return []
    return sorted(directory.glob(f"{PREFIX}*.db"), reverse=True)


def mirror_files(files_dir: Path | None, directory: Path) -> int:
    """Copy the supporting documents not yet in `directory`/files; returns how many.

    They are named by content hash and never changed, so a copy is never stale."""
    if files_dir is None or not files_dir.exists():
        return 0
    copied = 0
    for source in files_dir.rglob("*"):
        target = directory / "files" / source.relative_to(files_dir)
        if source.is_file() and not source.name.endswith(".partial") and not target.exists():
            private_folder(target.parent)
            shutil.copy2(source, target)  # keeps the source's private mode
            copied += 1
    return copied


def backup(store: Store, directory: Path, keep: int = 14, actor: Actor | None = None,
           files_dir: Path | None = None) -> Path:
    """Write a timestamped copy into `directory`, then keep only the `keep` newest; mirror
    the supporting documents beside them.

    With an `actor` (a person pressing the button), only an administrator may, and the
    backup is written to the journal. Folder and copies are private to the portal's user.
    """
    if actor is not None:
        roles.require(actor, ADMIN)
    private_folder(directory)
    stamp = now().strftime(STAMP)
    target = directory / f"{PREFIX}{stamp}.db"
    suffix = 1
    while target.exists():
        target = directory / f"{PREFIX}{stamp}-{suffix}.db"
        suffix += 1
    partial = target.with_suffix(".partial")
    copy_database(store.path, partial)
    partial.rename(target)
    for old in list_backups(directory)[keep:]:
        old.unlink()
    mirror_files(files_dir, directory)
    if actor is not None:
        with store.write(actor) as tx:
            tx.audit("backup", target.name, "create")
    return target


def backup_if_due(store: Store, directory: Path, max_age_hours: float = 24,
                  keep: int = 14, files_dir: Path | None = None) -> Path | None:
    """Back up when the newest backup is older than `max_age_hours` (or there is none)."""
    if not store.path.exists():
        return None
    existing = list_backups(directory)
    if existing:
        age = now().timestamp() - existing[0].stat().st_mtime
        if age < timedelta(hours=max_age_hours).total_seconds():
            return None
    return backup(store, directory, keep, files_dir=files_dir)


def check_candidate(path: Path) -> int:
    """Check a file before restoring it; returns its schema version."""
    if not path.is_file():
        raise PortalError(f"Fichier introuvable : {path}")
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise DatabaseUnusable(f"{path} n'est pas une base de données SQLite.")
    candidate = Store(path)
    candidate.check()
    version = candidate.schema_version()
    if version == 0:
        raise DatabaseUnusable(f"{path} n'est pas une base du Portail CPTS (pas de schéma).")
    if version > LATEST_VERSION:
        raise DatabaseUnusable(
            f"{path} vient d'une version plus récente du portail (schéma {version}, "
            f"cette version connaît le schéma {LATEST_VERSION}) : mettez le portail à jour."
        )
    return version


def restore(store: Store, source: Path, actor: Actor) -> Path | None:
    """Replace the database by `source`; returns where the current one was kept aside
    (None if there was none).

    The backup is copied, migrated and checked beside the database first: a file that is
    not the portal's never touches the live one. Other writes are paused from the copy
    aside until the replacement, so none is lost between the two. Every login issued
    before the restore ends, and accounts keep their current passwords, state and roles.
    """
    roles.require(actor, ADMIN)
    check_candidate(source)
    staged = store.path.with_name(store.path.name + ".restoring")
    try:
        _stage(source, staged)
        if not store.path.exists():
            return _swap_file(store, staged, source, actor)
        try:
            store.pause_writes(actor)
        except sqlite3.DatabaseError:
            # Damaged beyond what SQLite reads (often why one restores): no one can use it.
            return _swap_file(store, staged, source, actor)
        try:
            kept = _kept_name(store)
            store.copy_to(kept)
            store.replace_with(staged)
        except BaseException:
            store.resume_writes(actor)
            raise
        _after_restore(store, Store(kept), source, actor)
        return kept
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)


def _stage(source: Path, staged: Path) -> None:
    """Copy `source` to `staged`, migrate it and check it holds every table of ours."""
    staged.unlink(missing_ok=True)
    copy_database(source, staged)
    candidate = Store(staged)
    try:
        candidate.migrate()
    except (sqlite3.Error, PortalError) as error:
        raise DatabaseUnusable(
            f"{source} ne se met pas à jour vers le schéma actuel ({error}) : ce n'est pas "
            "une base complète du Portail CPTS. La base actuelle n'a pas été touchée."
        ) from error
    missing = sorted(portal_tables() - candidate.table_names())
    if missing:
        raise DatabaseUnusable(
            f"{source} n'est pas une base du Portail CPTS : il lui manque "
            f"{len(missing)} table(s) ({', '.join(missing[:4])}…). "
            "La base actuelle n'a pas été touchée.")
    candidate.resume_writes(roles.CLI)  # a backup taken during a restore holds the pause
    reference.sync(candidate)


def _kept_name(store: Store) -> Path:
    return store.path.with_name(f"{store.path.name}.before-restore-{now().strftime(STAMP)}")


def _swap_file(store: Store, staged: Path, source: Path, actor: Actor) -> Path | None:
    """Restore where there is no database, or one SQLite cannot read: keep its bytes
    aside, move the staged copy in."""
    kept = None
    if store.path.exists():
        kept = _kept_name(store)
        shutil.copy2(store.path, kept)
    for extra in ("-wal", "-shm"):
        Path(f"{store.path}{extra}").unlink(missing_ok=True)
    shutil.move(staged, store.path)
    with store.write(actor) as tx:
        _end_logins(tx, source.name, kept)
    return kept


def _after_restore(store: Store, before: Store, source: Path, actor: Actor) -> None:
    """Accounts as they were before the restore, every login ended, one audit row."""
    accounts = {r["username"]: r for r in before.query(
        f"SELECT id, username, {', '.join(ACCOUNT_STATE)} FROM users")}
    granted = {}
    for row in before.query("SELECT user_id, role FROM user_roles"):
        granted.setdefault(row["user_id"], []).append(row["role"])
    with store.write(actor) as tx:
        for user in tx.all("SELECT id, username FROM users"):
            if (now_state := accounts.get(user["username"])) is None:
                continue  # unknown to the replaced database: as the backup has it
            tx.update("users", user["id"], {k: now_state[k] for k in ACCOUNT_STATE},
                      entity="user")
            tx.set_links("user_roles", "user_id", user["id"], "role",
                         granted.get(now_state["id"], []), entity="user")
        _end_logins(tx, source.name, before.path)


def _end_logins(tx, source: str, kept: Path | None) -> None:
    tx.execute("UPDATE users SET tokens_valid_after_epoch = ?", (now().timestamp(),))
    tx.audit("backup", source, "restore", after={"kept_aside": str(kept) if kept else None})
