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

from . import roles
from .db import LATEST_VERSION, SQLITE_HEADER, Store, now, private_file, private_folder
from .errors import DatabaseUnusable, PortalError
from .roles import ADMIN, Actor

PREFIX = "portal-"
STAMP = "%Y%m%d-%H%M%S"


def _copy(source: Path, target: Path) -> None:
    private_file(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=5)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


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
    _copy(store.path, partial)
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
    """Replace the database by `source` after checking it; the current file is kept aside.

    Returns where the previous database was kept (None if there was none). Migrations
    then bring an older backup up to the current schema.
    """
    check_candidate(source)
    kept = None
    if store.path.exists():
        kept = store.path.with_name(f"{store.path.name}.before-restore-{now().strftime(STAMP)}")
        try:
            _copy(store.path, kept)
        except sqlite3.DatabaseError:
            # Damaged beyond what SQLite reads (often why one restores): keep its bytes.
            kept.unlink(missing_ok=True)
            shutil.copy2(store.path, kept)
    staged = store.path.with_name(store.path.name + ".restoring")
    _copy(source, staged)
    for extra in ("-wal", "-shm"):
        Path(f"{store.path}{extra}").unlink(missing_ok=True)
    shutil.move(staged, store.path)
    store.migrate()
    with store.write(actor) as tx:
        tx.audit("backup", source.name, "restore",
                 after={"kept_aside": str(kept) if kept else None})
    return kept
