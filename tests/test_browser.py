"""End-to-end journeys in Debian's headless Chromium against a real `streamlit run`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import date
from datetime import time as dt_time
from pathlib import Path

import pytest
import trustme
from docx import Document
from icalendar import Calendar
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from helpers import free_port
from portal.accounts import users
from portal.admin import demo
from portal.association import indemnities, memberships
from portal.care import unscheduled_care
from portal.core import settings
from portal.core.db import Store
from portal.core.formats import euros
from portal.core.roles import COORDINATOR, Actor
from portal.directory import organizations, persons, search
from portal.meetings import attendance, minutes, schedule
from portal.missions import aci, actions, evidence, indicators, progress
from portal.questionnaires import responses
from portal.ui import session

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "tests" / "output"
PASSWORD = "riviere-pont-canal-2026"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path, monkeypatch):
    env = {**os.environ,
           "PORTAL_DB": str(tmp_path / "portal.db"),
           "PORTAL_SECRETS": str(tmp_path / "secrets.toml"),
           "PORTAL_BACKUP_DIR": str(tmp_path / "backups"),
           "PORTAL_FILES_DIR": str(tmp_path / "files"),
           "PORTAL_BCRYPT_ROUNDS": "4"}
    for name in ("PORTAL_DB", "PORTAL_SECRETS", "PORTAL_BACKUP_DIR", "PORTAL_FILES_DIR",
                 "PORTAL_BCRYPT_ROUNDS"):
        monkeypatch.setenv(name, env[name])  # the test's own service calls share the database
    subprocess.run([sys.executable, "-m", "portal", "init"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    port = free_port()
    started = time.monotonic()
    log = (tmp_path / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < 30:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + (tmp_path / "streamlit.log").read_text())
    print(f"\nstreamlit run -> healthy: {time.monotonic() - started:.2f} s")
    yield url
    process.terminate()
    process.wait(10)
    log.close()
    # The server's own output, shown by pytest when a journey fails.
    print((tmp_path / "streamlit.log").read_text()[-5000:])


@pytest.fixture
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def timed(label: str, since: float) -> float:
    now = time.monotonic()
    print(f"{label}: {now - since:.2f} s")
    return now


def settle(page, quiet: float = 0.6, timeout: float = 15) -> None:
    """Wait until the app has not run its script for `quiet` seconds.

    The authenticator's cookie component reports back once mounted (and once it has set
    a cookie), which reruns the page: a click racing that rerun can be lost.
    """
    # Components (the cookie manager) load their frame over HTTP, then report back.
    page.wait_for_load_state("networkidle")
    deadline = time.monotonic() + timeout
    calm_since = time.monotonic()
    while time.monotonic() < deadline:
        running = page.evaluate(
            "() => !!document.querySelector('[data-test-script-state=\"running\"]')")
        if running:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        time.sleep(0.05)
    pytest.fail("the page never settled")


def field(page, label: str):
    """The input of a Streamlit widget by its exact label (help buttons share the label)."""
    return page.locator(f'input[aria-label="{label}"]')


def choose(page, label: str, option: str, exact: bool = True) -> None:
    """Pick `option` in the selectbox `label`. A rerun racing the click (the cookie
    component's, a busy machine) can close the list before it shows: open it again."""
    for _ in range(3):
        field(page, label).click()
        choice = page.get_by_role("option", name=option, exact=exact)
        try:
            choice.wait_for(timeout=5_000)
        except PlaywrightTimeout:
            settle(page)
            continue
        choice.click()
        return
    pytest.fail(f"the option {option!r} of {label!r} never showed")


def download(page, button: str) -> Path:
    """Click a download button and return the file. Streamlit serves the file once the
    click reaches the server; a click that lands while the page reruns (the cookie
    component's rerun, a busy machine) is lost, so settle and click again."""
    for _ in range(3):
        try:
            with page.expect_download(timeout=10_000) as event:
                page.get_by_role("button", name=button).click()
        except PlaywrightTimeout:
            settle(page)
            continue
        return Path(event.value.path())
    pytest.fail(f"the button {button!r} never downloaded anything")


def login_cookie(context, timeout: float = 10) -> list[dict]:
    """The login cookie, once the authenticator's component has set it in the browser."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == "portail_cpts_auth"]
        if found:
            return found
        time.sleep(0.1)
    pytest.fail("the login cookie was not set")


def replay_in_new_browser(browser, server: str, cookie: list[dict]):
    """Open the portal in a fresh browser holding only `cookie`: it must ask to log in."""
    fresh = browser.new_context()
    fresh.add_cookies(cookie)
    page = fresh.new_page()
    page.goto(server)
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=20_000)
    page.wait_for_timeout(1000)  # time enough for a cookie login to show the home page
    expect(page.get_by_role("heading", name="Bonjour Marie Martin")).to_have_count(0)
    return page


def log_in(page, username: str, password: str) -> None:
    # Until the run ends, the previous page's fields may still be on screen.
    expect(field(page, "Identifiant")).to_have_count(1, timeout=10_000)
    settle(page)
    field(page, "Identifiant").fill(username)
    field(page, "Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def as_demo_coordinator(context, server: str):
    """A page logged in as the demo's coordinator, on the home page, settled, its login
    cookie saved (so that a test can open a page by its address)."""
    page = context.new_page()
    page.goto(server)
    log_in(page, "demo.coordination", demo.PASSWORD)
    expect(page.get_by_role("heading", name="Bonjour Julie Lefèvre")).to_be_visible(
        timeout=15_000)
    settle(page)
    login_cookie(context)
    return page


def test_first_run_login_reload_logout_and_replayed_cookie(server, browser):
    context = browser.new_context()
    page = context.new_page()
    t = time.monotonic()
    page.goto(server)
    expect(page.get_by_role("heading", name="Premier administrateur")).to_be_visible(timeout=20_000)
    t = timed("first page load to first-run form", t)
    shot(page, "01_first_run")

    field(page, "Nom et prénom").fill("Marie Martin")
    field(page, "Adresse e-mail").fill("marie.martin@example.org")
    field(page, "Identifiant").fill("marie.martin")
    field(page, "Mot de passe").fill(PASSWORD)
    field(page, "Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer l'administrateur").click()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("heading", name="Premier administrateur")).to_have_count(0)
    t = timed("first-run admin creation to login form", t)
    shot(page, "02_login")

    log_in(page, "marie.martin", PASSWORD)
    expect(page.get_by_role("heading", name="Bonjour Marie Martin")).to_be_visible(timeout=15_000)
    t = timed("login click to home", t)
    expect(page.get_by_role("button", name="Se connecter")).to_have_count(0, timeout=10_000)
    shot(page, "03_home")

    page.get_by_role("link", name="Utilisateurs").click()
    expect(page.get_by_role("heading", name="Utilisateurs")).to_be_visible(timeout=10_000)
    settle(page)
    cookie = login_cookie(context)
    token = session.decode_cookie(cookie[0]["value"], settings.load().cookie_key)
    assert time.time() - token["issued_at"] < 120  # dated by us, not guessed from its expiry
    t = time.monotonic()
    page.reload()
    expect(page.get_by_role("heading", name="Utilisateurs")).to_be_visible(timeout=15_000)
    timed("reload back on the same page", t)
    assert page.url.endswith("/users")
    shot(page, "04_reload_users")

    settle(page)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=10_000)

    shot(replay_in_new_browser(browser, server, cookie), "05_replayed_cookie_refused")


def test_password_change_keeps_this_session_and_kills_the_old_cookie(server, browser):
    store = Store(settings.load().db_path)
    users.create_first_admin(store, "marie.martin", "Marie Martin", "marie@example.org",
                             PASSWORD, PASSWORD, 4)
    context = browser.new_context()
    page = context.new_page()
    page.goto(server)
    log_in(page, "marie.martin", PASSWORD)
    expect(page.get_by_role("heading", name="Bonjour Marie Martin")).to_be_visible(timeout=15_000)
    old_cookie = login_cookie(context)

    settle(page)
    page.get_by_role("link", name="Mon compte").click()
    expect(page.get_by_role("heading", name="Changer mon mot de passe")).to_be_visible()
    settle(page)
    new_password = "lanterne-verger-boussole-7"
    field(page, "Mot de passe actuel").fill(PASSWORD)
    field(page, "Nouveau mot de passe").fill(new_password)
    field(page, "Confirmez le nouveau mot de passe").fill(new_password)
    field(page, "Confirmez le nouveau mot de passe").press("Tab")  # sent on leaving
    settle(page)
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_text("Mot de passe changé")).to_be_visible(timeout=10_000)
    shot(page, "06_password_changed")

    deadline = time.monotonic() + 10
    while login_cookie(context)[0]["value"] == old_cookie[0]["value"]:
        assert time.monotonic() < deadline, "no new cookie after the password change"
        time.sleep(0.1)
    page.reload()  # this browser's fresh cookie still logs in
    expect(page.get_by_role("heading", name="Mon compte")).to_be_visible(timeout=15_000)

    replay_in_new_browser(browser, server, old_cookie)


def test_directory_search_open_edit_and_export(server, browser):
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    target = search.search_people(store, search.Filters(include_hidden=True))
    last_name = target.iloc[0]["last_name"]
    page = as_demo_coordinator(browser.new_context(accept_downloads=True), server)

    t = time.monotonic()
    page.get_by_role("link", name="Annuaire", exact=True).click()
    expect(field(page, "Rechercher")).to_be_visible()
    settle(page)
    field(page, "Rechercher").fill(last_name)
    field(page, "Rechercher").press("Enter")
    expect(page.get_by_text("personne(s). Cliquez")).to_be_visible(timeout=10_000)
    settle(page)
    timed("search", t)
    shot(page, "10_directory_search")

    grid = page.get_by_test_id("stDataFrame").first.bounding_box()
    page.mouse.click(grid["x"] + 18, grid["y"] + 35 + 17)  # first row's selection box
    expect(page.get_by_role("heading", name=last_name)).to_be_visible(timeout=10_000)
    assert "/person?id=" in page.url
    settle(page)
    shot(page, "11_person")

    page.get_by_text("Modifier la fiche").click()
    settle(page)
    field(page, "E-mail").fill("nouvelle.adresse@example.org")
    field(page, "E-mail").press("Tab")  # the value is sent when the field loses focus
    settle(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Fiche enregistrée.")).to_be_visible(timeout=10_000)
    person_id = int(page.url.split("id=")[1])
    assert persons.get_person(store, person_id)["email"] == "nouvelle.adresse@example.org"
    settle(page)

    page.get_by_role("link", name="Retour à l'annuaire").click()
    expect(page.get_by_role("button", name="CSV (Excel)")).to_be_visible(timeout=10_000)
    settle(page)
    content = download(page, "CSV (Excel)").read_bytes()
    assert content.startswith(b"\xef\xbb\xbfCivilit")  # BOM, then the header
    assert "nouvelle.adresse@example.org" in content.decode("utf-8-sig")


def test_create_an_action_then_a_value_moves_the_chart(server, browser):
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    helped = int(indicators.list_indicators(store, "socle_1").query(
        "name.str.startswith('Patients fragiles')")["id"].iloc[0])
    before = progress.standings(store, date.today().year, indicator_id=helped).iloc[0]
    page = as_demo_coordinator(browser.new_context(), server)

    t = time.monotonic()
    page.get_by_role("link", name="Fiches action", exact=True).click()
    expect(page.get_by_role("button", name="Nouvelle action")).to_be_visible(timeout=10_000)
    settle(page)
    page.get_by_role("button", name="Nouvelle action").click()
    expect(field(page, "Intitulé")).to_be_visible(timeout=10_000)
    settle(page)
    field(page, "Intitulé").fill("Dépistage du cancer colorectal en pharmacie")
    field(page, "Intitulé").press("Tab")
    settle(page)
    choose(page, "Mission(s) ACI", "Prévention", exact=False)
    page.keyboard.press("Escape")
    settle(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Dépistage du cancer colorectal")).to_be_visible(
        timeout=10_000)
    created = actions.list_actions(store, "socle_3")
    assert "Dépistage du cancer colorectal en pharmacie" in created["title"].tolist()
    t = timed("new action saved and opened", t)
    settle(page)
    shot(page, "20_new_action")

    page.get_by_role("link", name="Missions", exact=True).click()
    page.get_by_role("link", name="Indicateur : Patients fragiles aidés").click()
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart).to_be_visible(timeout=10_000)
    settle(page)
    drawn = chart.screenshot()
    field(page, "Valeur").fill("30")
    page.get_by_role("button", name="Enregistrer la valeur").click()
    expect(page.get_by_text(f"valeur de l'année : {before['actual'] + 30:.0f}")).to_be_visible(
        timeout=10_000)
    settle(page)
    timed("value entered, chart redrawn", t)
    assert chart.screenshot() != drawn  # the cumulative line gained this month's point
    shot(page, "21_indicator_after_value")


def test_create_a_meeting_invite_the_bureau_mark_attendance_decide_and_download_ics(
        server, browser):
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    bureau = len(attendance.group_people(store, "bureau"))
    page = as_demo_coordinator(browser.new_context(accept_downloads=True), server)

    t = time.monotonic()
    page.get_by_role("link", name="Réunions", exact=True).click()
    page.get_by_role("button", name="Nouvelle réunion").click()
    expect(field(page, "Type de réunion")).to_be_visible(timeout=10_000)
    settle(page)
    choose(page, "Type de réunion", "Bureau")
    settle(page)
    field(page, "Intitulé (facultatif : le type sinon)").fill("Bureau de décembre")
    field(page, "Intitulé (facultatif : le type sinon)").press("Tab")
    settle(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Bureau de décembre")).to_be_visible(
        timeout=10_000)
    settle(page)
    meeting_id = store.scalar("SELECT id FROM meetings WHERE title = 'Bureau de décembre'")
    t = timed("meeting created and opened", t)

    choose(page, "Ou tout un groupe", "Le bureau")
    settle(page)
    page.get_by_text(f"Je confirme l'invitation de {bureau} personne(s)").click()
    settle(page)
    page.get_by_role("button", name="Inviter le groupe").click()
    expect(page.get_by_text(f"{bureau} personne(s) invitée(s).")).to_be_visible(timeout=10_000)
    settle(page)
    page.get_by_role("button", name="Marquer présents les invités sans statut").click()
    expect(page.get_by_text("Quorum atteint").first).to_be_visible(timeout=10_000)
    settle(page)
    assert attendance.attendees(store, meeting_id)["status"].tolist() == ["present"] * bureau
    t = timed("bureau invited, attendance marked, quorum shown", t)
    shot(page, "30_meeting_attendance")

    page.get_by_role("tab", name="Décisions et tâches").click()
    page.get_by_label("Décision ou tâche").fill("Valider le budget de la formation SNP")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_role("button", name="Enregistrer les décisions")).to_be_visible(
        timeout=10_000)
    settle(page)
    assert minutes.decisions(store, meeting_id)["text"].tolist() == [
        "Valider le budget de la formation SNP"]
    t = timed("decision recorded", t)

    calendar = Calendar.from_ical(download(page, "Invitation (.ics)").read_bytes())
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]) == "Bureau de décembre"
    assert event["dtstart"].dt.tzinfo is not None and event["dtstart"].params["TZID"] == \
        "Europe/Paris"
    timed("invitation downloaded and parsed", t)


def tab_to(page, test: str, limit: int = 80) -> None:
    """Press Tab until the focused element passes `test` (a JavaScript expression on
    `el`): the way a coordinator moves through a form without the mouse."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({test}); }}"):
            return
    pytest.fail(f"Tab never reached an element where {test}")


def test_three_paper_answers_typed_with_the_keyboard_only(server, browser):
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    campaign_id = store.scalar("SELECT id FROM campaigns WHERE closed = 0")
    before = responses.count_responses(store, campaign_id)
    people = store.query(  # without a namesake, so typing the name finds one record
        "SELECT id, last_name, first_name FROM people p WHERE id NOT IN (SELECT person_id"
        " FROM responses WHERE campaign_id = ?) AND (SELECT COUNT(*) FROM people o"
        " WHERE o.name_key = p.name_key) = 1 ORDER BY id LIMIT 3", (campaign_id,))
    page = as_demo_coordinator(browser.new_context(), server)
    page.goto(f"{server}/survey_entry")
    expect(field(page, "Personne de l'annuaire")).to_be_visible(timeout=15_000)
    settle(page)
    t = time.monotonic()
    for number, someone in enumerate(people, 1):
        tab_to(page, "el.getAttribute('aria-label') === \"Personne de l'annuaire\"")
        page.keyboard.type(f"{someone['last_name']} {someone['first_name']}")
        page.keyboard.press("Enter")  # the search finds one card, which is chosen
        expect(page.get_by_role("combobox", name="Personne trouvée")).to_have_value(
            re.compile(f"^{someone['last_name']} {someone['first_name']} "), timeout=10_000)
        settle(page)
        for question in range(6):  # Oui to the first five, Non to the sixth
            tab_to(page, "el.type === 'radio'")
            page.keyboard.press("Space")
            if question == 5:
                page.keyboard.press("ArrowRight")
        tab_to(page, "el.tagName === 'INPUT' && el.type === 'text'")
        page.keyboard.type(f"Réponse papier n° {number}")
        page.keyboard.press("Enter")  # Entrée in a text field submits the form
        expect(page.get_by_text(f"dont {number} saisie(s) ici")).to_be_visible(timeout=10_000)
        settle(page)
    timed("three sheets typed and saved", t)
    shot(page, "40_survey_entry")
    assert responses.count_responses(store, campaign_id) == before + 3
    for number, someone in enumerate(people, 1):
        response_id = store.scalar("SELECT id FROM responses WHERE campaign_id = ?"
                                   " AND person_id = ?", (campaign_id, someone["id"]))
        sheet = responses.get_response(store, response_id)
        given = [v for values in sheet["answers"].values() for v in values]
        assert given == ["oui"] * 5 + ["non", f"Réponse papier n° {number}"]
        assert sheet["complete"] == 1


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")


def test_a_new_person_typed_with_the_keyboard_in_the_order_of_the_sheet(server, browser):
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    campaign_id = store.scalar("SELECT id FROM campaigns WHERE closed = 0")
    page = as_demo_coordinator(browser.new_context(), server)
    page.goto(f"{server}/survey_entry")
    expect(field(page, "Personne de l'annuaire")).to_be_visible(timeout=15_000)
    settle(page)
    tab_to(page, "el.getAttribute('aria-label') === 'Nom'")
    page.keyboard.type("Lemoine")
    page.keyboard.press("Enter")  # a half-typed sheet: asked, not saved
    expect(page.get_by_text("Cette feuille semble incomplète : il manque le prénom, la "
                            "profession, toute réponse.")).to_be_visible(timeout=10_000)
    settle(page)
    assert not store.scalar("SELECT COUNT(*) FROM people WHERE last_name = 'Lemoine'")
    tab_to(page, "el.getAttribute('aria-label') === 'Prénom'")
    page.keyboard.type("Claire")
    page.keyboard.press("Tab")
    assert focused(page) == "Profession"
    page.keyboard.type("Masseur")
    page.keyboard.press("Enter")
    settle(page)
    order = []
    for _ in range(3):  # the sheet's second row, never the list's clear button
        page.keyboard.press("Tab")
        order.append(focused(page))
    assert order == ["Commune", "Téléphone", "E-mail"]
    page.keyboard.type("claire.lemoine@example.org")
    for question in range(6):
        tab_to(page, "el.type === 'radio'")
        page.keyboard.press("Space")
    tab_to(page, "el.tagName === 'INPUT' && el.type === 'text'")
    page.keyboard.type("Nouvelle au cabinet")
    page.keyboard.press("Enter")
    expect(page.get_by_text("dont 1 saisie(s) ici")).to_be_visible(timeout=10_000)
    settle(page)
    shot(page, "41_survey_entry_new_person")
    person = store.query_one("SELECT p.id, p.first_name, p.email, pr.label AS profession"
                             " FROM people p JOIN professions pr ON pr.code = p.profession_code"
                             " WHERE p.last_name = 'Lemoine'")
    assert (person["first_name"], person["email"]) == ("Claire", "claire.lemoine@example.org")
    assert person["profession"].startswith("Masseur")
    assert store.scalar("SELECT complete FROM responses WHERE campaign_id = ? AND person_id = ?",
                        (campaign_id, person["id"])) == 1


def test_a_patient_finds_a_doctor_and_the_indicator_moves(server, browser):
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    indicator = int(indicators.list_indicators(store, "socle_1").query(
        "source == 'mt_fragiles_trouves'")["id"].iloc[0])
    before = progress.standings(store, date.today().year, indicator_id=indicator).iloc[0]
    doctor = store.query_one("SELECT p.id, p.last_name, p.first_name, k.remaining FROM"
                             " doctor_capacity k JOIN people p ON p.id = k.person_id"
                             " ORDER BY k.remaining DESC LIMIT 1")
    page = as_demo_coordinator(browser.new_context(), server)

    t = time.monotonic()
    page.get_by_role("link", name="Médecin traitant", exact=True).click()
    page.get_by_role("button", name="Nouvelle demande").click()
    expect(field(page, "Nom")).to_be_visible(timeout=10_000)
    settle(page)
    field(page, "Nom").fill("Vasseur")
    field(page, "Prénom").fill("Odile")
    born = page.get_by_test_id("stDateInput").filter(has_text="Date de naissance")
    born.locator("input").fill("1949-03-12")
    born.locator("input").press("Tab")
    page.get_by_text("Affection de longue durée (ALD)").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Odile Vasseur")).to_be_visible(timeout=10_000)
    settle(page)
    request_id = store.scalar("SELECT id FROM mt_requests WHERE last_name = 'Vasseur'")
    assert store.scalar("SELECT aged_70 FROM mt_requests WHERE id = ?", (request_id,)) == 1
    t = timed("request entered and opened", t)

    for status in ("Proposée", "Acceptée"):  # a doctor proposed straight away
        page.get_by_text(status, exact=True).last.click()
        settle(page)
        if status == "Proposée":  # a busy machine can close the list: choose reopens it
            choose(page, "Médecin proposé", f"{doctor['last_name']} {doctor['first_name']}",
                   exact=False)
            settle(page)
        page.get_by_role("button", name=f"Enregistrer : {status}").click()
        expect(page.get_by_text(f" · {status} · ")).to_be_visible(timeout=10_000)
        settle(page)
    saved = store.query_one("SELECT status, doctor_id FROM mt_requests WHERE id = ?",
                            (request_id,))
    assert (saved["status"], saved["doctor_id"]) == ("acceptee", doctor["id"])
    assert store.scalar("SELECT remaining FROM doctor_capacity WHERE person_id = ?",
                        (doctor["id"],)) == doctor["remaining"] - 1  # one place taken
    t = timed("search, proposal, acceptance", t)
    shot(page, "50_doctor_request")

    page.goto(f"{server}/indicator?id={indicator}")
    expect(page.get_by_text(f"valeur de l'année : {before['actual'] + 1:.0f}")).to_be_visible(
        timeout=15_000)
    timed("indicator moved", t)


def test_a_person_without_phone_lists_opens_and_exports(server, browser):
    """An RPPS import leaves people with no phone, e-mail, commune or structure."""
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    coordination = Actor("demo.coordination", frozenset({COORDINATOR}))
    persons.save_person(store, coordination, {"last_name": "Abadie"})
    page = as_demo_coordinator(browser.new_context(accept_downloads=True), server)
    page.get_by_role("link", name="Annuaire", exact=True).click()
    expect(field(page, "Rechercher")).to_be_visible()
    settle(page)
    field(page, "Rechercher").fill("Abadie")
    field(page, "Rechercher").press("Enter")
    expect(page.get_by_text("1 personne(s). Cliquez")).to_be_visible(timeout=10_000)
    settle(page)
    shot(page, "12_directory_person_without_phone")
    content = download(page, "CSV (Excel)").read_bytes().decode("utf-8-sig")
    line = next(row for row in content.splitlines() if "Abadie" in row)
    assert "nan" not in line.lower() and "None" not in line
    grid = page.get_by_test_id("stDataFrame").first.bounding_box()
    page.mouse.click(grid["x"] + 18, grid["y"] + 35 + 17)
    expect(page.get_by_role("heading", name="Abadie")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Non renseignées")).to_be_visible()
    settle(page)
    shot(page, "13_person_without_phone")


def test_a_vote_without_quorum_reads_not_valid(server, browser):
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    coordination = Actor("demo.coordination", frozenset({COORDINATOR}))
    meeting_id, _ = schedule.save_meeting(store, coordination, {
        "kind": "ca", "title": "CA sans quorum", "day": date.today(), "start": dt_time(8, 0),
        "end": dt_time(9, 0)})
    members = attendance.group_people(store, "ca", date.today())
    attendance.invite(store, coordination, meeting_id, members)
    sheet = attendance.attendees(store, meeting_id)
    attendance.record_attendance(store, coordination, meeting_id, {
        int(r.id): ("present" if i == 0 else "excuse", None)
        for i, r in enumerate(sheet.itertuples())})
    page = as_demo_coordinator(browser.new_context(accept_downloads=True), server)
    page.goto(f"{server}/meeting?id={meeting_id}")
    expect(page.get_by_role("tab", name="Délibérations")).to_be_visible(timeout=15_000)
    settle(page)
    page.get_by_role("tab", name="Délibérations").click()
    field(page, "Objet").fill("Budget 2027")
    field(page, "Pour").fill("1")
    page.get_by_role("button", name="Enregistrer le vote").click()
    expect(page.get_by_text("Quorum non atteint : le vote est enregistré comme non valable.")
           ).to_be_visible(timeout=10_000)
    settle(page)
    assert [m["result"] for m in minutes.motions(store, meeting_id)] == ["non_valable"]
    # The page stays on its tab, where the vote now reads as not valid.
    expect(page.get_by_role("tab", name="Délibérations")).to_have_attribute(
        "aria-selected", "true")
    expect(page.get_by_text("Non valable (quorum non atteint)").first).to_be_attached()
    shot(page, "31_vote_without_quorum")
    word = Document(download(page, "Compte rendu (Word)"))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "Non valable (quorum non atteint)" in cells and "Adoptée" not in cells


def test_a_call_taken_on_a_slot_takes_its_place(server, browser):
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    coordination = Actor("demo.coordination", frozenset({COORDINATOR}))
    doctor = persons.save_person(store, coordination, {
        "last_name": "Garde", "first_name": "Paul", "profession_code": "10"})[0]
    slot = unscheduled_care.open_slot(store, coordination, doctor, dt_time(0, 0),
                                      dt_time(23, 59), 1, on_day=date.today())
    page = as_demo_coordinator(browser.new_context(), server)
    page.get_by_role("link", name="Soins non programmés", exact=True).click()
    expect(page.get_by_role("tab", name="Nouvelle demande")).to_be_visible(timeout=15_000)
    settle(page)
    page.get_by_role("tab", name="Nouvelle demande").click()
    expect(field(page, "Tranche d'âge")).to_be_visible(timeout=10_000)
    for label, option in (("Tranche d'âge", "40-64"), ("Motif", "Fièvre, infection")):
        choose(page, label, option, exact=False)
        settle(page)
    choose(page, "Orientée vers un créneau", "Garde Paul", exact=False)
    settle(page)
    page.get_by_role("button", name="Enregistrer et passer à l'appel suivant").click()
    expect(page.get_by_text("Demande enregistrée.")).to_be_visible(timeout=10_000)
    settle(page)
    taken = store.query_one("SELECT slot_id, slot_day, person_id FROM snp_requests"
                            " WHERE slot_id = ?", (slot,))
    assert taken == {"slot_id": slot, "slot_day": date.today().isoformat(), "person_id": doctor}
    # The one place is taken: the slot now reads full, and a second call is refused.
    field(page, "Orientée vers un créneau").click()
    expect(page.get_by_role("option", name="complet", exact=False)).to_be_visible()
    page.keyboard.press("Escape")
    settle(page)
    shot(page, "60_call_on_a_slot")


TRICKY = "Point -- www.exemple.fr marie@exemple.fr :material/home: :streamlit: &amp; -> ..."


def reads_literally(element, text: str = TRICKY) -> None:
    """The element shows `text` as typed: no link, icon, dash or entity made of it."""
    expect(element).to_be_visible(timeout=15_000)
    assert text in element.inner_text().replace("\u2060", "")
    made = "a[href*='exemple.fr'], a[href^='mailto:'], [aria-label='home icon']"
    assert element.locator(made).count() == 0


def test_user_text_in_titles_captions_links_and_labels_stays_literal(server, browser):
    """Issue 14, point 9: where Streamlit reads markdown, typed text is shown as typed."""
    config = settings.load()
    store = Store(config.db_path)
    demo.load(store, 4)
    coordination = Actor("demo.coordination", frozenset({COORDINATOR}))
    meeting_id, _ = schedule.save_meeting(store, coordination, {
        "kind": "ca", "title": TRICKY, "day": date.today(), "start": dt_time(8, 0),
        "end": dt_time(9, 0)})
    action_id, _ = actions.save_action(store, coordination, {"number": 99, "title": TRICKY},
                                       missions=["socle_1"])
    person_id = store.scalar("SELECT person_id FROM person_organizations LIMIT 1")
    organization_id = store.scalar("SELECT organization_id FROM person_organizations"
                                   " WHERE person_id = ?", (person_id,))
    organizations.save_organization(store, coordination, {
        **organizations.get_organization(store, organization_id), "name": TRICKY}, organization_id)
    indicator_id = store.scalar("SELECT MIN(id) FROM indicators")
    filename = "CR -- www.exemple.fr marie@exemple.fr :streamlit: &amp;.pdf"
    evidence.add(store, coordination, config.files_dir, indicator_id, filename, b"%PDF-1.4 x")
    page = as_demo_coordinator(browser.new_context(), server)

    page.goto(f"{server}/meetings")
    expect(page.get_by_role("radio", name="Calendrier")).to_be_visible(timeout=15_000)
    settle(page)
    page.get_by_role("radio", name="Calendrier").click()
    reads_literally(page.get_by_test_id("stCaptionContainer").filter(has_text="Point").first)
    page.goto(f"{server}/meeting?id={meeting_id}")
    reads_literally(page.locator("h1").filter(has_text="Point"))
    page.goto(f"{server}/missions")
    reads_literally(page.get_by_test_id("stPageLink").filter(has_text="Point"))
    page.goto(f"{server}/action?id={action_id}")
    reads_literally(page.locator("h1").filter(has_text="Point"))
    page.goto(f"{server}/person?id={person_id}")
    reads_literally(page.get_by_test_id("stPageLink").filter(has_text="Point"))
    page.goto(f"{server}/organization?id={organization_id}")
    reads_literally(page.locator("h1").filter(has_text="Point"))
    page.goto(f"{server}/indicator?id={indicator_id}")
    reads_literally(page.get_by_test_id("stDownloadButton").filter(has_text="CR"),
                    filename)
    shot(page, "41_user_text_literal")


def test_the_portal_refuses_to_run_inside_another_sites_frame(server, browser, tmp_path):
    """Issue 14, point 16: no clickjacking through a frame on a page of another origin."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(
        f'<html><body><h1>Autre site</h1><iframe src="{server}" width="900" height="600">'
        "</iframe></body></html>")
    port = free_port()
    other = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                              "127.0.0.1", "--directory", str(tmp_path / "site")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = browser.new_page()
        for _ in range(50):
            try:
                page.goto(f"http://127.0.0.1:{port}/")
                break
            except PlaywrightError:
                time.sleep(0.1)
        frame = page.frame_locator("iframe")
        expect(frame.get_by_text("ne s'affiche pas à l'intérieur d'une autre page")
               ).to_be_visible(timeout=20_000)
        expect(frame.get_by_role("button", name="Se connecter")).to_have_count(0)
        shot(page, "42_framed_refused")
    finally:
        other.terminate()
        other.wait(5)


COUNT_RUNS = """(() => {
  window.__runs = 0;
  let running = false;
  new MutationObserver(() => {
    const now = !!document.querySelector('[data-test-script-state="running"]');
    if (now && !running) window.__runs += 1;
    running = now;
  }).observe(document, {subtree: true, childList: true, attributes: true});
})()"""


def test_the_login_page_and_a_cookie_login_run_the_script_once(server, browser):
    """Issue 16: the login cookie's component, drawn on every run to read the cookies,
    ran each newly opened page a second time when it reported them; they are read from
    the request now, and the component is drawn only to set or delete the cookie."""
    demo.load(Store(settings.load().db_path), 4)
    context = browser.new_context()
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    page.goto(server)
    expect(field(page, "Identifiant")).to_have_count(1, timeout=15_000)
    settle(page, quiet=1.5)
    assert page.evaluate("() => window.__runs") == 1
    log_in(page, "demo.coordination", demo.PASSWORD)
    expect(page.get_by_role("heading", name="Bonjour Julie Lefèvre")).to_be_visible(
        timeout=15_000)
    settle(page)
    login_cookie(context)
    page.reload()  # logged in again from the cookie alone, in one run, logout button drawn
    expect(page.get_by_role("heading", name="Bonjour Julie Lefèvre")).to_be_visible(
        timeout=15_000)
    settle(page, quiet=1.5)
    assert page.evaluate("() => window.__runs") == 1
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def as_demo_treasurer(browser, server: str):
    """A page (downloads accepted) logged in as Sophie Moreau, bureau and treasury."""
    page = as_demo_coordinator(browser.new_context(accept_downloads=True), server)
    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, "demo.bureau2", demo.PASSWORD)
    expect(page.get_by_role("heading", name="Bonjour Sophie Moreau")).to_be_visible(
        timeout=15_000)
    settle(page)
    return page


def click_first_row(page, table: int) -> None:
    """Tick the first row of the `table`-th grid of the page (hidden tabs' count too)."""
    grid = page.get_by_test_id("stDataFrame").nth(table).bounding_box()
    page.mouse.click(grid["x"] + 18, grid["y"] + 35 + 17)


def test_the_treasurer_renews_the_members_records_a_payment_and_prints_its_receipt(
        server, browser):
    """Issue 18: next year started from this year's members at its new fee, then a
    payment under a member and its Word receipt."""
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    next_year = date.today().year + 1
    page = as_demo_treasurer(browser, server)
    page.get_by_role("link", name="Adhérents", exact=True).click()
    expect(page.get_by_role("heading", name="Adhérents")).to_be_visible(timeout=15_000)
    settle(page)
    choose(page, "Année", str(next_year))
    settle(page)
    page.get_by_role("tab", name="Cotisations").click()
    field(page, "Cotisation (EUR)").fill("12")
    field(page, "Cotisation (EUR)").press("Tab")
    page.get_by_role("button", name=f"Enregistrer la cotisation {next_year}").click()
    expect(page.get_by_text(f"Cotisation {next_year} enregistrée.")).to_be_visible(
        timeout=10_000)
    settle(page)
    page.get_by_role("tab", name="Renouvellement").click()
    page.get_by_text(f"Je confirme le renouvellement pour {next_year}").click()
    settle(page)
    page.get_by_role("button", name="Renouveler").click()
    members = memberships.count_members(store, memberships.Filters(date.today().year))
    expect(page.get_by_text(f"{members} adhésion(s) {next_year} créée(s).")).to_be_visible(
        timeout=10_000)
    settle(page)
    page.get_by_role("tab", name="Adhérents").click()
    click_first_row(page, 1)  # after the collèges' table
    expect(field(page, "Montant (EUR)")).to_have_value("12.00", timeout=10_000)
    settle(page)
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text("Paiement enregistré : reçu n°")).to_be_visible(timeout=10_000)
    settle(page)
    number = store.scalar("SELECT MAX(receipt_number) FROM membership_payments")
    receipt = Document(download(page, "Reçu (Word)"))
    assert receipt.paragraphs[0].text == f"Reçu de cotisation n° {number}"
    assert any(f"pour l'année {next_year}" in p.text for p in receipt.paragraphs)
    shot(page, "80_member_payment")


def test_the_treasurer_prepares_validates_and_prints_an_indemnity_statement(server, browser):
    """Issue 18: a statement made from the meetings attended and the slots held, validated
    (then frozen), and its Word document."""
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    year = date.today().year
    first = indemnities.pending_by_person(store, date(year, 1, 1), date.today(), limit=1)
    page = as_demo_treasurer(browser, server)
    page.get_by_role("link", name="Indemnisations", exact=True).click()
    expect(page.get_by_role("heading", name="Indemnisations")).to_be_visible(timeout=15_000)
    settle(page)
    click_first_row(page, 0)
    button = page.get_by_role("button", name="Préparer pour la sélection (1)")
    expect(button).to_be_enabled(timeout=10_000)
    settle(page)
    button.click()
    expect(page.get_by_text("1 relevé(s) préparé(s), n° 2")).to_be_visible(timeout=10_000)
    settle(page)
    page.get_by_role("tab", name="Relevés").click()
    click_first_row(page, 1)
    expect(page.get_by_role("heading", name=f"Relevé n° 2 – {first['name'][0]}")).to_be_visible(
        timeout=10_000)
    settle(page)
    page.get_by_text("J'ai vérifié ce relevé").click()
    settle(page)
    page.get_by_role("button", name="Valider le relevé").click()
    expect(page.get_by_text("Relevé n° 2 validé.")).to_be_visible(timeout=10_000)
    settle(page)
    statement = store.query_one("SELECT * FROM indemnity_statements WHERE number = 2")
    assert statement["validated_by"] == "demo.bureau2"
    assert statement["person_id"] == int(first["person_id"][0])
    document = Document(download(page, "Relevé (Word)"))
    assert document.paragraphs[0].text == "Relevé d'indemnisation n° 2"
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert cells[-1] == euros(int(first["amount_cents"][0]))
    assert not any("PROJET" in p.text for p in document.paragraphs)
    shot(page, "81_indemnity_statement")


def own_certificate(folder: Path) -> str:
    """A certificate for 127.0.0.1 from a test authority, as PORTAL_TLS names one."""
    issued = trustme.CA().issue_cert("127.0.0.1")
    cert, key = folder / "cpts.crt", folder / "cpts.key"
    cert.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    key.write_bytes(issued.private_key_pem.bytes())
    return f"{cert} {key}"


@pytest.mark.parametrize("tls", ["own", "internal"])
def test_over_https_behind_caddy_the_login_cookie_is_secure(server, browser, tmp_path, tls):
    """Issue 17: the shipped Caddyfile in front of the portal bound to 127.0.0.1, with
    the CPTS's own certificate or one of Caddy's internal authority: the login goes
    through the proxy, WebSocket included, and the cookie it leaves is Secure and
    SameSite=Strict."""
    port = free_port()
    proxied = f"https://127.0.0.1:{port}"
    log = (tmp_path / "caddy.log").open("wb")
    caddy = subprocess.Popen(
        ["caddy", "run", "--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter",
         "caddyfile"], stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
             "XDG_CONFIG_HOME": str(tmp_path / "config"), "PORTAL_SITE": proxied,
             "PORTAL_TLS": own_certificate(tmp_path) if tls == "own" else "internal",
             "PORTAL_PORT": server.rsplit(":", 1)[1],
             "PORTAL_CADDY_ADMIN": "off", "PORTAL_HTTP_PORT": str(free_port()),
             "PORTAL_HTTPS_PORT": str(port)})
    try:
        demo.load(Store(settings.load().db_path), 4)
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        for _ in range(100):  # Caddy takes a moment to listen
            try:
                answer = page.goto(proxied)
                break
            except PlaywrightError:
                time.sleep(0.1)
        else:
            pytest.fail("caddy did not start: " + (tmp_path / "caddy.log").read_text())
        assert answer.headers["strict-transport-security"].startswith("max-age=")
        assert answer.headers["x-frame-options"] == "SAMEORIGIN"
        log_in(page, "demo.coordination", demo.PASSWORD)
        expect(page.get_by_role("heading", name="Bonjour Julie Lefèvre")).to_be_visible(
            timeout=15_000)
        cookie, = login_cookie(context)
        assert cookie["secure"] and cookie["sameSite"] == "Strict"
        # The menu works through the proxy: the WebSocket carries the next run.
        page.get_by_role("link", name="Annuaire", exact=True).click()
        expect(field(page, "Rechercher")).to_be_visible(timeout=15_000)
        settle(page)
        shot(page, f"70_over_https_{tls}_certificate")
    finally:
        caddy.terminate()
        caddy.wait(timeout=10)


def test_a_prevention_event_with_its_sign_in_sheet_moves_the_indicator(server, browser,
                                                                         tmp_path):
    """Issue 19: an event recorded with the people it reached and its sign-in sheet; the
    indicator of people reached counts them."""
    store = Store(settings.load().db_path)
    demo.load(store, 4)
    indicator = int(indicators.list_indicators(store, "socle_3").query(
        "source == 'prevention_personnes'")["id"].iloc[0])
    before = progress.standings(store, date.today().year, indicator_id=indicator).iloc[0]
    page = as_demo_coordinator(browser.new_context(), server)
    page.get_by_role("link", name="Prévention", exact=True).click()
    page.get_by_role("button", name="Nouvel événement").click()
    expect(field(page, "Intitulé")).to_be_visible(timeout=10_000)
    settle(page)
    field(page, "Intitulé").fill("Atelier mémoire")
    choose(page, "Thème", "Santé mentale")
    settle(page)
    choose(page, "Format", "Atelier")
    settle(page)
    field(page, "Personnes touchées (une fois l'événement tenu)").fill("27")
    field(page, "Personnes touchées (une fois l'événement tenu)").press("Tab")
    settle(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Atelier mémoire")).to_be_visible(timeout=10_000)
    settle(page)
    sheet = tmp_path / "emargement.pdf"
    sheet.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.locator('input[type="file"]').set_input_files(sheet)
    expect(page.get_by_text("emargement.pdf")).to_be_visible(timeout=10_000)
    settle(page)
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_text("Document « emargement.pdf » déposé.")).to_be_visible(
        timeout=10_000)
    settle(page)
    event_id = store.scalar("SELECT id FROM prevention_events WHERE title = 'Atelier mémoire'")
    assert store.scalar("SELECT filename FROM record_documents WHERE entity ="
                        " 'prevention_event' AND record_id = ?", (event_id,)) == "emargement.pdf"
    shot(page, "82_prevention_event")
    # On the dashboard, the mission's grid lists the indicator: its row opens it.
    standings = progress.standings(store, date.today().year)
    missions = [m["code"] for m in aci.all_missions(store)
                if m["code"] in set(standings["mission_code"])]
    mine = standings[standings["mission_code"] == "socle_3"].reset_index(drop=True)
    row = int(mine.index[mine["id"] == indicator][0])
    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible(timeout=15_000)
    settle(page)
    grid = page.get_by_test_id("stDataFrame").nth(missions.index("socle_3"))
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17 + 35 * row)
    expect(page.get_by_text(f"valeur de l'année : {before['actual'] + 27:.0f}")).to_be_visible(
        timeout=15_000)
