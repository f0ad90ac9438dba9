"""A portal where every optional field is blank somewhere: the demo CPTS, plus records
typed with only what each form requires (a person after an RPPS import with no phone,
e-mail, commune or structure; a meeting with an outside guest and a decision without
owner; a request anonymised after the retention period...).

`load` goes through the services, as a coordinator's forms do; `null_gaps` names each
optional column of the listed tables that is never blank, so the fixture cannot lose
its point silently when a migration adds a column.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from portal.admin import demo
from portal.association import indemnities, memberships
from portal.care import doctor_requests, unscheduled_care
from portal.core.formats import PARIS
from portal.core.roles import ADMIN, COORDINATOR, Actor
from portal.directory import organizations, persons
from portal.meetings import attendance, bodies, minutes, officers, schedule
from portal.missions import actions, evidence, indicators, pathways, prevention, support
from portal.questionnaires import campaigns, responses

COORD = Actor("demo.coordination", frozenset({COORDINATOR}))
ADMIN_ACTOR = Actor("demo.admin", frozenset({ADMIN}))

# The tables the trust issue names; each of their optional columns is NULL on a row.
TABLES = ("people", "organizations", "actions", "meetings", "attendees", "decisions",
          "indicators", "indicator_values", "evidence", "campaigns", "responses", "answers",
          "mt_requests", "snp_requests", "snp_slots", "doctor_capacity", "mandates",
          "memberships", "membership_payments", "indemnity_rates", "indemnity_statements",
          "indemnity_lines", "officer_details", "aci_funding", "spending",
          "prevention_events", "pathways", "pathway_members", "protocols", "newcomers",
          "placements")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def load(store, files_dir, rounds: int = 4) -> dict[str, int]:
    """The demo (unless loaded), then the sparse records; returns their ids by kind."""
    if not demo.is_loaded(store):
        demo.load(store, rounds)
    ids = {}
    # Sorted first, so the directory's first page lists it.
    ids["person"], _ = persons.save_person(store, COORD, {"last_name": "Abadie"})
    ids["organization"], _ = organizations.save_organization(
        store, COORD, {"name": "Structure sans coordonnées", "kind": "autre", "sector": "social"})
    ids["action"], _ = actions.save_action(store, COORD, {"number": 99, "title": "Action vide"},
                                           missions=["socle_1"])
    ids["meeting"] = _meeting(store, ids["person"])
    ids["indicator"] = _indicator(store, files_dir)
    ids["campaign"] = _campaign(store, ids["person"])
    ids["doctor_request"], ids["anonymised_request"] = _doctor_requests(store)
    ids["snp_request"] = _snp_requests(store)
    # A dated slot: its weekday is blank (the demo's are weekly).
    unscheduled_care.open_slot(store, COORD, ids["person"], time(8, 0), time(9, 0), 1,
                               on_day=date.today())
    # Members with nothing paid: an organisation in a collège whose fee is not set (its
    # amount due is blank), and the person at this year's fee.
    ids["organization_membership"] = memberships.add_membership(
        store, COORD, date.today().year, "medico_social", organization_id=ids["organization"])
    ids["membership"] = memberships.add_membership(store, COORD, date.today().year,
                                                   "liberaux", person_id=ids["person"])
    # A dirigeant whose details are all blank; time typed for the person with no
    # profession, on a statement not validated, and a correction waiting for the next.
    bodies.add_mandate(store, COORD, ids["person"], "ca", "membre", date.today())
    officers.save_details(store, COORD, ids["person"], "", "", "")
    indemnities.add_line(store, COORD, files_dir, ids["person"], "fonction", date.today(), 60,
                         None, "Permanence", "preuve.pdf", PDF)
    ids["statement"] = indemnities.prepare(store, COORD, date.today(), date.today(),
                                           [ids["person"]])[0]
    indemnities.add_line(store, COORD, files_dir, ids["person"], "fonction", date.today(), -30,
                         None, "Correction")
    # A prevention event with only what the form requires, planned: nobody reached yet.
    ids["prevention_event"], _ = prevention.save_event(store, COORD, {
        "title": "Événement sans détails", "theme_code": "autre", "format": "stand",
        "held_on": date.today() + timedelta(days=7)})
    # A pathway with only its title, theme and status; the bare person and structure in
    # it; a protocol beside any pathway, never declared nor ended.
    ids["pathway"], _ = pathways.save_pathway(store, COORD, {
        "title": "Parcours sans détails", "pathway_theme": "autre", "status": "projet"})
    pathways.add_member(store, COORD, ids["pathway"], ids["person"])
    pathways.add_member(store, COORD, ids["pathway"], organization_id=ids["organization"])
    pathways.save_protocol(store, COORD, {"title": "Protocole seul", "kind": "coordination",
                                          "started_on": date.today()})
    # A newcomer known by a name only, another by the bare card; a student not named.
    support.save_newcomer(store, COORD, {"name": "Nouvelle venue"})
    support.save_newcomer(store, COORD, {"person_id": ids["person"]})
    support.add_placement(store, COORD, ids["person"], "autre", date.today(), date.today())
    return ids


def _meeting(store, person_id: int) -> int:
    meeting_id, _ = schedule.save_meeting(store, COORD, {
        "kind": "ca", "title": "", "day": date.today() + timedelta(days=3),
        "start": time(18, 0), "end": time(19, 0)})
    attendance.invite(store, COORD, meeting_id, [person_id])
    attendance.invite_guest(store, COORD, meeting_id, "Invité extérieur", "")
    minutes.add_decision(store, COORD, meeting_id, {"kind": "tache", "text": "Sans responsable",
                                                    "status": "a_faire"})
    return meeting_id


def _indicator(store, files_dir) -> int:
    indicator_id, _ = indicators.save_indicator(store, COORD, {
        "name": "Indicateur sans objectif", "mission_code": "socle_1", "kind": "resultat",
        "period": "quarter", "direction": "higher"})
    indicators.record_value(store, COORD, indicator_id, date.today(), "3")
    evidence.add(store, COORD, files_dir, indicator_id, "preuve.pdf", PDF)
    return indicator_id


def _campaign(store, person_id: int) -> int:
    campaign_id, _ = campaigns.save_campaign(store, COORD, {"title": "Campagne vide"})
    responses.save_response(store, COORD, campaign_id, {}, person_id=person_id)
    return campaign_id


def _doctor_requests(store) -> tuple[int, int]:
    """One request with only what is required; one closed long ago, then anonymised."""
    bare, _ = doctor_requests.save_request(store, COORD, {
        "last_name": "Patient", "first_name": "Sans", "birth_date": date(1950, 5, 1),
        "channel": "telephone"})
    old, _ = doctor_requests.save_request(store, COORD, {
        "last_name": "Ancien", "first_name": "Patient", "birth_date": date(1940, 1, 1),
        "channel": "telephone", "received_on": date.today() - timedelta(days=400)})
    doctor_requests.move(store, COORD, old, "abandonnee", date.today() - timedelta(days=390),
                         reason="Parti du territoire")
    doctor_requests.purge(store, ADMIN_ACTOR)
    return bare, old


def _snp_requests(store) -> int:
    motive = next(iter(unscheduled_care.MOTIVES.offered(store)))
    received = datetime.now(PARIS).replace(tzinfo=None, second=0, microsecond=0)
    request_id, _ = unscheduled_care.save_request(store, COORD, {
        "received_day": received.date(), "received_time": received.time(),
        "channel": "telephone", "age_band": "18-39", "motive_code": motive,
        "profession_code": "10"})
    return request_id


def null_gaps(store) -> list[str]:
    """'table.column' for each optional column that no row leaves blank."""
    gaps = []
    for table in TABLES:
        for column in store.query(f"PRAGMA table_info({table})"):
            name = f"{table}.{column['name']}"
            if column["notnull"] or column["pk"]:
                continue
            if not store.scalar(f"SELECT COUNT(*) FROM {table} WHERE {column['name']} IS NULL"):
                gaps.append(name)
    return gaps
