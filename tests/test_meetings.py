"""Réunions: rules of a meeting, invitations by group, attendance with proxies, .ics."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from icalendar import Calendar

from helpers import COORD, logged_in, meeting, open_page, person, shown_errors, texts, widget
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import BUREAU, MEMBER, Actor
from portal.directory import persons
from portal.meetings import attendance, minutes, schedule
from portal.missions import actions


def test_meeting_rules_and_sequence(store):
    for values, field in (({"kind": "apero"}, "kind"), ({"end": time(9, 0)}, "end"),
                          ({"start": None}, "start"),
                          ({"video_link": "visio.exemple.fr"}, "video_link")):
        with pytest.raises(PortalError) as error:
            meeting(store, **values)
        assert error.value.field == field
    with pytest.raises(PermissionDenied):
        schedule.save_meeting(store, Actor("m", frozenset({MEMBER})), {})
    meeting_id = meeting(store, title="", video_link="https://visio.exemple.fr/ca")
    saved = schedule.get_meeting(store, meeting_id)
    assert saved["title"] == "Conseil d'administration" and saved["sequence"] == 0
    assert saved["starts_at"] == "2026-03-29T10:00"
    values = {"kind": "ca", "title": "CA", "day": date(2026, 3, 29), "start": time(10, 0),
              "end": time(12, 0), "video_link": "https://visio.exemple.fr/ca"}
    schedule.save_meeting(store, Actor("b", frozenset({BUREAU})), values, meeting_id,
                          missions=["socle_1"])
    schedule.save_meeting(store, COORD, values, meeting_id, missions=["socle_1"])
    saved = schedule.get_meeting(store, meeting_id)
    assert saved["sequence"] == 1  # changed once; the identical save changed nothing
    assert [m["code"] for m in saved["missions"]] == ["socle_1"]


def test_groups_invite_once_and_guests_are_checked(store):
    nurse = person(store, "Infirmière", profession="60")
    doctor = person(store, "Médecin", profession="10")
    person(store, "NonAdhérent", profession="10", member=False)
    action_id, _ = actions.save_action(store, COORD, {"number": 1, "title": "SNP"},
                                       missions=["socle_1"], referents=[doctor])
    meeting_id = meeting(store)
    assert sorted(attendance.group_people(store, "members")) == sorted([nurse, doctor])
    assert len(attendance.group_people(store, "profession", "10")) == 2
    assert attendance.group_people(store, "referents", action_id) == [doctor]
    assert attendance.invite(store, COORD, meeting_id, [nurse, doctor]) == 2
    assert attendance.invite(store, COORD, meeting_id,
                             attendance.group_people(store, "profession", "10")) == 1
    with pytest.raises(PortalError) as error:
        attendance.invite_guest(store, COORD, meeting_id, "Dr Partenaire", "pas-une-adresse")
    assert error.value.field == "guest_email"
    attendance.invite_guest(store, COORD, meeting_id, "Dr Partenaire", "dr@chr-orleans.fr")
    assert len(attendance.attendees(store, meeting_id)) == 4
    assert "dr@chr-orleans.fr" in attendance.invitee_emails(store, meeting_id)


def test_attendance_with_proxies_is_all_or_nothing(store):
    meeting_id = meeting(store)
    ids = [person(store, name) for name in ("Alpha", "Bravo", "Charlie")]
    attendance.invite(store, COORD, meeting_id, ids)
    rows = attendance.attendees(store, meeting_id).set_index("person_id")["id"]
    alpha, bravo, charlie = (int(rows[i]) for i in ids)
    for changes, message in (
            ({alpha: ("represente", alpha)}, "propre pouvoir"),
            ({alpha: ("represente", bravo)}, "personne présente"),
            ({alpha: ("represente", None)}, "choisissez qui"),
            ({alpha: ("present", None), bravo: ("represente", charlie)}, "personne présente")):
        with pytest.raises(PortalError, match=message):
            attendance.record_attendance(store, COORD, meeting_id, changes)
    assert set(attendance.attendees(store, meeting_id)["status"]) == {"invite"}  # nothing saved
    assert attendance.record_attendance(store, COORD, meeting_id, {
        alpha: ("present", None), bravo: ("represente", alpha), charlie: ("excuse", None)}) == 3
    statuses = attendance.attendees(store, meeting_id).set_index("id")
    assert statuses.loc[bravo, "proxy_id"] == alpha
    with pytest.raises(PortalError, match="détient le pouvoir de A Bravo"):
        attendance.uninvite(store, COORD, alpha)


def test_ics_parses_back_with_paris_time_across_daylight_saving(store):
    before = meeting(store, day=date(2026, 3, 28))   # winter time, UTC+1
    after = meeting(store, day=date(2026, 3, 29), place="Maison de santé de Gien",
                    agenda="1. Budget")            # summer time from 02:00, UTC+2
    schedule.set_cancelled(store, COORD, after, True)
    calendar = Calendar.from_ical(schedule.ics_bytes(
        [schedule.get_meeting(store, i) for i in (before, after)]))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    first, second = calendar.walk("VEVENT")
    assert first.decoded("dtstart").astimezone(UTC).hour == 9
    assert second.decoded("dtstart").astimezone(UTC).hour == 8
    assert second.decoded("dtend").astimezone(UTC).hour == 10
    assert str(second["status"]) == "CANCELLED" and second["sequence"] == 1
    assert str(second["location"]) == "Maison de santé de Gien"
    assert "1. Budget" in str(second["description"])
    assert str(first["uid"]) != str(second["uid"])


def test_lists_filter_and_order(store):
    nurse = person(store, "Infirmière")
    past = meeting(store, day=date(2026, 1, 10), kind="bureau")
    soon = meeting(store, day=date(2026, 12, 1), kind="groupe_travail", missions=["socle_3"])
    later = meeting(store, day=date(2027, 2, 1), kind="groupe_travail")
    attendance.invite(store, COORD, later, [nurse])
    today = date(2026, 11, 24)

    def ids(**filters):
        frame = schedule.list_meetings(store, schedule.Filters(**filters), today=today)
        return frame["id"].tolist()
    assert ids(upcoming=True) == [soon, later]
    assert ids(upcoming=False) == [past]
    assert ids(kind="groupe_travail") == [later, soon]
    assert ids(mission="socle_3") == [soon]
    assert ids(person=nurse) == [later]
    assert schedule.count_meetings(store, schedule.Filters(upcoming=True), today) == 2
    feed = Calendar.from_ical(schedule.upcoming_ics(store, today))
    assert len(feed.walk("VEVENT")) == 2


def test_a_merge_moves_invitations(store):
    keep, drop = person(store, "Durand"), person(store, "Durant")
    meeting_id = meeting(store)
    attendance.invite(store, COORD, meeting_id, [drop])
    persons.merge_people(store, Actor("a", frozenset({"admin"})), keep, drop)
    assert attendance.attendees(store, meeting_id)["person_id"].tolist() == [keep]


def test_meeting_pages_create_then_invite_a_group(demo_store):
    at = open_page(logged_in("demo.coordination"), "meetings")
    assert not at.exception
    upcoming = schedule.count_meetings(demo_store, schedule.Filters(upcoming=True))
    assert f"{upcoming} réunion(s). Cliquez" in texts(at)
    at = open_page(at, "meeting", new=1)
    widget(at.button, "Enregistrer").click()
    at.run()
    assert "Choisissez le type de réunion." in shown_errors(at)
    widget(at.selectbox, "Type de réunion").set_value("groupe_travail")
    widget(at.date_input, "Date").set_value(date.today() + timedelta(days=7))
    widget(at.text_input, "Lieu").input("Salle du conseil, mairie de Gien")
    widget(at.button, "Enregistrer").click()
    at.run().run()
    assert not at.exception
    meeting_id = demo_store.scalar("SELECT MAX(id) FROM meetings")
    assert at.title[0].value == "Groupe de travail"
    widget(at.selectbox, "Ou tout un groupe").set_value("members")
    at.run()
    members = attendance.group_people(demo_store, "members")
    assert f"{len(members)} personnes dans ce groupe." in texts(at)
    assert widget(at.button, "Inviter le groupe").disabled  # not before it is confirmed
    widget(at.checkbox, f"Je confirme l'invitation de {len(members)} personne(s)").check()
    at.run()
    widget(at.button, "Inviter le groupe").click()
    at.run()
    assert f"{len(members)} personne(s) invitée(s)." in [s.value for s in at.success]
    assert len(attendance.attendees(demo_store, meeting_id)) == len(members)
    assert [b.label for b in at.get("download_button")][:3] == [
        "Invitation (.ics)", "Compte rendu (Word)", "E-mails des invités (CSV)"]
    at = open_page(at, "meetings")
    table = at.dataframe[0].value
    assert len(table) == upcoming + 1
    assert table.loc[table["Intitulé"] == "Groupe de travail", "Invités"].tolist() == [
        len(members)]
    # The group meets again next month: one click, the same invitees.
    at = open_page(at, "meeting", id=meeting_id)
    widget(at.button, "Programmer la réunion suivante").click()
    at.run().run()
    assert not at.exception
    following = demo_store.scalar("SELECT MAX(id) FROM meetings")
    next_day = (date.today() + timedelta(days=7) + relativedelta(months=1)).strftime("%d/%m/%Y")
    assert following != meeting_id and next_day in texts(at)  # its page is open
    assert len(attendance.attendees(demo_store, following)) == len(members)


def test_attendance_sheet_shows_statuses_and_proxy_holders(demo_store):
    meeting_id = meeting(demo_store, day=date.today() + timedelta(days=3))
    attendance.invite(demo_store, COORD, meeting_id,
                      attendance.group_people(demo_store, "members")[:2])
    first, second = attendance.attendees(demo_store, meeting_id).to_dict("records")
    attendance.record_attendance(demo_store, COORD, meeting_id, {
        first["id"]: ("present", None), second["id"]: ("represente", first["id"])})
    at = open_page(logged_in("demo.bureau"), "meeting", id=meeting_id)
    assert not at.exception
    sheet = at.dataframe[0].value.set_index("Nom")  # the data editor
    holder = attendance.display_name(first)
    assert sheet.loc[holder, "Présence"] == "Présent"
    assert sheet.loc[attendance.display_name(second), "Présence"] == "Représenté"
    assert sheet.loc[attendance.display_name(second), "Pouvoir donné à"] == holder


def test_a_guest_from_outside_sits_on_the_sheet_beside_directory_people(demo_store):
    meeting_id = meeting(demo_store, day=date.today() + timedelta(days=3))
    attendance.invite(demo_store, COORD, meeting_id,
                      attendance.group_people(demo_store, "members")[:2])
    attendance.invite_guest(demo_store, COORD, meeting_id, "Marie Invitée", "m@example.org")
    at = open_page(logged_in("demo.coordination"), "meeting", id=meeting_id)
    assert not at.exception  # a guest's blank directory name once broke the page
    sheet = at.dataframe[0].value.set_index("Nom")
    assert sheet.loc["Marie Invitée", "Profession"] == "Invité extérieur"
    assert len(sheet) == 3


def test_namesakes_are_told_apart_by_profession_and_commune_on_the_sheet(store):
    def faure(commune, profession="60"):
        return persons.save_person(store, COORD, {
            "last_name": "Faure", "first_name": "Camille", "profession_code": profession,
            "commune_code": commune})[0]

    meeting_id = meeting(store)
    gien, briare, twin, nurse = faure("45155"), faure("45053"), faure("45053"), faure("45155", "10")
    attendance.invite(store, COORD, meeting_id, [gien, briare, twin, nurse, person(store, "Roux")])
    frame = attendance.attendees(store, meeting_id)
    names = attendance.sheet_names(frame)
    line = {int(r.person_id): int(r.id) for r in frame.itertuples()}
    assert "A Roux" in names.values()
    assert names[line[gien]] == "Camille Faure (Infirmier, Gien)"
    assert names[line[nurse]] == "Camille Faure (Médecin, Gien)"
    # Same profession, same commune, no e-mail: only their number is left to tell them.
    assert names[line[briare]] == f"Camille Faure (Infirmier, Briare) (n° {line[briare]})"
    assert names[line[twin]] == f"Camille Faure (Infirmier, Briare) (n° {line[twin]})"


def test_the_next_meeting_takes_the_invitees_not_the_attendance(store):
    first = meeting(store, missions=["socle_1"], place="Maison de santé", agenda="Budget")
    people = [person(store, f"Membre{i}") for i in range(3)]
    attendance.invite(store, COORD, first, people)
    attendance.invite_guest(store, COORD, first, "Invitée CPAM", "cpam@example.org")
    sheet = attendance.attendees(store, first)
    attendance.record_attendance(store, COORD, first, {int(i): ("present", None)
                                                       for i in sheet["id"]})
    following = schedule.schedule_next(store, COORD, first, date(2026, 4, 26))
    copied = schedule.get_meeting(store, following)
    original = schedule.get_meeting(store, first)
    # The same wall hours on the new day, whatever the offset there.
    assert (copied["starts_at"], copied["ends_at"]) == ("2026-04-26T10:00", "2026-04-26T12:00")
    for key in ("kind", "title", "place", "agenda", "missions"):
        assert copied[key] == original[key], key
    assert copied["uid"] != original["uid"] and copied["sequence"] == 0
    invited = attendance.attendees(store, following)
    assert sorted(invited["person_id"].dropna().astype(int)) == sorted(people)
    assert invited["guest_email"].dropna().tolist() == ["cpam@example.org"]
    assert set(invited["status"]) == {"invite"}  # nobody marked present in advance
    with pytest.raises(PortalError) as error:
        schedule.schedule_next(store, COORD, first, None)
    assert error.value.field == "next_day"
    with pytest.raises(PermissionDenied):
        schedule.schedule_next(store, Actor("m", frozenset({MEMBER})), first, date(2026, 5, 3))


def test_an_invitee_holding_a_proxy_cannot_be_taken_off(store):
    meeting_id = meeting(store)
    attendance.invite(store, COORD, meeting_id, [person(store, "Porteur"), person(store, "Absent")])
    sheet = attendance.attendees(store, meeting_id).set_index("last_name")["id"]
    holder, absent = int(sheet["Porteur"]), int(sheet["Absent"])
    attendance.record_attendance(store, COORD, meeting_id, {holder: ("present", None),
                                                            absent: ("represente", holder)})
    with pytest.raises(PortalError, match="détient le pouvoir de A Absent") as error:
        attendance.uninvite(store, COORD, holder)
    assert error.value.field == "uninvite"
    attendance.uninvite(store, COORD, absent)
    attendance.uninvite(store, COORD, holder)
    assert attendance.attendees(store, meeting_id).empty
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'attendee'"
                        " AND action = 'delete'") == 2


def test_a_meeting_made_by_mistake_is_deleted_until_something_happened_there(store):
    mistake = meeting(store)
    attendance.invite(store, COORD, mistake, [person(store, "Invite")])
    schedule.delete_meeting(store, COORD, mistake)
    assert schedule.get_meeting(store, mistake) is None
    assert store.scalar("SELECT COUNT(*) FROM attendees WHERE meeting_id = ?", (mistake,)) == 0
    assert store.scalar("SELECT action FROM audit_log WHERE entity = 'meeting'"
                        " ORDER BY id DESC LIMIT 1") == "delete"
    held = meeting(store)
    attendance.invite(store, COORD, held, [person(store, "Present")])
    attendee = int(attendance.attendees(store, held)["id"].iloc[0])
    attendance.record_attendance(store, COORD, held, {attendee: ("present", None)})
    with pytest.raises(PortalError, match="annulez-la plutôt"):
        schedule.delete_meeting(store, COORD, held)
    with pytest.raises(PermissionDenied):
        schedule.delete_meeting(store, Actor("m", frozenset({MEMBER})), held)


def test_the_meeting_page_removes_a_decision_once_confirmed(demo_store):
    meeting_id = meeting(demo_store, kind="groupe_travail", title="Groupe")
    minutes.add_decision(demo_store, COORD, meeting_id, {"kind": "tache", "text": "Par erreur"})
    at = open_page(logged_in("demo.coordination"), "meeting", id=meeting_id)
    def remove():
        return next(b for b in at.button if b.key == "decision_remove_delete")

    assert remove().disabled
    next(c for c in at.checkbox if c.key == "decision_remove_confirm").check()
    at.run()
    remove().click()
    at.run()
    assert "Décision supprimée." in texts(at)
    assert minutes.decisions(demo_store, meeting_id).empty


def test_people_are_invited_by_name_without_the_whole_directory_on_the_page(demo_store):
    """Issue 16: a picker lists the names a search finds, not every card of the directory."""
    meeting_id = meeting(demo_store, day=date.today() + timedelta(days=3))
    target = persons.save_person(demo_store, COORD, {"last_name": "Zéphyrin",
                                                     "first_name": "Anne"})[0]
    at = open_page(logged_in("demo.coordination"), "meeting", id=meeting_id)
    assert widget(at.multiselect, "Personnes trouvées").options == []
    widget(at.text_input, "Personnes de l'annuaire").input("zephyrin").run()
    found = widget(at.multiselect, "Personnes trouvées")
    assert found.options == ["Zéphyrin Anne"]
    found.select(target).run()
    widget(at.button, "Inviter ces personnes").click().run()
    assert not at.exception
    assert "1 personne(s) invitée(s)." in [s.value for s in at.success]
    assert attendance.attendees(demo_store, meeting_id)["person_id"].tolist() == [target]
    # A task goes to someone asked to the meeting: only they are offered.
    owners = widget(at.selectbox, "Responsable")
    assert owners.options == ["Non désigné", "Zéphyrin Anne"]
    assert minutes.possible_owners(demo_store, [meeting_id]) == {target: "Zéphyrin Anne"}
