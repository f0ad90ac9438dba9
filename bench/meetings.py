"""Réunions at 5,000 meetings and 50,000 attendance rows: the meetings page, a person's
page, the follow-up of decisions and the missions page (time per mission) against the same
pages with the same directory and no meeting (AppTest run time, ratio).

    .venv/bin/python bench/meetings.py [--meetings N] [--per-meeting K]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from _pages import compare, database

from portal.association import memberships
from portal.core.db import Store
from portal.core.roles import CLI
from portal.core.transactions import iso, now
from portal.directory import persons
from portal.meetings import schedule
from portal.missions import aci

PEOPLE = 2000


def people(store: Store) -> None:
    with store.write(CLI) as tx:
        for i in range(PEOPLE):
            person_id, _ = persons.write_person(tx, {
                "last_name": f"Nom{i:04d}", "first_name": "Camille",
                "profession_code": ("10", "60", "70", "21")[i % 4]})
            if i % 3:  # two in three members of the CPTS this year
                memberships.regularise(tx, person_id, date.today().year)


def fill(store: Store, count: int, per_meeting: int) -> None:
    """`count` meetings over five years around today (a fifth of them to come), each with
    `per_meeting` invitees (person 1 at every tenth), its missions and a decision."""
    rng = random.Random(5000)
    codes = [m["code"] for m in aci.all_missions(store)]
    kinds = list(schedule.KINDS)
    first = datetime.combine(date.today() - timedelta(days=4 * 365), datetime.min.time())
    stamp = iso(now())
    with store.write(CLI) as tx:
        rows = []
        for i in range(count):
            start = first + timedelta(days=rng.randrange(5 * 365), hours=rng.randrange(8, 20))
            rows.append((i + 1, kinds[i % len(kinds)], f"Réunion {i}",
                         start.strftime("%Y-%m-%dT%H:%M"),
                         (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                         f"{uuid.uuid4()}@bench", stamp, stamp))
        tx.conn.executemany(
            "INSERT INTO meetings (id, kind, title, starts_at, ends_at, uid, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        tx.conn.executemany(
            "INSERT INTO meeting_missions (meeting_id, mission_code) VALUES (?, ?)",
            [(i + 1, codes[i % len(codes)]) for i in range(count)])
        invited = []
        for i in range(count):
            chosen = rng.sample(range(2, PEOPLE + 1), per_meeting - 1)
            chosen.append(1 if i % 10 == 0 else rng.randrange(2, PEOPLE + 1))
            invited += [(i + 1, p, rng.choice(("present", "present", "excuse", "absent")))
                        for p in set(chosen)]
        tx.conn.executemany(
            "INSERT INTO attendees (meeting_id, person_id, status) VALUES (?, ?, ?)", invited)
        tx.conn.executemany(
            "INSERT INTO decisions (meeting_id, kind, text, owner_id, due_on, status,"
            " created_at, updated_at) VALUES (?, 'tache', ?, ?, ?, ?, ?, ?)",
            [(i + 1, f"Tâche {i}", rng.randrange(1, PEOPLE + 1),
              (first + timedelta(days=rng.randrange(5 * 365))).date().isoformat(),
              rng.choice(("a_faire", "en_cours", "faite", "faite")), stamp, stamp)
             for i in range(count)])
        tx.audit("bench", None, "meetings", after={"meetings": count, "invited": len(invited)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--per-meeting", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        empty, full = database(folder / "empty.db"), database(folder / "full.db")
        for store in (empty, full):
            people(store)
        fill(full, options.meetings, options.per_meeting)
        rows = full.scalar("SELECT COUNT(*) FROM attendees")
        label = f"{options.meetings:,} meetings, {rows:,} attendance rows"
        print(f"{label}; person 1 invited to "
              f"{full.scalar('SELECT COUNT(*) FROM attendees WHERE person_id = 1'):,}")
        stores = {"no meeting": empty, label: full}
        compare("Réunions (à venir)", "meetings", stores)
        compare("Person page", "person", stores, id=1)
        compare("Suivi des décisions", "decisions", stores)
        compare("Missions (time per mission)", "missions", stores)


if __name__ == "__main__":
    main()
