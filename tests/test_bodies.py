"""Bodies and quorum: mandates on the day of the meeting, the statuts' fraction, proxies."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import (
    COORD,
    logged_in,
    meeting,
    open_page,
    person,
    shown_errors,
    texts,
    toasts,
    widget,
)
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import ADMIN, Actor
from portal.directory import persons
from portal.meetings import attendance, bodies, schedule

ADMIN_ACTOR = Actor("admin", frozenset({ADMIN}))


@pytest.mark.parametrize("members, numerator, denominator, strict, needed", [
    (10, 1, 3, 0, 4), (9, 1, 3, 0, 3), (10, 1, 2, 1, 6), (9, 1, 2, 1, 5), (8, 1, 2, 1, 5),
    (8, 1, 2, 0, 4), (12, 2, 3, 0, 8), (12, 2, 3, 1, 9), (1, 1, 2, 1, 1)])
def test_required_members_follow_the_fraction_exactly(members, numerator, denominator,
                                                      strict, needed):
    rule = {"numerator": numerator, "denominator": denominator, "strict": strict}
    assert bodies.required(members, rule) == needed


def board_of_nine(store) -> list[int]:
    """Nine CA members on 29/03/2026, plus one whose mandate ended and one not yet begun."""
    sitting = [person(store, f"Administrateur{i}") for i in range(9)]
    for person_id in sitting:
        bodies.add_mandate(store, COORD, person_id, "ca", "membre", date(2024, 6, 1))
    gone, later = person(store, "Sortant"), person(store, "Entrant")
    mandate = bodies.add_mandate(store, COORD, gone, "ca", "tresorier", date(2022, 6, 1))
    bodies.end_mandate(store, COORD, mandate, date(2026, 3, 1))
    bodies.add_mandate(store, COORD, later, "ca", "membre", date(2026, 6, 1))
    return sitting


def sheet(store, meeting_id: int, statuses: dict[int, tuple[str, int | None]]) -> None:
    """Set attendance by person id (proxies given as the holder's person id)."""
    rows = attendance.attendees(store, meeting_id)
    by_person = {int(r.person_id): int(r.id) for r in rows.dropna(subset=["person_id"])
                 .itertuples()}
    attendance.record_attendance(store, COORD, meeting_id, {
        by_person[p]: (status, by_person[holder] if holder else None)
        for p, (status, holder) in statuses.items()})


def test_quorum_counts_the_board_of_the_day_and_proxies(store):
    sitting = board_of_nine(store)
    meeting_id = meeting(store)  # a CA on 29/03/2026
    outsider = person(store, "Invité")
    attendance.invite(store, COORD, meeting_id, [*attendance.group_people(store, "ca",
                                                                          date(2026, 3, 29)),
                                                 outsider])
    assert len(attendance.attendees(store, meeting_id)) == 10  # the 9 sitting and the outsider
    attendance.invite_guest(store, COORD, meeting_id, "Dr Hôpital", "dr@hopital.fr")
    # 4 present, 1 represented, the outsider present too (does not count).
    sheet(store, meeting_id, {**{p: ("present", None) for p in sitting[:4]},
                              sitting[4]: ("represente", sitting[0]),
                              outsider: ("present", None)})
    count = bodies.quorum(store, schedule.get_meeting(store, meeting_id))
    assert (count.members, count.present, count.represented, count.needed) == (9, 4, 1, 5)
    assert count.reached  # more than half of 9 is 5: 4 present + 1 represented
    bodies.set_rule(store, ADMIN_ACTOR, "ca", 1, 2, True, False, None)
    count = bodies.quorum(store, schedule.get_meeting(store, meeting_id))
    assert (count.counted, count.needed, count.reached) == (4, 5, False)
    assert "pouvoirs ne comptent pas" in count.rule
    # A CA in July counts the board of July: the newcomer sits.
    later = meeting(store, day=date(2026, 7, 1))
    assert bodies.quorum(store, schedule.get_meeting(store, later)).members == 10
    assert bodies.quorum(store, schedule.get_meeting(store, meeting(store, kind="formation"))) \
        is None


def test_a_holder_carries_no_more_proxies_than_the_statuts_allow(store):
    sitting = board_of_nine(store)
    meeting_id = meeting(store)
    attendance.invite(store, COORD, meeting_id, sitting)
    before = attendance.attendees(store, meeting_id)["status"].tolist()
    with pytest.raises(PortalError, match="détient 2 pouvoirs : les statuts en permettent 1"):
        sheet(store, meeting_id, {sitting[0]: ("present", None),
                                  sitting[1]: ("represente", sitting[0]),
                                  sitting[2]: ("represente", sitting[0])})
    assert attendance.attendees(store, meeting_id)["status"].tolist() == before
    bodies.set_rule(store, ADMIN_ACTOR, "ca", 1, 2, True, True, 2)
    sheet(store, meeting_id, {sitting[0]: ("present", None),
                              sitting[1]: ("represente", sitting[0]),
                              sitting[2]: ("represente", sitting[0])})
    assert bodies.quorum(store, schedule.get_meeting(store, meeting_id)).counted == 3


def test_an_ag_counts_the_members_and_rules_are_checked(store):
    members = [person(store, f"Adhérent{i}") for i in range(6)]
    person(store, "PasAdhérent", member=False)
    meeting_id = meeting(store, kind="ag", title="AG")
    attendance.invite(store, COORD, meeting_id, attendance.group_people(store, "members"))
    sheet(store, meeting_id, {members[0]: ("present", None),
                              members[1]: ("represente", members[0])})
    count = bodies.quorum(store, schedule.get_meeting(store, meeting_id))
    assert (count.members, count.counted, count.needed, count.reached) == (6, 2, 2, True)
    with pytest.raises(PortalError) as error:
        bodies.set_rule(store, ADMIN_ACTOR, "ag", 3, 2, False, True, None)
    assert error.value.field == "ag_fraction"
    with pytest.raises(PermissionDenied):
        bodies.set_rule(store, COORD, "ag", 1, 2, False, True, None)
    bodies.add_mandate(store, COORD, members[0], "bureau", "president", date(2026, 1, 1))
    with pytest.raises(PortalError, match="déjà un mandat"):
        bodies.add_mandate(store, COORD, members[0], "bureau", "membre", date(2026, 6, 1))
    with pytest.raises(PortalError) as error:
        bodies.add_mandate(store, COORD, members[1], "bureau", "membre", date(2026, 6, 1),
                           date(2026, 1, 1))
    assert error.value.field == "ends_on"


def test_bodies_page_adds_a_mandate_and_shows_the_rules(demo_store):
    at = open_page(logged_in("demo.coordination"), "bodies")
    assert not at.exception
    assert "plus de la moitié des membres présents ou représentés" in texts(at)
    widget(at.button, "Ajouter le mandat").click()
    at.run()
    assert "Choisissez la personne." in shown_errors(at)
    sitting = bodies.electorate(demo_store, "bureau", date.today())
    newcomer = next(p for p in attendance.group_people(demo_store, "members")
                    if p not in sitting)
    someone = persons.get_person(demo_store, newcomer)
    widget(at.text_input, "Personne").input(f"{someone['last_name']} {someone['first_name']}")
    at.run()
    widget(at.selectbox, "Personne trouvée").set_value(newcomer)
    widget(at.selectbox, "Instance").set_value("bureau")
    widget(at.button, "Ajouter le mandat").click()
    at.run()
    assert not at.exception
    assert bodies.electorate(demo_store, "bureau", date.today()) == {*sitting, newcomer}
    assert "Mandat ajouté." in toasts(at)
    assert widget(at.text_input, "Personne").value == ""  # blank for the next one
    assert "Modifier les règles (selon les statuts)" not in [e.label for e in at.expander]
