"""`python -m portal ...`, run as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rpps_files import header, line, professional

from portal.accounts import login, users
from portal.admin import demo
from portal.core.db import Store
from portal.core.roles import CLI
from portal.directory import territory

GOOD = "riviere-pont-canal-2026"

ROOT = Path(__file__).resolve().parent.parent


def run(*args, input_text=None):
    """The env fixture has pointed PORTAL_* at a temporary folder in os.environ."""
    return subprocess.run([sys.executable, "-m", "portal", *args], check=False, cwd=ROOT,
                          text=True, capture_output=True, input=input_text)


def test_init_generates_secrets_once_and_migrates_idempotently(env):
    env.secrets_path.unlink()
    first = run("init")
    assert first.returncode == 0, first.stderr
    assert "Clé secrète" in first.stdout
    key = env.secrets_path.read_text()
    assert oct(env.secrets_path.stat().st_mode)[-3:] == "600"
    second = run("init")
    assert "schéma à jour" in second.stdout
    assert env.secrets_path.read_text() == key


def test_create_admin_prompts_then_refuses_weak_passwords(env):
    answers = "marie.martin\nMarie Martin\nmarie@example.org\n{0}\n{0}\n"
    weak = run("create-admin", input_text=answers.format("azertyuiop123"))
    assert weak.returncode == 1 and "courants" in weak.stderr
    ok = run("create-admin", input_text=answers.format("riviere-pont-canal-2026"))
    assert ok.returncode == 0, ok.stderr
    assert users.get_user(Store(env.db_path), "marie.martin")["roles"] == ["admin"]


def test_demo_prints_its_accounts_and_marks_the_portal(env):
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert demo.PASSWORD in result.stdout
    for username, *_ in demo.USERS:
        assert username in result.stdout
    store = Store(env.db_path)
    assert demo.is_loaded(store)
    again = run("demo")
    assert again.returncode == 1 and "déjà chargée" in again.stderr


def test_backup_check_and_restore(env):
    run("init")
    backup = run("backup")
    assert backup.returncode == 0, backup.stderr
    copy = Path(backup.stdout.split(": ", 1)[1].strip())
    assert copy.exists()
    assert "intégrité correcte" in run("check").stdout
    restored = run("restore", str(copy), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "Ancienne base conservée" in restored.stdout


def test_check_fails_with_a_french_message_on_a_foreign_file(env):
    env.db_path.parent.mkdir(parents=True, exist_ok=True)
    env.db_path.write_text("ceci n'est pas une base")
    result = run("check")
    assert result.returncode == 1
    assert "n'est pas une base de données SQLite" in result.stderr
    assert env.db_path.read_text() == "ceci n'est pas une base"


def test_a_damaged_database_can_still_be_replaced_by_a_backup(env):
    backup = run("backup")
    copy = Path(backup.stdout.split(": ", 1)[1].strip())
    env.db_path.write_bytes(b"garbage, not a database")
    for extra in ("-wal", "-shm"):
        Path(f"{env.db_path}{extra}").unlink(missing_ok=True)
    assert run("check").returncode == 1
    restored = run("restore", str(copy), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "intégrité correcte" in run("check").stdout


def test_import_rpps_dry_run_then_for_real(env, tmp_path):
    run("init")
    store = Store(env.db_path)
    territory.add_communes(store, CLI, ["45155"])
    extraction = tmp_path / "PS_LibreAcces_Personne_activite_202611010930.txt"
    extraction.write_text(header() + line(professional("10000000017", "MARTIN", "ANNE",
                                                       "45155")), encoding="utf-8")
    dry = run("import-rpps", str(extraction), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "nouvelles : 1" in dry.stdout and "rien n'a été écrit" in dry.stdout
    assert store.scalar("SELECT COUNT(*) FROM people") == 0
    real = run("import-rpps", str(extraction))
    assert real.returncode == 0, real.stderr
    assert store.scalar("SELECT source_date FROM people") == "2026-11-01"
    broken = tmp_path / "broken.txt"
    broken.write_text(header() + "8|1|trop court|\n", encoding="utf-8")
    failed = run("import-rpps", str(broken))
    assert failed.returncode == 1 and "Ligne 2" in failed.stderr


def test_unlock_lets_a_locked_only_administrator_back_in(env):
    """Issue 14, point 15: anyone can lock the only administrator with five wrong
    passwords; the lock stays, and the machine's command line lifts it."""
    run("init")
    store = Store(env.db_path)
    users.create_first_admin(store, "seule.admin", "Seule Admin", "a@example.org", GOOD, GOOD,
                             4)
    for _ in range(login.LOCK_AFTER_FAILURES):
        login.verify_login(store, "seule.admin", "mauvais", 4)
    assert login.verify_login(store, "seule.admin", GOOD, 4).outcome == "locked"
    done = run("unlock", "seule.admin")
    assert done.returncode == 0 and "déverrouillé" in done.stdout
    assert login.verify_login(store, "seule.admin", GOOD, 4).ok
    unknown = run("unlock", "personne")
    assert unknown.returncode == 1 and "Aucun compte « personne »" in unknown.stderr
