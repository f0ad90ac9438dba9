"""Speed as a user feels it: every menu entry, and one record of each kind opened from its
list, clicked in Debian's headless Chromium on a small portal (the demo CPTS, so that every
list has a record to open) and on the same at ten times a large CPTS; a two-page
hello-world Streamlit app, clicked the same way, is the floor.

    .venv/bin/python bench/browser.py [--rounds N] [--roles admin,coordination,...]
                                      [--keep DIR]

A click is timed from the click until the page stops changing: no script running, no
skeleton, nothing in the page changed for QUIET seconds; the last change is the end. The
script runs a click started are counted too (a page should run once). The 10x database
is built by the other benchmarks' fillers (20,000 people, 5,000 meetings, 5,000
questionnaires, 200 indicators over 5 years, 20,000 médecin traitant requests, five years
of SNP calls); `--keep DIR` builds it there once and reuses it.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import access_to_care
import directory
import indicators
import meetings
import questionnaires
from _pages import PASSWORD, ROOT, database
from playwright.sync_api import sync_playwright

from portal.accounts import users
from portal.admin import demo
from portal.core.roles import ADMIN, BUREAU, MEMBER, Actor
from portal.ui import navigation

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
QUIET = 0.8  # seconds without any change in the page: it has stopped
ROLES = {"admin": "bench.admin", "coordination": "bench.coordination",
         "bureau": "bench.bureau", "membre": "bench.membre"}
# (record page, list page it is opened from): the first row of the list's table.
RECORDS = (("person", "directory"), ("organization", "organizations"), ("action", "actions"),
           ("meeting", "meetings"), ("campaign", "campaigns"), ("indicator", "indicators"),
           ("doctor_request", "doctor_queue"))
HELLO = '''import streamlit as st

def first():
    st.title("Première page")
    st.write("Bonjour.")

def second():
    st.title("Deuxième page")
    st.write("Au revoir.")

st.navigation([st.Page(first, title="Première"), st.Page(second, title="Deuxième")]).run()
'''
# Watches the page from its first byte: the time of its last change, and the script runs.
WATCH = """() => {
  if (window.__bench) return;
  window.__bench = {last: performance.now(), runs: 0, running: false};
  const busy = () => !!document.querySelector(
    '[data-test-script-state="running"], [data-testid="stSkeleton"]');
  new MutationObserver(() => {
    const b = window.__bench, now = busy();
    b.last = performance.now();
    if (now && !b.running) b.runs += 1;
    b.running = now;
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        characterData: true});
}"""
ARM = "() => { window.__bench.last = performance.now(); window.__bench.runs = 0;" \
      " return performance.now(); }"
STATE = "() => ({last: window.__bench.last, runs: window.__bench.runs, now: performance.now()," \
        " busy: !!document.querySelector('[data-test-script-state=\"running\"]," \
        " [data-testid=\"stSkeleton\"]')})"


def build(folder: Path, big: bool) -> Path:
    """The demo CPTS with one bench account per role; plus ten times a large CPTS if
    `big`."""
    path = folder / ("10x.db" if big else "demo.db")
    done = path.with_suffix(".built")
    if done.exists():
        return path
    for leftover in folder.glob(f"{path.name}*"):
        leftover.unlink()
    store = database(path)
    admin = Actor("bench.admin", frozenset({ADMIN}))
    for username, codes in (("bench.bureau", [BUREAU, MEMBER]), ("bench.membre", [MEMBER])):
        users.create_user(store, admin, username, username, f"{username}@example.org", codes,
                          4, password=PASSWORD)
    with store.reading() as conn:
        conn.execute("UPDATE users SET must_change_password = 0")
    if big:
        started = time.monotonic()
        directory.fill(store, 20_000)
        meetings.fill(store, 5000, 10)
        questionnaires.fill(store, 5000)
        indicators.fill(store, 200, 5)
        access_to_care.fill(store, 20_000, 100, 5)
        print(f"10x database built in {time.monotonic() - started:.0f} s")
    demo.load(store, 4)  # after the fillers, which give their rows fixed ids
    done.touch()
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(script: Path, folder: Path, db: Path | None = None) -> tuple[str, subprocess.Popen]:
    env = {**os.environ, "PORTAL_DB": str(db or folder / "none.db"),
           "PORTAL_SECRETS": str(folder / "secrets.toml"),
           "PORTAL_BACKUP_DIR": str(folder / "backups"),
           "PORTAL_FILES_DIR": str(folder / "files"), "PORTAL_BCRYPT_ROUNDS": "4"}
    if db:  # the secrets file, as `make run` makes it
        subprocess.run([sys.executable, "-m", "portal", "init"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                return url, process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{script} did not start")


def settled(page, start: float, timeout: float = 60) -> tuple[float, int]:
    """Seconds from `start` (the page's clock) to its last change, and the script runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = page.evaluate(STATE)
        if not state["busy"] and state["now"] - state["last"] >= QUIET * 1000:
            return (state["last"] - start) / 1000, state["runs"]
        time.sleep(0.05)
    raise TimeoutError("the page never stopped changing")


def click(page, action) -> tuple[float, int]:
    """Do `action` (a click) and time it until the page has settled."""
    start = page.evaluate(ARM)
    action()
    return settled(page, start)


def open_page(browser, url: str) -> tuple[object, float]:
    """A new browser page on `url`, and the time its first screen took to settle."""
    page = browser.new_context().new_page()
    page.add_init_script(f"({WATCH})()")
    page.goto(url)
    page.wait_for_function("() => !!window.__bench")
    seconds, _ = settled(page, 0)
    return page, seconds


def link(page, title: str):
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)


def log_in(page, username: str) -> tuple[float, int]:
    page.locator('input[aria-label="Identifiant"]').fill(username)
    page.locator('input[aria-label="Mot de passe"]').fill(PASSWORD)
    return click(page, page.get_by_role("button", name="Se connecter").click)


def first_row(page):
    """The selection box of the first row of the page's first table."""
    box = page.get_by_test_id("stDataFrame").first.bounding_box()
    return lambda: page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)


def portal_round(browser, url: str, roles: list[str], timings: dict, runs: dict) -> None:
    for role in roles:
        page, first_paint = open_page(browser, url)
        timings.setdefault("Connexion (premier affichage)", []).append(first_paint)
        seconds, count = log_in(page, ROLES[role])
        timings.setdefault("Connexion (clic → accueil)", []).append(seconds)
        runs.setdefault("Connexion (clic → accueil)", []).append(count)
        entries = [e for section in navigation.menu(_codes(role)).values() for e in section
                   if not e.hidden]
        for entry in entries:
            seconds, count = click(page, link(page, entry.title).click)
            timings.setdefault(entry.title, []).append(seconds)
            runs.setdefault(entry.title, []).append(count)
        if role == "coordination":
            for record, listing in RECORDS:
                click(page, link(page, navigation.BY_KEY[listing].title).click)
                if page.get_by_test_id("stDataFrame").count() == 0:
                    continue  # an empty list: nothing to open
                seconds, count = click(page, first_row(page))
                if f"/{record}" not in page.url:
                    continue
                label = f"{navigation.BY_KEY[record].title} (fiche)"
                timings.setdefault(label, []).append(seconds)
                runs.setdefault(label, []).append(count)
        page.context.close()


def _codes(role: str) -> list[str]:
    return {"admin": [ADMIN], "coordination": ["coordinator"], "bureau": [BUREAU, MEMBER],
            "membre": [MEMBER]}[role]


def hello_round(browser, url: str, timings: dict) -> None:
    page, first_paint = open_page(browser, url)
    timings.setdefault("first", []).append(first_paint)
    for title in ("Deuxième", "Première", "Deuxième", "Première"):
        seconds, _ = click(page, link(page, title).click)
        timings.setdefault("click", []).append(seconds)
    page.context.close()


def median(values) -> float | None:
    return statistics.median(values) if values else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--keep", type=Path, help="folder where the databases are kept")
    options = parser.parse_args()
    roles = options.roles.split(",")
    with tempfile.TemporaryDirectory() as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        hello = Path(scratch) / "hello.py"
        hello.write_text(HELLO)
        servers = {"hello": serve(hello, Path(scratch)),
                   "demo": serve(ROOT / "app.py", Path(scratch), build(folder, big=False)),
                   "10x": serve(ROOT / "app.py", Path(scratch), build(folder, big=True))}
        timings = {"hello": {}, "demo": {}, "10x": {}}
        runs = {"demo": {}, "10x": {}}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for _ in range(options.rounds):
                    hello_round(browser, servers["hello"][0], timings["hello"])
                    for name in ("demo", "10x"):
                        portal_round(browser, servers[name][0], roles, timings[name],
                                     runs[name])
                browser.close()
        finally:
            for _, process in servers.values():
                process.terminate()
    report(timings, runs, options.rounds)


def report(timings: dict, runs: dict, rounds: int) -> None:
    hello_click = median(timings["hello"]["click"])
    hello_first = median(timings["hello"]["first"])
    print(f"\nHello-world Streamlit app: first screen {hello_first:.2f} s, menu click "
          f"{hello_click:.2f} s (medians, {rounds} round(s))\n")
    print("| page | demo | demo + 10x | 10x / demo | / hello click | script runs |")
    print("|---|---|---|---|---|---|")
    for label in timings["10x"] | timings["demo"]:
        small, big = median(timings["demo"].get(label)), median(timings["10x"].get(label))
        floor = hello_first if label.startswith("Connexion (premier") else hello_click
        count = max(runs["10x"].get(label, runs["demo"].get(label, [0])) or [0])
        print(f"| {label} | {_seconds(small)} | {_seconds(big)} | "
              f"{_ratio(big, small)} | {_ratio(big, floor)} | {count} |")


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _ratio(top: float | None, bottom: float | None) -> str:
    return "–" if top is None or not bottom else f"{top / bottom:.1f}"


if __name__ == "__main__":
    main()
