"""Start the Portail CPTS with nothing but Python 3.11 or later: the way for Windows.

    python lancer.py                  the portal on this computer, in the browser
    python lancer.py --no-browser     the same, without opening the browser
    python lancer.py --port 8502      another port (8501 by default)

The first time, it creates the virtual environment (.venv beside this file) and installs
the pinned requirements into it; then, and at every start, it creates or migrates the
database and its secrets (`python -m portal init`), starts the portal and opens the
browser once the portal answers. Run again, it reuses what exists: the requirements are
installed again only when requirements.txt changed. Ctrl+C stops the portal.

Only the standard library, and paths through pathlib, so that the same file runs on
Windows, macOS and Linux; it does what `make run` does.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
import urllib.request
import venv
import webbrowser
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REQUIREMENTS = ROOT / "requirements.txt"
MINIMUM = (3, 11)


def environment_python(folder: Path) -> Path:
    """The environment's interpreter: Scripts\\python.exe on Windows, bin/python elsewhere."""
    return folder / "Scripts" / "python.exe" if os.name == "nt" else folder / "bin" / "python"


def ensure_environment(folder: Path) -> Path:
    python = environment_python(folder)
    if not python.exists():
        say(f"Création de l'environnement Python dans {folder}…")
        venv.create(folder, with_pip=True)
    return python


def ensure_requirements(python: Path, folder: Path) -> None:
    """Install requirements.txt when it changed since the last install (its hash is kept
    in the environment), so that a second start costs nothing."""
    stamp = folder / ".launcher-requirements"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted:
        say("Dépendances déjà installées.")
        return
    say("Installation des dépendances (quelques minutes la première fois)…")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(wanted)


def prepare(python: Path) -> None:
    """Create or migrate the database, generate the secrets if missing."""
    subprocess.run([str(python), "-m", "portal", "init"], cwd=ROOT, check=True)


def start(python: Path, address: str, port: int) -> subprocess.Popen:
    return subprocess.Popen([str(python), "-m", "streamlit", "run", "app.py",
                             "--server.port", str(port), "--server.address", address],
                            cwd=ROOT)


def wait_until_healthy(process: subprocess.Popen, url: str, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def say(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Démarre le Portail CPTS.")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="localhost",
                        help="adresse d'écoute (localhost par défaut : ce poste seulement)")
    parser.add_argument("--no-browser", action="store_true",
                        help="ne pas ouvrir le navigateur")
    options = parser.parse_args(argv)
    if sys.version_info < MINIMUM:
        say("Le Portail CPTS demande Python 3.11 ou plus récent (celui-ci : "
            f"{sys.version.split()[0]}). Installez-le depuis https://www.python.org.")
        return 1
    folder = ROOT / ".venv"
    python = ensure_environment(folder)
    ensure_requirements(python, folder)
    prepare(python)
    process = start(python, options.address, options.port)
    url = f"http://{options.address}:{options.port}"
    try:
        if not wait_until_healthy(process, url):
            say("Le portail n'a pas démarré : voir les messages ci-dessus.")
            process.terminate()
            return 1
        say(f"Portail CPTS prêt : {url} (Ctrl+C pour l'arrêter)")
        if not options.no_browser:
            webbrowser.open(url)
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
        say("Portail arrêté.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
