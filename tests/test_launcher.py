"""lancer.py, the start for a PC with only Python: on a copy of the repository as cloned,
it creates the environment, installs the requirements, initialises the database and
serves the portal; started again, it reuses all of it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from helpers import free_port

ROOT = Path(__file__).resolve().parents[1]


def clone(target: Path) -> Path:
    """The repository's files as a clone has them (tracked and new, nothing ignored:
    no .venv, no database, no secrets)."""
    names = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for name in names.splitlines():
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def launch(root: Path, env: dict, timeout: float = 600) -> str:
    """Run the launcher until it says the portal is ready and the portal answers, then
    stop it with Ctrl+C; what it printed."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "lancer.py", "--no-browser", "--address", "127.0.0.1",
         "--port", str(port)], cwd=root, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    try:
        while not any("Portail CPTS prêt" in line for line in lines):
            assert process.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                    timeout=5) as answer:
            assert answer.status == 200
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the launcher's console
    assert process.wait(timeout=60) == 0, "".join(lines)
    reader.join(timeout=10)
    return "".join(lines)


def test_the_launcher_installs_serves_and_reuses_what_exists(tmp_path):
    root = clone(tmp_path / "portail-cpts")
    data = tmp_path / "data"
    env = {**os.environ, "PORTAL_DB": str(data / "portal.db"),
           "PORTAL_SECRETS": str(data / "secrets.toml"),
           "PORTAL_BACKUP_DIR": str(data / "backups"), "PORTAL_FILES_DIR": str(data / "files"),
           "PORTAL_BCRYPT_ROUNDS": "4"}
    env.pop("VIRTUAL_ENV", None)
    started = time.monotonic()
    first = launch(root, env)
    print(f"\nfirst start, from nothing: {time.monotonic() - started:.0f} s")
    assert "Création de l'environnement Python" in first
    assert "Installation des dépendances" in first and "Portail CPTS prêt" in first
    python = root / ".venv" / "bin" / "python"
    made = python.lstat().st_mtime_ns
    assert (data / "portal.db").exists() and (data / "secrets.toml").exists()

    started = time.monotonic()
    second = launch(root, env)
    print(f"second start: {time.monotonic() - started:.0f} s")
    assert "Dépendances déjà installées." in second and "Portail CPTS prêt" in second
    assert "Création de l'environnement" not in second
    assert "Installation des dépendances" not in second
    assert python.lstat().st_mtime_ns == made
    assert "Portail arrêté." in second
