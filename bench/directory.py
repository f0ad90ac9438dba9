"""Directory at 20,000 people: server time per search, and the Annuaire page's AppTest run
time against the same page on an empty directory (ratio).

    .venv/bin/python bench/directory.py [--people N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from _pages import RUNS, compare, database

from portal.admin import demo
from portal.association import memberships
from portal.core.db import Store
from portal.core.roles import CLI
from portal.directory import organizations, persons, search, territory
from portal.directory.search import Filters

TAGS = ("plaies chroniques", "ETP diabète", "addictologie", "soins palliatifs", "pédiatrie",
        "gériatrie", "vaccination", "rééducation respiratoire")
PROFESSIONS = ("60", "10", "70", "21", "40", "50", "91", "93")


def fill(store: Store, people: int) -> None:
    rng = random.Random(2026)
    territory.add_communes(store, CLI, demo.directory.COMMUNES)
    with store.write(CLI) as tx:
        structures = [organizations.write_organization(tx, {
            "name": f"Structure {i}", "kind": rng.choice(list(organizations.KINDS)),
            "sector": rng.choice(list(organizations.SECTORS)),
            "commune_code": rng.choice(demo.directory.COMMUNES)})[0] for i in range(400)]
        for i in range(people):
            last = rng.choice(demo.directory.LAST_NAMES)
            first, civility = rng.choice(demo.directory.FIRST_NAMES)
            person_id, _ = persons.write_person(tx, {
                "civility": civility, "last_name": f"{last}{i % 97 or ''}", "first_name": first,
                "profession_code": rng.choice(PROFESSIONS), "commune_code":
                rng.choice(demo.directory.COMMUNES),
                "snp": rng.random() < 0.3, "phone": f"02 38 {rng.randrange(10, 99)} "
                f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}",
                "accepts_patients": rng.choice((None, "yes", "no"))},
                organization_ids=[rng.choice(structures)],
                tags=rng.sample(TAGS, rng.randrange(0, 3)))
            if rng.random() < 0.5:  # half of them members of the CPTS this year
                memberships.regularise(tx, person_id, date.today().year)


def timed_ms(function) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    people = parser.parse_args().people
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        started = time.perf_counter()
        full = database(folder / "full.db")
        fill(full, people)
        print(f"{people:,} people written in {time.perf_counter() - started:.1f} s")
        everyone = Filters(include_hidden=True)
        queries = {
            "count, no filter": lambda: search.count_people(full, everyone),
            "page 1, no filter": lambda: search.search_people(full, everyone, 50),
            "page 200, no filter": lambda: search.search_people(full, everyone, 50, 9950),
            "text 'martin'": lambda: search.search_people(full, everyone.replace(
                text="martin"), 50),
            "text 'plaies chron'": lambda: search.search_people(full, everyone.replace(
                text="plaies chron"), 50),
            "profession + commune + member": lambda: search.search_people(
                full, everyone.replace(profession="60", commune="45155", member=True), 50),
            "sector filter": lambda: search.search_people(full, everyone.replace(
                sector="social"), 50),
            "counts by profession": lambda: search.counts_by_profession(full, everyone),
            "export (all rows)": lambda: search.export_frame(full, everyone),
        }
        for label, query in queries.items():
            print(f"{label:>32}: {timed_ms(query):7.1f} ms (median of {RUNS})")
        compare("Annuaire page", "directory", {"empty": database(folder / "empty.db"),
                                               f"{people:,} people": full})

if __name__ == "__main__":
    main()
