"""The demo CPTS is loaded through the services, all or nothing."""

from __future__ import annotations

import pytest

from portal.accounts import users
from portal.admin import demo
from portal.core.errors import Busy, PortalError
from portal.core.roles import CLI
from portal.directory import persons, territory

# Entities the demo creates one by one: each row has its own audit entry, as when a
# coordinator types it (a bulk insert would leave one entry for them all).
ONE_BY_ONE = {"person": "people", "organization": "organizations", "action": "actions",
              "meeting": "meetings", "mandate": "mandates", "decision": "decisions",
              "mt_request": "mt_requests", "snp_request": "snp_requests",
              "snp_slot": "snp_slots"}


def test_every_record_of_the_demo_was_saved_by_a_service(demo_store):
    created = {r["entity"]: r["n"] for r in demo_store.query(
        "SELECT entity, COUNT(*) AS n FROM audit_log WHERE action = 'create'"
        " AND username = 'demo' GROUP BY entity")}
    for entity, table in ONE_BY_ONE.items():
        count = demo_store.scalar(f"SELECT COUNT(*) FROM {table}")
        assert count > 0 and created.get(entity) == count, entity
    # The rules a user meets held for the demo too: every appointment sits in its slot's
    # hours on a day the slot runs, and no slot holds more patients than its places.
    assert demo_store.scalar(
        "SELECT COUNT(*) FROM snp_requests r JOIN snp_slots s ON s.id = r.slot_id"
        " WHERE substr(r.appointment_at, 12, 5) NOT BETWEEN s.starts AND s.ends"
        " OR r.slot_day != substr(r.appointment_at, 1, 10)") == 0
    assert demo_store.scalar(
        "SELECT COUNT(*) FROM (SELECT r.slot_id, r.slot_day, COUNT(*) AS n, s.capacity"
        " FROM snp_requests r JOIN snp_slots s ON s.id = r.slot_id"
        " GROUP BY r.slot_id, r.slot_day HAVING n > s.capacity)") == 0
    holder = users.get_user(demo_store, "demo.bureau")
    card = persons.get_person(demo_store, holder["person_id"])
    assert (card["first_name"], card["last_name"], card["email"]) == \
        ("Paul", "Bernard", "demo.bureau@example.org")


def test_a_demo_that_fails_half_way_leaves_the_portal_as_it_was(store, env):
    """A commune of the demo missing from the reference list: the directory's loader is
    refused after the accounts and the CPTS's name were saved on the draft."""
    with store.write(CLI) as tx:
        tx.execute("DELETE FROM communes WHERE code = '18170'")
        tx.audit("communes", "18170", "delete")
    audit_rows = store.scalar("SELECT COUNT(*) FROM audit_log")
    with pytest.raises(PortalError, match="Communes inconnues : 18170"):
        demo.load(store, env.bcrypt_rounds)
    assert store.scalar("SELECT COUNT(*) FROM users") == 0
    assert territory.name(store) != demo.CPTS_NAME and not demo.is_loaded(store)
    assert store.scalar("SELECT COUNT(*) FROM people") == 0
    # Only the pause and its end are left, and writes go on.
    assert store.scalar("SELECT COUNT(*) FROM audit_log") == audit_rows + 2
    territory.add_communes(store, CLI, ["45155"])
    assert sorted(p.name for p in env.db_path.parent.iterdir()
                  if p.is_dir() and p.name.startswith("tmp")) == []


def test_writes_wait_while_a_draft_is_built_then_see_it(store):
    with store.staged(CLI) as draft:
        territory.add_communes(draft, CLI, ["45155"])
        with pytest.raises(Busy):
            territory.add_communes(store, CLI, ["45053"])
        assert territory.codes(store) == set()
    assert territory.codes(store) == {"45155"}
    territory.add_communes(store, CLI, ["45053"])
    assert territory.codes(store) == {"45155", "45053"}
