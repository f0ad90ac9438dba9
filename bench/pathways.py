"""Parcours at scale: 100 pathways, each with 20 actors, a protocol and its 10 adherents,
five years of monthly inclusions and 50 concertation meetings; the server time of the
year's figures, and the Parcours list and a pathway's page against an empty database.

    .venv/bin/python bench/pathways.py [--pathways N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from datetime import date
from pathlib import Path

from _pages import compare, compare_runs, database
from access_to_care import median_ms

from portal.core.db import Store
from portal.core.roles import CLI
from portal.core.transactions import iso, now
from portal.missions import pathways


def fill(store: Store, count: int) -> None:
    rng = random.Random(2)
    stamp = iso(now())
    this = date.today().year
    with store.write(CLI) as tx:
        tx.conn.executemany(
            "INSERT INTO people (id, last_name, first_name, name_key, profession_code,"
            " created_at, updated_at) VALUES (?, ?, 'Camille', ?, '60', ?, ?)",
            [(i, f"Acteur{i:04d}", f"acteur{i:04d}|camille", stamp, stamp)
             for i in range(1, 1001)])
        tx.conn.executemany(
            "INSERT INTO pathways (id, title, pathway_theme, status, started_on, created_at,"
            " updated_at) VALUES (?, ?, 'autre', 'en_cours', ?, ?, ?)",
            [(i, f"Parcours {i:03d}", f"{this - 5}-01-01", stamp, stamp)
             for i in range(1, count + 1)])
        members, protocols, adherents, inclusions, meetings, links = [], [], [], [], [], []
        for pathway in range(1, count + 1):
            people = rng.sample(range(1, 1001), 20)
            members += [(pathway, p, "Acteur") for p in people]
            protocols.append((pathway, pathway, f"Protocole {pathway}", f"{this - 5}-01-01",
                              stamp, stamp))
            adherents += [(pathway, p, "delegue", f"{this - 4}-01-01") for p in people[:10]]
            inclusions += [(pathway, f"{year}-{month:02d}-01", rng.randint(0, 5))
                           for year in range(this - 5, this) for month in range(1, 13)]
            for number in range(50):
                meeting = (pathway - 1) * 50 + number + 1
                day = f"{this - number % 5}-{1 + number % 12:02d}-10"
                meetings.append((meeting, f"Concertation {meeting}", f"{day}T13:00",
                                 f"{day}T14:00", f"bench-{meeting}", stamp, stamp))
                links.append((pathway, meeting, rng.randint(0, 8)))
        tx.conn.executemany("INSERT INTO pathway_members (pathway_id, person_id, role)"
                            " VALUES (?, ?, ?)", members)
        tx.conn.executemany("INSERT INTO protocols (id, pathway_id, title, kind, started_on,"
                            " created_at, updated_at) VALUES (?, ?, ?, 'cooperation_locale',"
                            " ?, ?, ?)", protocols)
        tx.conn.executemany("INSERT INTO protocol_adherents VALUES (?, ?, ?, ?)", adherents)
        tx.conn.executemany("INSERT INTO pathway_inclusions VALUES (?, ?, ?)", inclusions)
        tx.conn.executemany("INSERT INTO meetings (id, kind, title, starts_at, ends_at, uid,"
                            " created_at, updated_at) VALUES (?, 'concertation', ?, ?, ?, ?,"
                            " ?, ?)", meetings)
        tx.conn.executemany("INSERT INTO pathway_meetings VALUES (?, ?, ?)", links)
        tx.audit("bench", None, "pathways", after={"pathways": count})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pathways", type=int, default=100)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        empty, full = database(folder / "empty.db"), database(folder / "full.db")
        fill(full, options.pathways)
        label = f"{options.pathways} pathways"
        print(label)
        print(f"the year's figures of every pathway: "
              f"{median_ms(lambda: pathways.for_year(full, date.today().year - 1)):.1f} ms "
              "(server, median of 7)")
        compare("Parcours", "pathways", {"empty": empty, label: full})
        first = pathways.save_pathway(empty, CLI, {
            "title": "Parcours", "pathway_theme": "autre", "status": "projet"})[0]
        compare_runs("Un parcours", "pathway", {"empty": (empty, {"id": first}),
                                                 label: (full, {"id": 1})})


if __name__ == "__main__":
    main()
