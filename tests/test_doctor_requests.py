"""Médecin traitant: priority order with its reasons, age 70 on the right day, capacity,
the workflow's allowed steps, anonymisation, and who may see a patient."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpers import COORD, logged_in, open_page, texts, widget
from portal.care import doctor_capacity, doctor_figures, doctor_requests
from portal.core import audit
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import ADMIN, BUREAU, Actor
from portal.directory import persons
from portal.missions import indicators

ADMIN_ACTOR = Actor("admin", frozenset({ADMIN}))
TODAY = date(2026, 11, 24)


def request(store, last_name, received, birth=date(1980, 5, 1), codes=(), commune="45155",
            **values) -> int:
    return doctor_requests.save_request(store, COORD, {
        "last_name": last_name, "first_name": "Alex", "birth_date": birth,
        "received_on": received, "channel": "telephone", "commune_code": commune,
        **values}, codes)[0]


def gp(store, last_name, commune="45155") -> int:
    with store.write(COORD) as tx:
        return persons.write_person(tx, {"last_name": last_name, "first_name": "Dr",
                                         "profession_code": "10", "specialty_code": "SM54",
                                         "commune_code": commune})[0]


def test_the_queue_ranks_by_score_then_by_date_and_says_why(store):
    ald = request(store, "Ald", date(2026, 11, 2), codes=["ald"])           # 30 + 3 w × 2
    twin = request(store, "AldBis", date(2026, 11, 2), codes=["ald"])       # the same, later id
    old = request(store, "Ancien", date(2026, 11, 16), birth=date(1950, 3, 1))  # 20 + 2
    poor = request(store, "Precaire", date(2026, 11, 23),
                   codes=["precarite", "handicap"])                         # 20 + 15
    waited = request(store, "Patient", date(2026, 9, 1))                    # 12 weeks × 2
    frame = doctor_requests.queue(store, COORD, today=TODAY)
    assert frame["id"].tolist() == [ald, twin, poor, waited, old]
    assert frame["score"].tolist() == [36, 36, 35, 24, 22]
    assert frame["reason"].tolist()[0] == "Affection de longue durée (ALD) +30 · attente 3 " \
                                          "sem. +6 = 36"
    assert frame["reason"].tolist()[-1] == "70 ans ou plus +20 · attente 1 sem. +2 = 22"
    # The CPTS decides that handicap weighs more and that waiting counts for nothing.
    points = {c["code"]: c["points"] for c in doctor_requests.criteria(store, False)}
    doctor_requests.set_rules(store, ADMIN_ACTOR, {**points, "handicap": 40}, {}, 0, 6)
    frame = doctor_requests.queue(store, COORD, today=TODAY)
    assert frame["id"].tolist()[:3] == [poor, ald, twin]
    doctor_requests.set_rules(store, ADMIN_ACTOR, points, {"ald": False}, 0, 6)
    assert doctor_requests.queue(store, COORD, today=TODAY).set_index("id").loc[ald, "score"] == 0
    with pytest.raises(PermissionDenied):
        doctor_requests.set_rules(store, COORD, points, {}, 2, 6)


def test_seventy_is_reached_on_the_birthday(store):
    assert not doctor_requests.aged_70(date(1956, 11, 25), date(2026, 11, 24))
    assert doctor_requests.aged_70(date(1956, 11, 25), date(2026, 11, 25))
    assert doctor_requests.aged_70(date(1956, 2, 29), date(2026, 2, 28))
    assert not doctor_requests.aged_70(date(1956, 2, 29), date(2026, 2, 27))
    request_id = request(store, "Bientot", date(2026, 11, 23), birth=date(1956, 11, 25))
    score = {day: doctor_requests.queue(store, COORD, today=day)["score"].iloc[0]
             for day in (date(2026, 11, 24), date(2026, 11, 25))}
    assert score == {date(2026, 11, 24): 0, date(2026, 11, 25): 20}
    assert store.scalar("SELECT aged_70 FROM mt_requests WHERE id = ?", (request_id,)) == 0


def test_requests_are_checked_and_duplicates_refused(store):
    for values, field in (({"last_name": ""}, "last_name"), ({"birth_date": None}, "birth_date"),
                          ({"birth_date": date(1800, 1, 1)}, "birth_date"),
                          ({"channel": "pigeon"}, "channel"), ({"phone": "12"}, "phone"),
                          ({"received_on": date.today() + timedelta(days=1)}, "received_on")):
        with pytest.raises(PortalError) as error:
            doctor_requests.save_request(store, COORD, {
                "last_name": "Durand", "first_name": "Léa", "birth_date": date(1990, 1, 1),
                "received_on": date(2026, 11, 2), "channel": "telephone", **values})
        assert error.value.field == field
    first = request(store, "Durand", date(2026, 11, 2), birth=date(1990, 1, 1))
    with pytest.raises(PortalError, match=f"n° {first}") as error:
        request(store, "DURAND ", date(2026, 11, 20), birth=date(1990, 1, 1))
    assert error.value.field == "duplicate"
    second, _ = doctor_requests.save_request(store, COORD, {
        "last_name": "Durand", "first_name": "Alex", "birth_date": date(1990, 1, 1),
        "received_on": date(2026, 11, 20), "channel": "cpam"}, allow_duplicate=True)
    assert second != first
    with pytest.raises(PermissionDenied):
        doctor_requests.save_request(store, Actor("b", frozenset({BUREAU})), {})


def test_the_workflow_refuses_impossible_steps_and_capacity_never_goes_below_zero(store):
    doctor = gp(store, "Martin")
    nurse = persons.write_person  # a non-GP cannot be proposed
    with store.write(COORD) as tx:
        nurse = nurse(tx, {"last_name": "Infirmier", "profession_code": "60"})[0]
    doctor_capacity.set_capacity(store, COORD, doctor, 1, None, ["45155"])
    with pytest.raises(PortalError) as error:
        doctor_capacity.set_capacity(store, COORD, nurse, 3)
    assert error.value.field == "doctor"
    first = request(store, "Premier", date(2026, 11, 2))
    second = request(store, "Second", date(2026, 11, 3))
    with pytest.raises(PortalError, match="Passage impossible de « Nouvelle » à « Acceptée »"):
        doctor_requests.move(store, COORD, first, "acceptee")
    doctor_requests.move(store, COORD, first, "en_recherche", date(2026, 11, 4))
    for doctor_id, field in ((None, "doctor"), (nurse, "doctor")):
        with pytest.raises(PortalError) as error:
            doctor_requests.move(store, COORD, first, "proposee", date(2026, 11, 5), doctor_id)
        assert error.value.field == field
    assert doctor_capacity.candidates(store, COORD, first)["id"].tolist() == [doctor]
    doctor_requests.move(store, COORD, first, "proposee", date(2026, 11, 5), doctor)
    doctor_requests.move(store, COORD, first, "acceptee", date(2026, 11, 6))
    assert store.scalar("SELECT remaining FROM doctor_capacity") == 0
    assert doctor_capacity.candidates(store, COORD, second).empty  # no place left
    for status in ("en_recherche", "proposee"):
        doctor_requests.move(store, COORD, second, status, date(2026, 11, 7), doctor)
    doctor_requests.move(store, COORD, second, "acceptee", date(2026, 11, 8))
    assert store.scalar("SELECT remaining FROM doctor_capacity") == 0  # not -1
    with pytest.raises(PortalError) as error:
        doctor_requests.move(store, COORD, second, "abandonnee", date(2026, 11, 9))
    assert error.value.field == "status"  # an accepted request can only be closed
    saved = doctor_requests.get_request(store, COORD, first)
    assert saved["steps"]["status"].tolist() == ["nouvelle", "en_recherche", "proposee",
                                                 "acceptee"]
    assert saved["accepted_on"] == "2026-11-06" and saved["doctor"] == "Dr Martin"


def test_a_doctor_can_be_proposed_straight_from_a_new_request(store):
    doctor = gp(store, "Martin")
    request_id = request(store, "Direct", date(2026, 11, 2))
    doctor_requests.move(store, COORD, request_id, "proposee", date(2026, 11, 3), doctor)
    saved = doctor_requests.get_request(store, COORD, request_id)
    assert saved["steps"]["status"].tolist() == ["nouvelle", "proposee"]


def test_each_step_shows_only_its_field_and_says_what_is_left_to_do(demo_store):
    request_id = request(demo_store, "Etapes", date.today() - timedelta(days=2))
    at = open_page(logged_in("demo.coordination"), "doctor_request", id=request_id)
    def step():
        return widget(at.radio, "Étape suivante")

    assert step().options == ["Proposée", "En recherche", "Abandonnée"]
    assert "Proposez un médecin" in texts(at)

    def labels():
        return {w.label for w in [*at.selectbox, *at.text_input]}

    assert "Médecin proposé" in labels() and "Motif de l'abandon" not in labels()
    step().set_value("abandonnee").run()
    assert "Motif de l'abandon" in labels() and "Médecin proposé" not in labels()
    step().set_value("en_recherche").run()
    assert not {"Médecin proposé", "Motif de l'abandon"} & labels()
    widget(at.button, "Enregistrer : En recherche").click().run()
    assert "Étape enregistrée : En recherche." in texts(at)
    assert step().options == ["Proposée", "Abandonnée"]
    doctor = next(iter(doctor_capacity.general_practitioners(demo_store)))
    doctor_requests.move(demo_store, COORD, request_id, "proposee", date.today(), doctor)
    doctor_requests.move(demo_store, COORD, request_id, "acceptee", date.today())
    at = open_page(at, "doctor_request", id=request_id)
    assert "Il reste à clore la demande" in texts(at)
    assert step().options == ["Close"]


def test_anonymisation_after_the_retention_keeps_the_counts(store):
    doctor = gp(store, "Martin")
    doctor_capacity.set_capacity(store, COORD, doctor, 5)
    old = request(store, "Ancienne", date(2026, 1, 5), codes=["ald"])
    recent = request(store, "Recente", date(2026, 9, 1))
    for request_id, day in ((old, date(2026, 3, 2)), (recent, date(2026, 10, 1))):
        for status in ("en_recherche", "proposee", "acceptee", "close"):
            doctor_requests.move(store, COORD, request_id, status, day, doctor)
    before = doctor_figures.figures(store, date(2026, 1, 1), date(2027, 1, 1))
    with pytest.raises(PermissionDenied):
        doctor_requests.purge(store, COORD)
    assert doctor_requests.past_retention(store, date(2026, 11, 24)) == 1  # closed 02/03
    assert doctor_requests.past_retention(store, date(2026, 9, 2)) == 0    # 6 months to the day
    assert doctor_requests.purge(store, ADMIN_ACTOR, today=date(2026, 11, 24)) == 1
    assert doctor_requests.past_retention(store, date(2026, 11, 24)) == 0
    assert doctor_requests.purge(store, ADMIN_ACTOR, today=date(2026, 11, 24)) == 0
    wiped = store.query_one("SELECT * FROM mt_requests WHERE id = ?", (old,))
    assert [wiped[c] for c in doctor_requests.IDENTITY] == [None] * 6
    assert wiped["received_on"] == "2026-01-05" and wiped["anonymised_at"]
    assert store.scalar("SELECT last_name FROM mt_requests WHERE id = ?", (recent,)) == "Recente"
    assert doctor_figures.figures(store, date(2026, 1, 1), date(2027, 1, 1)) == before
    assert before["fragile_found"] == 1 and before["found"] == 2
    criteria = doctor_figures.by_criterion(store, date(2026, 1, 1), date(2027, 1, 1))
    assert dict(zip(criteria["label"], criteria["requests"]))[
        "Affection de longue durée (ALD)"] == 1
    assert doctor_figures.fragile_received(store, None, date(2026, 1, 1),
                                           date(2027, 1, 1)) == 1
    assert not store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'mt_request'"
                            " AND entity_id = ? AND after LIKE '%Ancienne%'", (str(old),))


def test_indicator_sources_count_requests_and_the_median_wait(store):
    doctor = gp(store, "Martin")
    doctor_capacity.set_capacity(store, COORD, doctor, 5)
    for name, received, accepted in (("Un", date(2026, 10, 1), date(2026, 10, 11)),
                                     ("Deux", date(2026, 10, 5), date(2026, 10, 25)),
                                     ("Trois", date(2026, 10, 20), date(2026, 11, 19))):
        request_id = request(store, name, received)
        for status in ("en_recherche", "proposee", "acceptee"):
            doctor_requests.move(store, COORD, request_id, status, accepted, doctor)
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "Délai", "mission_code": "socle_1", "kind": "resultat", "period": "month",
        "direction": "lower", "aggregation": "mean", "source": "mt_attente_mediane"})
    values = indicators.values_for_year(store, indicators.get_indicator(store, indicator_id),
                                        2026, TODAY).set_index("period")["value"]
    assert (values["10/2026"], values["11/2026"]) == (15.0, 30.0)
    assert doctor_figures.received(store, None, date(2026, 10, 1), date(2026, 11, 1)) == 3


def test_the_bureau_sees_counts_and_each_coordinator_view_is_logged(demo_store):
    request_id = request(demo_store, "Confidentiel", date.today() - timedelta(days=3))
    at = logged_in("demo.bureau")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(at, "doctor_request", id=request_id)  # the page does not exist for them
    with pytest.raises(PermissionDenied):
        doctor_requests.get_request(demo_store, Actor("demo.bureau", frozenset({BUREAU})),
                                    request_id)
    at = open_page(at, "care_figures")
    assert not at.exception and "Confidentiel" not in texts(at)
    assert demo_store.scalar("SELECT COUNT(*) FROM access_log WHERE entity = 'mt_request'") == 0
    at = open_page(logged_in("demo.coordination"), "doctor_queue")
    assert "Confidentiel Alex" in at.dataframe[0].value["Patient"].tolist()
    at = open_page(at, "doctor_request", id=request_id)
    assert not at.exception and "Alex Confidentiel" in texts(at)
    views = demo_store.query("SELECT username, entity_id FROM access_log"
                             " WHERE entity = 'mt_request'")
    assert views and {(v["username"], v["entity_id"]) for v in views} == {
        ("demo.coordination", str(request_id))}


def test_the_doctors_who_could_take_the_patient_are_proposed_first(demo_store):
    request_id = request(demo_store, "Proposable", date.today() - timedelta(days=2))
    near = doctor_capacity.candidates(demo_store, COORD, request_id)
    assert len(near) >= 2 and near["remaining"].gt(0).all()
    at = open_page(logged_in("demo.coordination"), "doctor_request", id=request_id)
    assert not at.exception
    options = next(s for s in at.selectbox if s.label == "Médecin proposé").options
    first = near.iloc[0]
    assert options[0].startswith(f"{first['last_name']} {first['first_name']}")
    assert options[0].endswith(f"{first['remaining']} place(s)")
    assert all("place(s)" in o for o in options[:len(near)])
    # Every other GP of the directory still follows, for a doctor not yet declared.
    assert len(options) == len(doctor_capacity.general_practitioners(demo_store))


def test_the_queue_leaves_one_access_row_naming_the_requests_it_listed(store):
    first = request(store, "Premier", TODAY - timedelta(days=9), codes=["ald"])
    second = request(store, "Second", TODAY - timedelta(days=2))
    doctor_requests.queue(store, COORD, today=TODAY)
    doctor_requests.queue(store, COORD, limit=1, offset=1, today=TODAY)
    rows = store.query("SELECT username, entity, entity_id FROM access_log ORDER BY id")
    assert rows == [{"username": "coord", "entity": "mt_queue",
                     "entity_id": f"{first},{second}"},
                    {"username": "coord", "entity": "mt_queue", "entity_id": str(second)}]


def test_a_record_number_is_found_alone_or_in_a_list_never_inside_another(store):
    for shown in ("12", "112", "3,12,40", "120", "1_2", "7"):
        store.log_access(COORD, "mt_queue", shown)

    def found(record):
        return audit.page(store, audit.Filters(record=record), table="access_log")[
            "entity_id"].tolist()

    assert sorted(found("12")) == ["12", "3,12,40"]
    assert found("1_2") == ["1_2"]  # a LIKE wildcard in the input is taken literally
    assert found("%") == []


def test_every_role_follows_access_to_care_on_the_home_page_as_counts(demo_store):
    request(demo_store, "Confidentiel", date.today() - timedelta(days=1))
    waiting = doctor_figures.waiting(demo_store)
    assert waiting == doctor_requests.count_queue(demo_store, COORD) > 0
    at = open_page(logged_in("demo.membre"), "home")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["En attente d'un médecin traitant"] == str(waiting)
    assert metrics["SNP vus sous 24 h (30 derniers jours)"].endswith("\u00a0%")
    assert "Confidentiel" not in texts(at)
    assert demo_store.scalar("SELECT COUNT(*) FROM access_log") == 0  # no identity shown


def test_a_coordinator_finds_a_patient_who_calls_back_and_keeps_her_rank(store):
    first = request(store, "Lemoine", TODAY - timedelta(days=30), codes=["ald"],
                    first_name="Gisèle", birth=date(1948, 4, 12))
    other = request(store, "Lemaire", TODAY - timedelta(days=3), commune="45024")
    paul = request(store, "Moine", TODAY - timedelta(days=2), first_name="Paul")

    def found(search="", commune=None):
        rows = doctor_requests.queue(store, COORD, today=TODAY, search=search, commune=commune)
        assert doctor_requests.count_queue(store, COORD, search=search,
                                           commune=commune) == len(rows)
        return rows[["id", "rank"]].values.tolist()

    assert found("LEMOINE gisele") == [[first, 1]]
    assert found("12/04/1948") == found("1948") == [[first, 1]]
    assert found(str(other)) == [[other, 2]]  # its rank in the whole queue, not 1
    assert found("moine") == [[first, 1], [paul, 3]]
    assert found(commune="45024") == [[other, 2]]
    assert found("lem%") == [] and found("_") == []  # wildcards taken literally
    assert found("personne") == []
    second_page = doctor_requests.queue(store, COORD, limit=1, offset=1, today=TODAY)
    assert second_page[["id", "rank"]].values.tolist() == [[other, 2]]


def test_the_queue_page_searches_by_name(demo_store):
    wanted = request(demo_store, "Vasseur", date.today() - timedelta(days=4),
                     first_name="Odile")
    at = open_page(logged_in("demo.coordination"), "doctor_queue")
    assert len(at.dataframe[0].value) > 1
    at.text_input(key="queue_search").input("vasseur").run()
    assert not at.exception
    assert at.dataframe[0].value["Patient"].tolist() == ["Vasseur Odile"]
    at.text_input(key="queue_search").input("zzz").run()
    assert "Aucune demande ne correspond à cette recherche." in texts(at)
    assert demo_store.scalar("SELECT COUNT(*) FROM access_log WHERE entity = 'mt_queue'"
                             " AND entity_id = ?", (str(wanted),)) == 1


def test_the_admin_is_told_on_the_home_page_when_identities_outlive_the_retention(
        demo_store):
    closed = request(demo_store, "Ancienne", date.today() - timedelta(days=400))
    for status in ("en_recherche", "abandonnee"):
        doctor_requests.move(demo_store, COORD, closed, status,
                             date.today() - timedelta(days=300), reason="Injoignable")
    warning = "demande(s) de médecin traitant closes depuis plus de 6 mois"
    assert warning in texts(open_page(logged_in("demo.admin"), "home"))
    assert warning not in texts(open_page(logged_in("demo.coordination"), "home"))
    doctor_requests.purge(demo_store, ADMIN_ACTOR)
    assert warning not in texts(open_page(logged_in("demo.admin"), "home"))


def test_the_nearest_doctors_come_first_down_to_the_intercommunality(store):
    patient = request(store, "Loin", TODAY - timedelta(days=1), commune="45155")   # Gien
    doctors = {"Gien": gp(store, "Gien", "45155"),
               "Coullons": gp(store, "Coullons", "45108"),      # CC Giennoises too
               "Baule": gp(store, "Baule", "45024"),            # Loiret, another EPCI
               "Argent": gp(store, "Argent", "18011"),          # Cher
               "Desservant": gp(store, "Desservant", "18011")}  # Cher, but serves Gien
    for name, doctor in doctors.items():
        doctor_capacity.set_capacity(store, COORD, doctor, 9 if name == "Baule" else 2,
                                     communes=["45155"] if name == "Desservant" else ())
    near = doctor_capacity.candidates(store, COORD, patient, today=TODAY)
    assert list(zip(near["last_name"], near["proximity"])) == [
        ("Gien", "Même commune"), ("Desservant", "Commune desservie"),
        ("Coullons", "Même intercommunalité"), ("Baule", "Même département"),
        ("Argent", "Plus loin")]


def test_old_traces_are_purged_with_the_requests(store, env):
    """Issue 14, point 18: views of patients' data kept 12 months, login attempts 6."""
    from portal.core import audit

    for at, table in (("2025-10-01T08:00:00+00:00", "access_log"),
                      ("2026-11-20T08:00:00+00:00", "access_log"),
                      ("2026-05-01T08:00:00+00:00", "login_attempts"),
                      ("2026-11-20T08:00:00+00:00", "login_attempts")):
        columns = ("at, username, entity, entity_id", "?, 'coord', 'mt_request', '1'") \
            if table == "access_log" else ("at, username, outcome", "?, 'coord', 'failure'")
        with store.reading() as conn:
            conn.execute(f"INSERT INTO {table} ({columns[0]}) VALUES ({columns[1]})", (at,))
    with pytest.raises(PermissionDenied):
        audit.purge_logs(store, COORD, 12, 6)
    removed = audit.purge_logs(store, ADMIN_ACTOR, env.access_log_months,
                               env.login_log_months, today=date(2026, 12, 2))
    assert removed == {"access_log": 1, "login_attempts": 1}
    assert store.scalar("SELECT COUNT(*) FROM access_log") == 1
    assert store.scalar("SELECT COUNT(*) FROM login_attempts") == 1
    again = audit.purge_logs(store, ADMIN_ACTOR, 12, 6, today=date(2026, 12, 2))
    assert again == {"access_log": 0, "login_attempts": 0}
