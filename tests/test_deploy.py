"""The systemd units of deploy/ for a small Linux server: what they run works, on this
tree, with the data where their environment file puts it."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
INSTALLED = "/opt/portail-cpts"
STATE = "/var/lib/portail-cpts"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(DEPLOY / name)
    return parser


def command(line: str) -> list[str]:
    """A unit's command as it runs from this tree, with this interpreter."""
    words = shlex.split(line)
    assert words[0] == f"{INSTALLED}/.venv/bin/python"
    return [sys.executable, *words[1:]]


def environment(state: Path) -> dict[str, str]:
    lines = (DEPLOY / "portail-cpts.env").read_text().splitlines()
    pairs = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name: value.replace(STATE, str(state)) for name, value in pairs.items()}


def test_the_units_serve_on_loopback_restart_and_share_their_environment():
    portal, backup = unit("portail-cpts.service"), unit("portail-cpts-backup.service")
    start = shlex.split(portal["Service"]["ExecStart"])
    assert start[start.index("--server.address") + 1] == "127.0.0.1"
    assert portal["Service"]["Restart"] == "on-failure"
    assert portal["Install"]["WantedBy"] == "multi-user.target"
    for service in (portal, backup):
        assert service["Service"]["EnvironmentFile"] == f"{INSTALLED}/deploy/portail-cpts.env"
        assert service["Service"]["StateDirectory"] == "portail-cpts"
    timer = unit("portail-cpts-backup.timer")  # starts the service of its own name
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert backup["Service"]["Type"] == "oneshot"


def test_what_the_units_run_prepares_the_base_and_backs_it_up(tmp_path):
    env = {**environment(tmp_path), "PATH": "/usr/bin:/bin", "PORTAL_BCRYPT_ROUNDS": "4"}

    def run(line: str) -> str:
        done = subprocess.run(command(line), cwd=DEPLOY.parent, env=env, check=False,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run(unit("portail-cpts.service")["Service"]["ExecStartPre"])
    assert (tmp_path / "portal.db").exists() and (tmp_path / "secrets.toml").exists()
    done = run(unit("portail-cpts-backup.service")["Service"]["ExecStart"])
    assert "Sauvegarde écrite" in done
    assert list((tmp_path / "backups").iterdir())
