"""What the page benchmarks share: a database with a coordinator account, settings
pointed at it, and the median AppTest run time of one page."""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest

# AppTest runs each page outside a server, and Streamlit says so on every run ("missing
# ScriptRunContext"): thousands of lines that would bury the figures.
# A filter, not a level: Streamlit resets its loggers' levels when it reads its config.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: "missing ScriptRunContext" not in record.getMessage())

from portal.accounts import users
from portal.core import reference, settings
from portal.core.db import Store
from portal.core.roles import ADMIN, Actor
from portal.ui import navigation

RUNS = 7
PASSWORD = "riviere-pont-canal-2026"


def database(path: Path) -> Store:
    """Migrated, reference lists loaded, an admin and a coordinator (bcrypt cost 4)."""
    store = Store(path)
    store.migrate()
    reference.sync(store)
    users.create_first_admin(store, "bench.admin", "Bench", "b@example.org", PASSWORD,
                             PASSWORD, 4)
    users.create_user(store, Actor("bench.admin", frozenset({ADMIN})), "bench.coordination",
                      "Coordination", "c@example.org", ["coordinator"], 4, password=PASSWORD)
    with store.reading() as conn:
        conn.execute("UPDATE users SET must_change_password = 0")
    return store


def use(store: Store) -> None:
    """Point the portal's settings at this database (as PORTAL_* variables do)."""
    folder = store.path.parent
    os.environ["PORTAL_DB"] = str(store.path)
    os.environ["PORTAL_SECRETS"] = str(folder / "secrets.toml")
    os.environ["PORTAL_BACKUP_DIR"] = str(folder / "backups")
    os.environ["PORTAL_FILES_DIR"] = str(folder / "files")
    settings.ensure_secrets()


def page_seconds(key: str, **params) -> float:
    """Median AppTest run of one page for the logged-in coordinator."""
    def run():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = "bench.coordination"
        at.run()
        at.switch_page(navigation.path(key))
        at.query_params.update({k: str(v) for k, v in params.items()})
        started = time.perf_counter()
        at.run()
        assert not at.exception, at.exception
        return time.perf_counter() - started
    return statistics.median(run() for _ in range(RUNS))


def compare(label: str, key: str, stores: dict[str, Store], **params) -> None:
    """The page's run time on each database, and the ratio of the last to the first."""
    compare_runs(label, key, {name: (store, params) for name, store in stores.items()})


def compare_runs(label: str, key: str, runs: dict[str, tuple[Store, dict]]) -> None:
    """The page's run time for each (database, query parameters), and the ratio of the
    last to the first."""
    timings = {}
    for name, (store, params) in runs.items():
        use(store)
        timings[name] = page_seconds(key, **params)
        print(f"{label}, {name}: {timings[name] * 1000:.0f} ms (AppTest run, median of {RUNS})")
    first, *_, last = timings
    print(f"{label}: ratio {last} / {first}: {timings[last] / timings[first]:.1f}")
