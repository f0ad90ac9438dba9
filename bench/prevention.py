"""Prevention at scale: 2,000 events over five years (two or three professionals each,
the people reached by age band and sex for half of them); the server time of the year's
figures and of a page of events, and the Prévention page and an event's page against an
empty database (ratio).

    .venv/bin/python bench/prevention.py [--events N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from _pages import compare, compare_runs, database
from access_to_care import median_ms

from portal.core.db import Store
from portal.core.roles import CLI
from portal.core.transactions import iso, now
from portal.missions import prevention

THEMES = ("vaccination", "depistage_cancers", "addictions", "nutrition", "sante_mentale")


def fill(store: Store, events: int, years: int = 5) -> None:
    """`events` events spread over the last `years` years, 300 professionals to run them."""
    rng = random.Random(19)
    stamp = iso(now())
    first = date(date.today().year - years + 1, 1, 1)
    span = (date.today() - first).days
    with store.write(CLI) as tx:
        tx.conn.executemany(
            "INSERT INTO people (id, last_name, first_name, name_key, profession_code,"
            " created_at, updated_at) VALUES (?, ?, 'Camille', ?, '60', ?, ?)",
            [(i, f"Infirmier{i:04d}", f"infirmier{i:04d}|camille", stamp, stamp)
             for i in range(1, 301)])
        rows, runners, reach = [], [], []
        for number in range(1, events + 1):
            day = first + timedelta(days=rng.randrange(span))
            reached = rng.randrange(5, 120)
            rows.append((number, f"Événement {number}", rng.choice(THEMES),
                         rng.choice(list(prevention.FORMATS)), day.isoformat(), 120, "45155",
                         reached, stamp, stamp))
            runners += [(number, p) for p in rng.sample(range(1, 301), rng.randint(2, 3))]
            if number % 2:
                reach.append((number, "40-64", "f", reached))
        tx.conn.executemany(
            "INSERT INTO prevention_events (id, title, theme_code, format, held_on,"
            " duration_minutes, commune_code, reached, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        tx.conn.executemany("INSERT INTO prevention_event_people VALUES (?, ?)", runners)
        tx.conn.executemany("INSERT INTO prevention_reach VALUES (?, ?, ?, ?)", reach)
        tx.audit("bench", None, "prevention", after={"events": events})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        empty, full = database(folder / "empty.db"), database(folder / "full.db")
        fill(full, options.events)
        label = f"{options.events:,} events over 5 years"
        print(label)
        filters = prevention.Filters(date.today().year)
        for name, compute in (
                ("the year's figures", lambda: prevention.summary(full, filters)),
                ("figures by theme", lambda: prevention.by_theme(full, filters)),
                ("first page of the year's events",
                 lambda: prevention.events(full, filters, 50))):
            print(f"{name}: {median_ms(compute):.1f} ms (server, median of 7)")
        compare("Prévention", "prevention", {"empty": empty, label: full})
        event = prevention.save_event(empty, CLI, {
            "title": "Stand", "theme_code": "vaccination", "format": "stand",
            "held_on": date.today()})[0]
        compare_runs("Événement de prévention", "prevention_event", {
            "empty": (empty, {"id": event}), label: (full, {"id": 1})})


if __name__ == "__main__":
    main()
