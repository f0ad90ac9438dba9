"""One table of permissions (roles.EDIT) that the menu, the pages and the services read,
and the README's roles table agrees with it."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from helpers import logged_in, open_page
from portal.care import doctor_requests, unscheduled_care
from portal.core import roles
from portal.core.errors import PermissionDenied
from portal.core.roles import BUREAU, MEMBER, Actor
from portal.directory import persons
from portal.meetings import bodies, minutes, schedule
from portal.missions import actions, indicators
from portal.questionnaires import campaigns, responses
from portal.ui import navigation

BUREAU_ACTOR = Actor("demo.bureau", frozenset({BUREAU, MEMBER}))


def test_the_menu_and_the_services_read_one_table_of_permissions():
    edit = roles.EDIT
    assert persons.EDITORS == edit["directory"] == navigation.BY_KEY["duplicates"].roles \
        == navigation.BY_KEY["directory_import"].roles
    assert actions.EDITORS == indicators.EDITORS == edit["missions"]
    assert schedule.EDITORS == minutes.EDITORS == edit["meetings"]
    assert bodies.EDITORS == edit["bodies"]
    assert campaigns.EDITORS == responses.EDITORS == edit["questionnaires"] \
        == navigation.BY_KEY["survey_entry"].roles
    assert doctor_requests.EDITORS == unscheduled_care.EDITORS == edit["care"] \
        == navigation.BY_KEY["doctor_queue"].roles == navigation.BY_KEY["unscheduled_care"].roles


def test_the_bureau_runs_its_meetings_and_edits_nothing_else(demo_store):
    meeting_id, _ = schedule.save_meeting(demo_store, BUREAU_ACTOR, {
        "kind": "bureau", "title": "Bureau", "day": date(2026, 12, 10), "start": time(18),
        "end": time(20)})
    assert open_page(logged_in("demo.bureau"), "meeting", id=meeting_id).button(
        key=f"m{meeting_id}_save")
    with pytest.raises(PermissionDenied):
        persons.save_person(demo_store, BUREAU_ACTOR, {"last_name": "Refus"})
    with pytest.raises(PermissionDenied):
        actions.save_action(demo_store, BUREAU_ACTOR, {"number": 50, "title": "Refus"},
                            missions=["socle_1"])
    person_id = demo_store.scalar("SELECT MIN(id) FROM people")
    page = open_page(logged_in("demo.bureau"), "person", id=person_id)
    assert "Modifier la fiche" not in [e.label for e in page.expander]


def test_the_readme_says_what_the_bureau_may_do():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| Bureau |"))
    assert "réunions" in row and "sans l'identité des patients" in row
