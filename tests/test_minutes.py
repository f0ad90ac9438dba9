"""Minutes, votes and decisions: results by majority, restriction to the board, the
follow-up order, time per mission, the Word export, and what a member may open."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest
from docx import Document

from helpers import COORD, logged_in, meeting, open_page, person, shown_errors, texts, widget
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import BUREAU, MEMBER, Actor
from portal.meetings import attendance, bodies, minutes, schedule
from portal.missions import indicators

MEMBER_ACTOR = Actor("m", frozenset({MEMBER}))


@pytest.mark.parametrize("majority, votes, expected", [
    ("simple", (5, 4, 10), "adoptee"), ("simple", (4, 4, 0), "rejetee"),
    ("votants", (5, 4, 2), "rejetee"), ("votants", (6, 3, 2), "adoptee"),
    ("deux_tiers", (10, 5, 9), "adoptee"), ("deux_tiers", (9, 5, 0), "rejetee"),
    ("simple", (0, 0, 0), "sans_vote"), ("deux_tiers", (0, 0, 3), "rejetee")])
def test_a_motion_result_follows_its_majority(majority, votes, expected):
    motion = dict(zip(("votes_for", "votes_against", "abstentions"), votes),
                  majority=majority)
    assert minutes.result(motion) == expected


def present_meeting(store, count: int, **values) -> int:
    meeting_id = meeting(store, **values)
    people = [person(store, f"Participant{i}") for i in range(count)]
    attendance.invite(store, COORD, meeting_id, people)
    attendance.record_attendance(store, COORD, meeting_id, {
        int(r.id): ("present", None) for r in attendance.attendees(store, meeting_id)
        .itertuples()})
    return meeting_id


def test_votes_cannot_outnumber_the_voters(store):
    meeting_id = present_meeting(store, 5)
    with pytest.raises(PortalError, match="6 voix pour 5 votants") as error:
        minutes.add_motion(store, COORD, meeting_id, "Budget", "simple", 4, 1, 1)
    assert error.value.field == "votes"
    for values, field in ((("", "simple", 1, 0, 0), "motion_title"),
                          (("Budget", "unanime", 1, 0, 0), "majority"),
                          (("Budget", "simple", -1, 0, 0), "votes")):
        with pytest.raises(PortalError) as error:
            minutes.add_motion(store, COORD, meeting_id, *values)
        assert error.value.field == field
    motion = minutes.add_motion(store, COORD, meeting_id, "Budget", "simple", 4, 1, 0)
    assert [m["result"] for m in minutes.motions(store, meeting_id)] == ["adoptee"]
    minutes.remove_motion(store, COORD, motion)
    assert minutes.motions(store, meeting_id) == []
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'motion'") == 2


def test_restricted_minutes_only_for_bureau_and_ca(store):
    training = meeting(store, kind="formation", title="Formation")
    with pytest.raises(PortalError) as error:
        minutes.save_minutes(store, COORD, training, "Texte", restricted=True)
    assert error.value.field == "restricted"
    with pytest.raises(PermissionDenied):
        minutes.save_minutes(store, MEMBER_ACTOR, training, "Texte", restricted=False)
    ca = meeting(store)
    minutes.save_minutes(store, COORD, ca, "  Budget voté.  ", restricted=True)
    saved = schedule.get_meeting(store, ca)
    assert (saved["minutes"], saved["minutes_restricted"]) == ("Budget voté.", 1)
    assert not minutes.readable(MEMBER_ACTOR, saved)
    assert minutes.readable(Actor("b", frozenset({BUREAU, MEMBER})), saved)


def test_follow_up_puts_overdue_first_and_dates_what_is_done(store):
    today = date(2026, 11, 24)
    first, second = meeting(store), meeting(store, day=date(2026, 10, 6))
    owner = person(store, "Responsable")

    def add(meeting_id, text, due, status="a_faire"):
        return minutes.add_decision(store, COORD, meeting_id, {
            "kind": "tache", "text": text, "owner_id": owner, "due_on": due, "status": status})

    later = add(first, "Plus tard", date(2026, 12, 15))
    undated = add(first, "Sans échéance", None)
    late_recent = add(second, "En retard récent", date(2026, 11, 20), "en_cours")
    late_old = add(first, "En retard ancien", date(2026, 9, 1))
    done = add(second, "Faite", date(2026, 9, 1), "faite")
    frame = minutes.follow_up(store, today=today)
    assert frame["id"].tolist() == [late_old, late_recent, later, undated]
    assert frame["overdue"].tolist() == [1, 1, 0, 0]
    assert minutes.count_follow_up(store) == 4
    assert minutes.follow_up(store, status=None, today=today)["id"].tolist() == [
        late_old, late_recent, done, later, undated]
    assert minutes.overdue_count(store, today) == 2
    assert store.scalar("SELECT done_on FROM decisions WHERE id = ?", (done,)) \
        == date.today().isoformat()
    # A sheet with one bad row saves nothing.
    with pytest.raises(PortalError) as error:
        minutes.update_decisions(store, COORD, {
            late_old: {"kind": "tache", "text": "En retard ancien", "status": "faite",
                       "due_on": "2026-09-01", "owner_id": owner},
            later: {"kind": "tache", "text": "  ", "status": "a_faire"}})
    assert error.value.field == "decision_text"
    assert minutes.overdue_count(store, today) == 2
    minutes.update_decisions(store, COORD, {late_old: {
        "kind": "tache", "text": "En retard ancien", "status": "faite", "due_on": "2026-09-01",
        "owner_id": owner}})
    assert minutes.overdue_count(store, today) == 1
    assert minutes.follow_up(store, owner=owner, today=today)["id"].tolist() == [
        late_recent, later, undated]


def test_time_per_mission_shares_a_meeting_between_its_missions(store):
    two_hours = present_meeting(store, 3, day=date(2026, 2, 3), start=time(18, 0),
                                end=time(20, 0))
    schedule.save_meeting(store, COORD, {"kind": "ca", "title": "CA", "day": date(2026, 2, 3),
                                         "start": time(18, 0), "end": time(20, 0)},
                          two_hours, missions=["socle_1"])
    shared = present_meeting(store, 4, day=date(2026, 3, 10), start=time(20, 0),
                             end=time(21, 30))
    schedule.save_meeting(store, COORD, {"kind": "ca", "title": "CA", "day": date(2026, 3, 10),
                                         "start": time(20, 0), "end": time(21, 30)},
                          shared, missions=["socle_1", "socle_3"])
    cancelled = present_meeting(store, 5, day=date(2026, 3, 12))
    schedule.save_meeting(store, COORD, {"kind": "ca", "title": "CA", "day": date(2026, 3, 12),
                                         "start": time(10, 0), "end": time(12, 0)},
                          cancelled, missions=["socle_1"])
    schedule.set_cancelled(store, COORD, cancelled, True)
    april = present_meeting(store, 2, day=date(2026, 4, 2))
    schedule.save_meeting(store, COORD, {"kind": "ca", "title": "CA", "day": date(2026, 4, 2),
                                         "start": time(10, 0), "end": time(12, 0)},
                          april, missions=["socle_1"])
    frame = schedule.coordination_time(store, date(2026, 1, 1), date(2026, 4, 1),
                                       until="2026-11-24T00:00").set_index("mission_code")
    # socle_1: 2 h × 3 people + 0.75 h × 4 people; socle_3: 0.75 h × 4 people.
    assert frame.loc["socle_1", ["meetings", "hours", "person_hours"]].tolist() == [2, 2.75, 9]
    assert frame.loc["socle_3", ["meetings", "hours", "person_hours"]].tolist() == [1, 0.75, 3]
    assert schedule.coordination_time(store, date(2026, 1, 1), date(2026, 4, 1),
                                      until="2026-03-01T00:00")["person_hours"].tolist() == [6]
    by_quarter = schedule.coordination_by_quarter(store, 2026)
    assert by_quarter.query("mission_code == 'socle_1'")[["quarter", "person_hours"]] \
        .values.tolist() == [[1, 9], [2, 4]]
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "Temps de coordination", "mission_code": "socle_1", "kind": "moyens",
        "period": "quarter", "direction": "higher", "source": "temps_reunions",
        "target": 40})
    values = indicators.values_for_year(store, indicators.get_indicator(store, indicator_id),
                                        2026, date(2026, 11, 24))
    assert values["value"].tolist() == [9, 4, 0, 0]


def test_minutes_export_holds_attendance_quorum_votes_and_decisions(store):
    sitting = [person(store, f"Administrateur{i}") for i in range(3)]
    for person_id in sitting:
        bodies.add_mandate(store, COORD, person_id, "ca", "membre", date(2025, 1, 1))
    meeting_id = meeting(store)
    attendance.invite(store, COORD, meeting_id, sitting)
    rows = attendance.attendees(store, meeting_id)["id"].tolist()
    attendance.record_attendance(store, COORD, meeting_id, {
        rows[0]: ("present", None), rows[1]: ("represente", rows[0]),
        rows[2]: ("excuse", None)})
    minutes.save_minutes(store, COORD, meeting_id, "Le budget est présenté.", False)
    minutes.add_motion(store, COORD, meeting_id, "Budget 2027", "simple", 2, 0, 0)
    minutes.add_decision(store, COORD, meeting_id, {
        "kind": "tache", "text": "Envoyer le budget à la banque", "owner_id": sitting[0],
        "due_on": date(2026, 4, 30)})
    document = Document(io.BytesIO(minutes.docx(store, meeting_id, "CPTS test")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Présents (1) : A Administrateur0." in text
    assert "Représentés (1) : A Administrateur1 (pouvoir à A Administrateur0)." in text
    assert "Excusés (1) : A Administrateur2." in text
    assert "Quorum atteint : 2 membres sur 3, 1 présent et 1 représenté ; il en faut 2" \
        in text
    assert "Le budget est présenté." in text
    motion, decision = ([[c.text for c in row.cells] for row in table.rows[1:]]
                        for table in document.tables)
    assert motion == [["Budget 2027", "2", "0", "0", "Adoptée"]]
    assert decision == [["Tâche", "Envoyer le budget à la banque", "A Administrateur0",
                         "30/04/2026", "À faire"]]


def test_a_member_sees_only_invited_meetings_and_public_minutes(demo_store):
    member = schedule.account_person(demo_store, Actor("demo.membre", frozenset({MEMBER})))
    other = demo_store.scalar(
        "SELECT id FROM meetings WHERE id NOT IN (SELECT meeting_id FROM attendees"
        " WHERE person_id = ?) ORDER BY id LIMIT 1", (member,))
    restricted = demo_store.scalar("SELECT id FROM meetings WHERE minutes_restricted = 1")
    attendance.invite(demo_store, COORD, restricted, [member])  # a guest of the bureau
    public = demo_store.scalar(
        "SELECT m.id FROM meetings m JOIN attendees a ON a.meeting_id = m.id"
        " WHERE m.minutes_restricted = 0 AND m.minutes != '' AND a.person_id = ?", (member,))
    assert other and restricted and public
    at = open_page(logged_in("demo.membre"), "meetings")
    assert not at.exception
    widget(at.get("button_group"), "Période").set_value("Toutes")
    at.run()
    invited = schedule.count_meetings(demo_store, schedule.Filters(person=member))
    assert len(at.dataframe[0].value) == invited
    at = open_page(at, "meeting", id=other)
    assert "Choisissez une réunion dans la liste." in texts(at)
    at = open_page(at, "meeting", id=restricted)
    secret = schedule.get_meeting(demo_store, restricted)["minutes"]
    assert "Le compte rendu de cette réunion est réservé au bureau." in texts(at)
    assert secret not in texts(at)
    assert "Compte rendu (Word)" not in [b.label for b in at.get("download_button")]
    at = open_page(at, "meeting", id=public)
    assert schedule.get_meeting(demo_store, public)["minutes"] in texts(at)
    assert not [b for b in at.button if b.label == "Enregistrer le compte rendu"]
    # The bureau reads the restricted minutes.
    at = open_page(logged_in("demo.bureau"), "meeting", id=restricted)
    assert secret in [a.value for a in at.text_area]


def test_meeting_page_records_a_vote_and_a_decision(demo_store):
    meeting_id = demo_store.scalar("SELECT id FROM meetings WHERE kind = 'ca'")
    at = open_page(logged_in("demo.coordination"), "meeting", id=meeting_id)
    assert not at.exception
    assert any(s.value.startswith("Quorum atteint") for s in at.success)
    widget(at.text_input, "Objet").input("Adhésion à la plateforme régionale")
    widget(at.number_input, "Pour").set_value(5)
    widget(at.button, "Enregistrer le vote").click()
    at.run()
    assert not at.exception
    assert minutes.motions(demo_store, meeting_id)[-1]["title"] == \
        "Adhésion à la plateforme régionale"
    widget(at.button, "Ajouter").click()
    at.run()
    assert "Décrivez la décision ou la tâche." in shown_errors(at)
    widget(at.text_area, "Décision ou tâche").input("Signer la convention")
    widget(at.date_input, "Échéance").set_value(date.today() - timedelta(days=1))
    widget(at.button, "Ajouter").click()
    at.run()
    assert minutes.decisions(demo_store, meeting_id)["text"].tolist()[-1] == \
        "Signer la convention"
    at = open_page(at, "decisions")
    assert not at.exception
    sheet = at.dataframe[0].value
    assert sheet["En retard"].tolist() == sorted(sheet["En retard"], reverse=True)
    assert "Signer la convention" in sheet["Décision ou tâche"].tolist()
    assert f"{minutes.overdue_count(demo_store)} décision(s) ou tâche(s) en retard" in texts(at)


def test_home_counts_overdue_decisions_for_the_board_only(demo_store):
    at = open_page(logged_in("demo.bureau"), "home")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Décisions en retard"] == str(minutes.overdue_count(demo_store)) == "1"
    assert metrics["Réunions à venir"] == str(schedule.count_meetings(
        demo_store, schedule.Filters(upcoming=True)))
    at = open_page(logged_in("demo.membre"), "home")
    assert "Décisions en retard" not in {m.label for m in at.metric}


def test_the_sign_in_sheet_lists_every_invitee_with_room_for_others(store):
    ca = meeting(store)  # a CA: proxies are given
    people = [person(store, name) for name in ("Dupont", "Blanc")]
    attendance.invite(store, COORD, ca, people)
    attendance.invite_guest(store, COORD, ca, "Marie Invitée", "marie@example.org")
    document = Document(io.BytesIO(minutes.sign_in_sheet(store, ca, "CPTS test")))
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Nom et prénom", "Profession ou qualité", "Signature",
                       "Pouvoir donné à (nom)"]
    assert [r[0] for r in rows[1:4]] == ["A Blanc", "A Dupont", "Marie Invitée"]
    assert rows[3][1] == "Invité extérieur"
    assert rows[4:] == [[""] * 4] * minutes.BLANK_LINES
    group = meeting(store, kind="groupe_travail")
    header = Document(io.BytesIO(minutes.sign_in_sheet(store, group))).tables[0].rows[0]
    assert [c.text for c in header.cells] == ["Nom et prénom", "Profession ou qualité",
                                              "Signature"]


def ca_of_four_with_one_present(store) -> int:
    members = [person(store, f"Administrateur{i}") for i in range(4)]
    for member in members:
        bodies.add_mandate(store, COORD, member, "ca", "membre", date(2026, 1, 1))
    meeting_id = meeting(store)  # a CA on 29/03/2026
    attendance.invite(store, COORD, meeting_id, members)
    sheet = attendance.attendees(store, meeting_id)
    attendance.record_attendance(store, COORD, meeting_id, {
        int(r.id): ("present" if i == 0 else "excuse", None)
        for i, r in enumerate(sheet.itertuples())})
    return meeting_id


def test_a_vote_without_quorum_is_recorded_as_not_valid_in_the_page_and_the_minutes(store):
    meeting_id = ca_of_four_with_one_present(store)
    minutes.add_motion(store, COORD, meeting_id, "Budget", "simple", 1, 0, 0)
    assert [m["result"] for m in minutes.motions(store, meeting_id)] == ["non_valable"]
    document = Document(io.BytesIO(minutes.docx(store, meeting_id)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Non valable (quorum non atteint)" in cells and "Adoptée" not in cells
    # Two more members found present on a corrected sheet: the quorum, and the vote, stand.
    sheet = attendance.attendees(store, meeting_id)
    attendance.record_attendance(store, COORD, meeting_id, {
        int(r.id): ("present", None) for r in sheet.itertuples()})
    assert [m["result"] for m in minutes.motions(store, meeting_id)] == ["adoptee"]


def test_a_body_votes_only_once_its_attendance_sheet_is_filled_in(store):
    meeting_id = meeting(store)
    attendance.invite(store, COORD, meeting_id, [person(store, "Seul")])
    with pytest.raises(PortalError, match="Remplissez d'abord la feuille de présence"):
        minutes.add_motion(store, COORD, meeting_id, "Budget", "simple", 1, 0, 0)
    group = meeting(store, kind="groupe_travail", title="Groupe")
    minutes.add_motion(store, COORD, group, "Calendrier", "simple", 3, 0, 0)  # no quorum


def test_the_meeting_page_warns_that_a_vote_without_quorum_is_not_valid(demo_store):
    meeting_id = ca_of_four_with_one_present(demo_store)
    at = open_page(logged_in("demo.coordination"), "meeting", id=meeting_id)
    widget(at.text_input, "Objet").input("Budget")
    widget(at.number_input, "Pour").set_value(1)
    widget(at.button, "Enregistrer le vote").click().run()
    assert "Quorum non atteint : le vote est enregistré comme non valable." in texts(at)
    assert at.dataframe[1].value["Résultat"].tolist() == ["Non valable (quorum non atteint)"]


def test_saving_the_attendance_counts_the_quorum_again_above_the_sheet(demo_store):
    meeting_id = meeting(demo_store)  # a CA on 29/03/2026
    attendance.invite(demo_store, COORD, meeting_id,
                      attendance.group_people(demo_store, "ca", date(2026, 3, 29)))
    sheet = attendance.attendees(demo_store, meeting_id)
    rows = len(sheet)
    attendance.record_attendance(demo_store, COORD, meeting_id, {
        int(r.id): ("present" if i == 0 else "excuse", None)
        for i, r in enumerate(sheet.itertuples())})
    at = open_page(logged_in("demo.coordination"), "meeting", id=meeting_id)
    assert any(w.value.startswith("Quorum non atteint") for w in at.warning)
    at.session_state[f"attendance_{meeting_id}"] = {
        "edited_rows": {i: {"Présence": "Présent"} for i in range(rows)},
        "added_rows": [], "deleted_rows": []}
    widget(at.button, "Enregistrer les présences").click().run()
    assert f"Présences enregistrées ({rows - 1} changement(s))." in texts(at)
    assert any(s.value.startswith("Quorum atteint") for s in at.success)
