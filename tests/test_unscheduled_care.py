"""Soins non programmés: slots, requests, the 24-hour delay in real time (midnight and the
clock changes), the figures and the sources of indicators."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from helpers import COORD, logged_in, open_page, person, texts, toasts, widget
from portal.care import snp_figures
from portal.care import unscheduled_care as snp
from portal.core.errors import PermissionDenied, PortalError
from portal.core.roles import BUREAU, Actor
from portal.missions import indicators


def call(store, received: datetime, appointment: datetime | None = None, **values) -> int:
    request_id, _ = snp.save_request(store, COORD, {
        "received_day": received.date(), "received_time": received.time(),
        "channel": "telephone", "age_band": "40-64", "motive_code": "infection",
        "profession_code": "10", "outcome": "rdv" if appointment else None,
        "appointment_day": appointment.date() if appointment else None,
        "appointment_time": appointment.time() if appointment else None, **values})
    return request_id


@pytest.mark.parametrize("received, seen, minutes", [
    (datetime(2026, 11, 23, 23, 0), datetime(2026, 11, 24, 22, 30), 23 * 60 + 30),
    # Summer time: the night of 28 to 29 March 2026 is an hour shorter.
    (datetime(2026, 3, 28, 10, 0), datetime(2026, 3, 29, 10, 30), 23 * 60 + 30),
    # Winter time: the night of 24 to 25 October 2026 is an hour longer.
    (datetime(2026, 10, 24, 10, 0), datetime(2026, 10, 25, 9, 30), 24 * 60 + 30)])
def test_the_delay_is_real_time_across_midnight_and_clock_changes(received, seen, minutes):
    assert snp.minutes_between(received, seen) == minutes


def test_requests_are_checked_and_their_delay_stored(store):
    for values, field in (({"motive_code": None}, "motive_code"),
                          ({"age_band": "90+"}, "age_band"),
                          ({"channel": "pharmacie", "sas_status": "honore"}, "sas_status"),
                          ({"outcome": "rdv", "appointment_time": None}, "appointment")):
        with pytest.raises(PortalError) as error:
            call(store, datetime(2026, 11, 2, 9, 0), **values)
        assert error.value.field == field
    with pytest.raises(PortalError) as error:
        call(store, datetime(2026, 11, 2, 9, 0), datetime(2026, 11, 1, 9, 0))
    assert error.value.field == "appointment"
    with pytest.raises(PermissionDenied):
        snp.save_request(store, Actor("b", frozenset({BUREAU})), {})
    quick = call(store, datetime(2026, 3, 28, 10, 0), datetime(2026, 3, 29, 10, 30))
    slow = call(store, datetime(2026, 10, 24, 10, 0), datetime(2026, 10, 25, 9, 30))
    delays = {r["id"]: r["delay_minutes"]
              for r in store.query("SELECT id, delay_minutes FROM snp_requests")}
    assert (delays[quick], delays[slow]) == (1410, 1470)


def test_figures_per_period_channel_and_profession(store):
    call(store, datetime(2026, 11, 2, 9, 0), datetime(2026, 11, 2, 17, 0), channel="sas",
         sas_status="honore")
    call(store, datetime(2026, 11, 2, 20, 0), datetime(2026, 11, 4, 9, 0), channel="sas",
         sas_status="non_honore")
    call(store, datetime(2026, 11, 9, 8, 0), None, outcome="conseil")
    call(store, datetime(2026, 11, 9, 10, 0), datetime(2026, 11, 9, 11, 0),
         profession_code="60")
    call(store, datetime(2026, 10, 30, 10, 0))  # no outcome yet
    months = snp_figures.statistics(store, date(2026, 1, 1), date(2027, 1, 1), "month")
    assert months.to_dict("records")[1] == {
        "period": "2026-11-01", "label": "11/2026", "received": 4, "within_24h": 2,
        "pending": 0, "sas": 2, "sas_honoured": 1, "share_24h": 50.0}
    assert months["pending"].tolist() == [1, 0]
    weeks = snp_figures.statistics(store, date(2026, 11, 1), date(2026, 12, 1), "week")
    # Monday 02/11 to Sunday 08/11 and Monday 09/11 to Sunday 15/11.
    assert dict(zip(weeks["label"], weeks["received"])) == {
        "semaine du 02/11/2026": 2, "semaine du 09/11/2026": 2}
    channels = snp_figures.breakdown(store, date(2026, 11, 1), date(2026, 12, 1), "channel")
    assert dict(zip(channels["grp"], channels["share_24h"])) == {"sas": 50.0,
                                                                 "telephone": 50.0}
    motives = snp_figures.breakdown(store, date(2026, 11, 1), date(2026, 12, 1), "motive")
    assert motives[["grp", "received", "within_24h"]].values.tolist() == [
        ["Fièvre, infection (angine, cystite…)", 4, 2]]
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "SNP sous 24 h", "mission_code": "socle_1", "kind": "resultat",
        "period": "month", "direction": "higher", "aggregation": "mean", "source": "snp_24h"})
    values = indicators.values_for_year(store, indicators.get_indicator(store, indicator_id),
                                        2026, date(2026, 12, 15)).set_index("period")["value"]
    assert (values["10/2026"], values["11/2026"]) == (0.0, 50.0)
    assert snp_figures.sas_honoured(store, None, date(2026, 11, 1), date(2026, 12, 1)) == 1


def test_weeks_run_monday_to_sunday_and_periods_read_in_french(store):
    for received in (datetime(2025, 12, 31, 23, 59), datetime(2026, 11, 8, 23, 0),
                     datetime(2026, 11, 9, 0, 30), datetime(2026, 11, 15, 12, 0)):
        call(store, received)
    weeks = snp_figures.statistics(store, date(2025, 12, 1), date(2026, 12, 1), "week")
    # A week starting in one year and ending in the next is named by its Monday.
    assert dict(zip(weeks["label"], weeks["received"])) == {
        "semaine du 29/12/2025": 1, "semaine du 02/11/2026": 1, "semaine du 09/11/2026": 2}
    days = snp_figures.statistics(store, date(2026, 11, 8), date(2026, 11, 10), "day")
    assert days["label"].tolist() == ["08/11/2026", "09/11/2026"]
    years = snp_figures.statistics(store, date(2025, 1, 1), date(2027, 1, 1), "year")
    assert dict(zip(years["label"], years["received"])) == {"2025": 1, "2026": 3}


def test_slots_offered_against_slots_used(store):
    doctor = person(store, "Martin", profession="10")
    nurse = person(store, "Infirmiere", profession="60")
    weekly = snp.open_slot(store, COORD, doctor, time(17, 0), time(19, 0), 2, weekday=0,
                           valid_from=date(2026, 11, 2))
    snp.open_slot(store, COORD, nurse, time(9, 0), time(12, 0), 3, on_day=date(2026, 11, 14))
    for values, field in (({"weekday": None}, "when"), ({"ends": time(8, 0)}, "ends"),
                          ({"capacity": 0}, "capacity")):
        with pytest.raises(PortalError) as error:
            snp.open_slot(store, COORD, doctor, **{"starts": time(9, 0), "ends": time(10, 0),
                                                   "capacity": 1, "weekday": 2, **values})
        assert error.value.field == field
    # November 2026 has five Mondays (2, 9, 16, 23, 30): 5 × 2 + 3 places.
    assert snp_figures.slots_use(store, date(2026, 11, 1), date(2026, 12, 1))["offered"] == 13
    snp.end_slot(store, COORD, weekly, date(2026, 11, 15))
    assert snp_figures.slots_use(store, date(2026, 11, 1), date(2026, 12, 1))["offered"] == 7
    monday = snp.slots_on(store, date(2026, 11, 9))
    assert monday["person_id"].tolist() == [doctor]
    call(store, datetime(2026, 11, 9, 9, 0), datetime(2026, 11, 9, 17, 30), slot_id=weekly)
    assert snp.slots_on(store, date(2026, 11, 9))["taken"].tolist() == [1]
    assert snp_figures.slots_use(store, date(2026, 11, 1), date(2026, 12, 1))["used"] == 1
    offer = snp.week_offer(store, date(2026, 11, 9))
    assert offer.loc["Médecin"].tolist() == [2, 0, 0, 0, 0, 0, 0]
    assert offer.loc["Infirmier"].tolist() == [0, 0, 0, 0, 0, 3, 0]


def test_a_slot_is_stopped_or_called_off_and_leaves_the_open_list(store):
    doctor = person(store, "Martin", profession="10")
    weekly = snp.open_slot(store, COORD, doctor, time(17, 0), time(19, 0), 2, weekday=0,
                           valid_from=date(2026, 11, 2))
    dated = snp.open_slot(store, COORD, doctor, time(9, 0), time(12, 0), 3,
                          on_day=date(2026, 11, 14))
    opened = snp.open_slots(store, date(2026, 11, 10))
    assert [snp.slot_when(r) for r in opened] == [
        "Chaque lundi, 17:00 – 19:00", "Le 14/11/2026, 09:00 – 12:00"]
    snp.end_slot(store, COORD, dated, date(2026, 11, 13))  # called off the day before
    assert snp.slots_on(store, date(2026, 11, 14)).empty
    assert snp_figures.slots_use(store, date(2026, 11, 1), date(2026, 12, 1))["offered"] == 10
    with pytest.raises(PortalError, match="finit déjà le 13/11/2026"):
        snp.end_slot(store, COORD, dated, date(2026, 11, 20))
    with pytest.raises(PortalError) as error:
        snp.end_slot(store, COORD, 999, date(2026, 11, 20))
    assert error.value.field == "slot"
    with pytest.raises(PermissionDenied):
        snp.end_slot(store, Actor("b", frozenset({BUREAU})), weekly, date(2026, 11, 20))
    assert [r["id"] for r in snp.open_slots(store, date(2026, 11, 10))] == [weekly]
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'snp_slot'"
                        " AND action = 'end'") == 1


def test_the_slots_tab_lists_open_slots_and_stops_one(demo_store):
    at = open_page(logged_in("demo.coordination"), "unscheduled_care")
    running = snp.open_slots(demo_store)
    assert len(at.dataframe[-1].value) == len(running) > 0  # the open slots' table
    widget(at.button, "Arrêter le créneau").click()
    at.run()
    assert "Choisissez le créneau." in texts(at)
    first = running[0]["id"]
    widget(at.selectbox, "Arrêter un créneau").set_value(first)
    widget(at.button, "Arrêter le créneau").click()
    at.run()
    assert not at.exception
    assert demo_store.scalar("SELECT valid_until FROM snp_slots WHERE id = ?",
                             (first,)) == date.today().isoformat()
    slots = demo_store.scalar("SELECT COUNT(*) FROM snp_slots")
    widget(at.selectbox, "Chaque semaine le").set_value(2)
    widget(at.button, "Ouvrir le créneau").click()
    at.run()
    assert "La fin du créneau suit son début." in texts(at)
    assert demo_store.scalar("SELECT COUNT(*) FROM snp_slots") == slots
    taking_part = demo_store.query_one("SELECT id, rpps FROM people WHERE snp = 1"
                                       " AND rpps IS NOT NULL LIMIT 1")
    widget(at.text_input, "Professionnel (fiche « soins non programmés »)").set_value(
        taking_part["rpps"]).run()
    widget(at.selectbox, "Chaque semaine le").set_value(2)
    widget(at.time_input, "De").set_value(time(18, 0))
    widget(at.time_input, "À").set_value(time(20, 0))
    widget(at.button, "Ouvrir le créneau").click()
    at.run()
    assert not at.exception
    assert demo_store.scalar("SELECT person_id FROM snp_slots ORDER BY id DESC LIMIT 1") == \
        taking_part["id"]
    # The next slot starts blank: no professional chosen for it yet.
    assert widget(at.text_input, "Professionnel (fiche « soins non programmés »)").value == ""


def test_the_phone_form_saves_and_starts_again_blank(demo_store):
    before = demo_store.scalar("SELECT COUNT(*) FROM snp_requests"
                               " WHERE entered_by = 'demo.coordination'")
    at = open_page(logged_in("demo.coordination"), "unscheduled_care")
    assert not at.exception
    # Only the professionals whose card says they take part in SNP are found.
    outsider = demo_store.query_one("SELECT id, last_name FROM people WHERE snp = 0"
                                    " AND rpps IS NOT NULL LIMIT 1")
    search = widget(at.text_input, "Professionnel hors créneau")
    search.set_value(outsider["last_name"]).run()
    found = widget(at.selectbox, "Personne trouvée").options
    assert outsider["id"] not in found
    nurse = demo_store.query_one("SELECT id, rpps FROM people WHERE profession_code = '60'"
                                 " AND snp = 1 AND rpps IS NOT NULL LIMIT 1")
    widget(at.text_input, "Professionnel hors créneau").set_value(
        nurse["rpps"]).run()
    assert widget(at.selectbox, "Personne trouvée").value == nurse["id"]  # the only one
    widget(at.selectbox, "Tranche d'âge").set_value("18-39")
    widget(at.selectbox, "Motif").set_value("plaie")
    widget(at.button, "Enregistrer et passer à l'appel suivant").click()
    at.run()
    assert not at.exception
    assert "Demande enregistrée." in texts(at)
    saved = demo_store.query("SELECT motive_code, age_band, entered_by, person_id"
                             " FROM snp_requests WHERE entered_by = 'demo.coordination'")
    assert before == 0 and saved == [{"motive_code": "plaie", "age_band": "18-39",
                                      "entered_by": "demo.coordination",
                                      "person_id": nurse["id"]}]
    assert widget(at.selectbox, "Motif").value is None
    at = open_page(logged_in("demo.bureau"), "care_figures")
    assert not at.exception and "Soins non programmés" in texts(at)


def test_the_board_sends_a_busy_week_a_page_at_a_time(demo_store):
    yesterday = datetime.combine(date.today() - timedelta(days=1), time(8, 0))
    for minute in range(60):
        call(demo_store, yesterday + timedelta(minutes=minute))
    week = (date.today() - timedelta(days=7), date.today())
    waiting = snp.count_requests(demo_store, *week, pending_only=True)
    assert waiting >= 60
    at = open_page(logged_in("demo.coordination"), "unscheduled_care")
    assert not at.exception
    pages = widget(at.number_input, f"Page (sur {-(-waiting // 50)})")
    tables = [t for t in at.tabs[0].dataframe if "Reçue le" in t.value.columns]
    assert len(tables[-1].value) == 50
    pages.set_value(2).run()
    tables = [t for t in at.tabs[0].dataframe if "Reçue le" in t.value.columns]
    assert len(tables[-1].value) == min(50, waiting - 50)
    assert list(tables[-1].value["Reçue le"]) == [
        f"{r[8:10]}/{r[5:7]}/{r[:4]} {r[11:]}" for r in snp.requests_between(
            demo_store, *week, True, 50, 50)["received_at"]]


def test_completing_an_older_call_keeps_its_slot(demo_store):
    yesterday = date.today() - timedelta(days=1)
    slot = next(r for r in snp.open_slots(demo_store) if r["on_day"] is None)
    dated = snp.open_slot(demo_store, COORD, demo_store.scalar(
        "SELECT person_id FROM snp_slots WHERE id = ?", (slot["id"],)), time(8, 0),
        time(9, 0), 1, on_day=yesterday)
    request_id = call(demo_store, datetime.combine(yesterday, time(7, 30)), slot_id=dated)
    at = open_page(logged_in("demo.coordination"), "unscheduled_care")
    waiting = snp.requests_between(demo_store, date.today() - timedelta(days=7), date.today(),
                                   pending_only=True)
    row = waiting["id"].tolist().index(request_id)
    at.session_state["waiting_requests_0"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    assert not at.exception
    form = f"snp_{request_id}_0"  # the form completing this request, not the new call's
    assert [s for s in at.selectbox if s.form_id == form]
    # A colleague takes an older call meanwhile: rows shift under the ticked one at the
    # board's next refresh, and the call being completed stays the same.
    call(demo_store, datetime.combine(yesterday, time(23, 0)))  # listed first
    at.run()
    boxes = {s.label: s for s in at.selectbox if s.form_id == form}
    # Yesterday's slot kept, with its day.
    assert boxes["Orientée vers un créneau"].value == f"{dated}@{yesterday.isoformat()}"
    boxes["Issue"].set_value("conseil")
    next(b for b in at.button if b.form_id == form).click()
    at.run()
    saved = snp.get_request(demo_store, request_id)
    assert (saved["outcome"], saved["slot_id"]) == ("conseil", dated)
    # The call is done: the form closes instead of opening the call now on that row.
    assert "Demande enregistrée." in texts(at)
    assert not [s for s in at.selectbox if s.form_id.startswith(f"snp_{request_id}_")]
    assert at.session_state["snp_chosen"] is None


def test_motives_are_added_renamed_and_archived_without_losing_past_calls(store):
    assert "infection" in snp.MOTIVES.offered(store)
    code = snp.MOTIVES.add(store, COORD, "  Vaccination   antigrippale ")
    assert (code, snp.MOTIVES.offered(store)[code]) == ("vaccination_antigrippale",
                                                "Vaccination antigrippale")
    with pytest.raises(PortalError, match="existe déjà"):
        snp.MOTIVES.add(store, COORD, "VACCINATION ANTIGRIPPALE")
    request_id = call(store, datetime(2026, 11, 9, 10, 0), motive_code=code)
    assert snp.MOTIVES.save(store, COORD, {code: {"label": "Vaccination", "active": False}}) == 1
    assert code not in snp.MOTIVES.offered(store)                         # not offered any more
    assert snp.MOTIVES.offered(store, keep=code)[code] == "Vaccination"   # but kept on its call
    assert snp.get_request(store, request_id)["motive_code"] == code
    used = {r["code"]: r["used"] for r in snp.MOTIVES.rows(store)}
    assert used[code] == 1
    everything_off = {m: {"label": label, "active": False}
                      for m, label in snp.MOTIVES.offered(store).items()}
    with pytest.raises(PortalError, match="au moins un motif"):
        snp.MOTIVES.save(store, COORD, everything_off)
    with pytest.raises(PortalError, match="même nom"):
        snp.MOTIVES.save(store, COORD, {"plaie": {"label": "Vaccination", "active": True}})
    assert "infection" in snp.MOTIVES.offered(store)  # nothing of the refused changes was saved
    with pytest.raises(PermissionDenied):
        snp.MOTIVES.add(store, Actor("b", frozenset({BUREAU})), "Autre chose")


def test_the_motives_tab_renames_one(demo_store):
    at = open_page(logged_in("demo.coordination"), "unscheduled_care")
    at.session_state["snp_motive_sheet"] = {
        "edited_rows": {0: {"Motif": "Fièvre, infection"}}, "added_rows": [],
        "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.key == "snp_motive_save").click().run()
    assert not at.exception
    assert toasts(at) == ["1 motif(s) modifié(s)."]
    assert snp.MOTIVES.offered(demo_store)["infection"] == "Fièvre, infection"


def tuesday_slot(store, capacity: int = 2) -> int:
    """A doctor's slot every Tuesday, 17:00 to 19:00, from 03/11/2026."""
    doctor = person(store, "Martin", profession="10")
    return snp.open_slot(store, COORD, doctor, time(17, 0), time(19, 0), capacity, weekday=1,
                         valid_from=date(2026, 11, 3))


def test_a_call_sent_to_a_slot_takes_a_place_at_once_and_frees_it_if_not_seen(store):
    slot = tuesday_slot(store, capacity=2)
    tuesday = date(2026, 11, 10)
    first = call(store, datetime(2026, 11, 10, 9, 0), slot_id=slot)   # no appointment yet
    assert snp.slots_on(store, tuesday)["taken"].tolist() == [1]
    call(store, datetime(2026, 11, 10, 9, 30), slot_id=slot)
    with pytest.raises(PortalError, match="Ce créneau est complet le 10/11/2026") as error:
        call(store, datetime(2026, 11, 10, 10, 0), slot_id=slot)
    assert error.value.field == "slot_id"
    # The first patient was given advice instead: their place is free again.
    snp.save_request(store, COORD, {**snp.get_request(store, first), "outcome": "conseil",
                                    "received_day": tuesday, "received_time": time(9, 0)},
                     first)
    assert snp.slots_on(store, tuesday)["taken"].tolist() == [1]
    call(store, datetime(2026, 11, 10, 10, 0), slot_id=slot)
    assert snp_figures.slots_use(store, date(2026, 11, 1), date(2026, 12, 1))["used"] == 2


def test_an_appointment_outside_the_slot_is_refused_with_the_reason(store):
    slot = tuesday_slot(store)
    wrong_day = ("Le rendez-vous du 11/11/2026 à 17:30 est hors du créneau choisi "
                 "(chaque mardi, 17:00 – 19:00")
    for appointment, message in (
            (datetime(2026, 11, 11, 17, 30), wrong_day),
            (datetime(2026, 11, 10, 20, 0), "Le rendez-vous du 10/11/2026 à 20:00 est hors")):
        with pytest.raises(PortalError, match=message.replace("(", r"\(")) as error:
            call(store, datetime(2026, 11, 10, 9, 0), appointment, slot_id=slot,
                 slot_day=date(2026, 11, 10))
        assert error.value.field == "appointment"
    with pytest.raises(PortalError, match="Ce créneau n'a pas lieu le 11/11/2026"):
        call(store, datetime(2026, 11, 10, 9, 0), slot_id=slot, slot_day=date(2026, 11, 11))
    call(store, datetime(2026, 11, 10, 9, 0), datetime(2026, 11, 10, 17, 30), slot_id=slot)


def test_a_slot_that_has_ended_is_not_offered_and_tomorrows_are(store):
    slot = tuesday_slot(store)
    evening = snp.slot_choices(store, datetime(2026, 11, 10, 22, 48))
    assert list(evening) == []  # Tuesday's slot is over, and Wednesday has none
    monday = snp.slot_choices(store, datetime(2026, 11, 9, 22, 48))
    assert list(monday) == [f"{slot}@2026-11-10"]
    assert monday[f"{slot}@2026-11-10"].startswith("Mar. 10/11 17:00–19:00 · Martin A")
    assert monday[f"{slot}@2026-11-10"].endswith("2 places libres")
    assert list(snp.slot_choices(store, datetime(2026, 11, 10, 18, 30))) == [
        f"{slot}@2026-11-10"]  # still running


def test_the_channel_defaults_to_the_usual_one_never_to_the_sas(store):
    assert snp.usual_channel(store) == "telephone"  # the first offered
    yesterday = date.today() - timedelta(days=1)
    for minute in (0, 5):
        call(store, datetime.combine(yesterday, time(12, minute)), channel="pharmacie")
    call(store, datetime.combine(yesterday, time(13, 0)), channel="sas")
    assert snp.usual_channel(store) == "pharmacie"


def test_free_places_count_the_slots_not_ended(store):
    slot = tuesday_slot(store, capacity=2)
    call(store, datetime(2026, 11, 10, 9, 0), slot_id=slot)
    assert snp.free_places(store, datetime(2026, 11, 10, 9, 30)) == 1
    assert snp.free_places(store, datetime(2026, 11, 10, 22, 48)) == 0  # the slot is over
    assert snp.free_places(store, datetime(2026, 11, 17, 9, 30)) == 2   # next Tuesday
