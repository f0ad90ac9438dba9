"""Home page: the figures count what the reader's own pages list; a member reads what
concerns them, not the audit log; the board and the treasury read what is due."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from streamlit import config

from helpers import COORD, logged_in, open_page, texts
from portal.association import indemnities
from portal.core.roles import MEMBER, Actor
from portal.directory import persons
from portal.directory.search import Filters, count_people
from portal.meetings import attendance, bodies, minutes, officers, schedule


def figure(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_member_counts_the_people_their_directory_lists(demo_store):
    persons.save_person(demo_store, COORD, {"last_name": "Discret", "visible": False})
    member = open_page(logged_in("demo.membre"), "home")
    listed = count_people(demo_store, Filters())
    assert figure(member, "Professionnels dans l'annuaire") == str(listed)
    coordinator = open_page(logged_in("demo.coordination"), "home")
    everyone = count_people(demo_store, Filters(include_hidden=True))
    assert figure(coordinator, "Professionnels dans l'annuaire") == str(everyone)
    assert everyone > listed


def test_a_member_reads_their_meetings_and_tasks_not_the_journal(demo_store):
    me = schedule.account_person(demo_store, Actor("demo.membre", frozenset({MEMBER})))
    meeting_id, _ = schedule.save_meeting(demo_store, COORD, {
        "kind": "groupe_travail", "title": "Groupe plaies", "day": date.today()
        + timedelta(days=5), "start": time(18, 0), "end": time(19, 0)})
    attendance.invite(demo_store, COORD, meeting_id, [me])
    minutes.add_decision(demo_store, COORD, meeting_id, {
        "kind": "tache", "text": "Relire le protocole", "owner_id": me})
    at = open_page(logged_in("demo.membre"), "home")
    page = texts(at)
    assert "Dernières modifications" not in page
    assert "Vos prochaines réunions" in page and "Vos décisions et tâches en cours" in page
    assert "Groupe plaies" in at.dataframe[0].value["Intitulé"].tolist()
    assert at.dataframe[1].value["Décision ou tâche"].tolist() == ["Relire le protocole"]
    assert "Dernières modifications" in texts(open_page(logged_in("demo.bureau"), "home"))


@pytest.fixture
def address():
    """Set the address the server listens on, as `--server.address` would."""
    before = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", before)


def test_listening_on_the_network_in_clear_is_said_to_the_admin_and_in_the_log(
        demo_store, address, caplog):
    address("0.0.0.0")
    admin = open_page(logged_in("demo.admin"), "home")
    warned = [w.value for w in admin.warning if "en HTTP simple" in w.value]
    assert warned and "0.0.0.0" in warned[0] and "Caddy" in warned[0]
    assert any("en HTTP simple" in r.getMessage() and r.levelname == "WARNING"
               for r in caplog.records if r.name == "portal")
    coordinator = open_page(logged_in("demo.coordination"), "home")  # not theirs to fix
    assert not [w for w in coordinator.warning if "en HTTP simple" in w.value]
    address("127.0.0.1")  # behind the proxy, or this PC only
    admin = open_page(logged_in("demo.admin"), "home")
    assert not [w for w in admin.warning if "en HTTP simple" in w.value]


def test_the_board_is_reminded_of_a_change_to_declare_the_treasurer_of_statements(demo_store):
    assert "à déclarer en préfecture" not in texts(open_page(logged_in("demo.bureau"), "home"))
    newcomer = persons.save_person(demo_store, COORD, {"last_name": "Cooptée"})[0]
    started = date.today() - timedelta(days=80)  # three months end in about ten days
    bodies.add_mandate(demo_store, COORD, newcomer, "ca", "membre", started)
    due = next(c.due for c in officers.changes(demo_store) if c.name == "Cooptée")
    page = texts(open_page(logged_in("demo.bureau"), "home"))
    assert (f"1 changement(s) du bureau ou du CA à déclarer en préfecture, au plus tard le "
            f"{due:%d/%m/%Y}.") in page
    treasury = open_page(logged_in("demo.bureau2"), "home")
    assert "à valider" not in texts(treasury)  # the demo's statement is validated
    indemnities.prepare(demo_store, COORD, date(date.today().year, 1, 1), date.today())
    waiting = indemnities.count_to_validate(demo_store)
    assert waiting > 0
    assert f"{waiting} relevé(s) d'indemnisation à valider." in texts(treasury.run())
    assert "à valider" not in texts(open_page(logged_in("demo.coordination"), "home"))
