"""The association at scale: five years of 2,000 members and their payments; AppTest run
time of the Adhérents page against an empty database (ratio), and the server time of
the renewal of 2,000 members and of the counts. Then the indemnisation: a year of 5,000
meetings attended by 500 professionals (ten present at each) and a weekly SNP slot for
100 of them; the server time of the time to pay and of the year's statements, and the
Indemnisations page against an empty database.

    .venv/bin/python bench/association.py [--members N] [--years Y] [--meetings M]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from _pages import compare, database
from access_to_care import median_ms

from portal.association import indemnities, memberships
from portal.core.db import Store
from portal.core.roles import CLI, TREASURER, Actor
from portal.core.transactions import iso, now


def fill(store: Store, members: int, years: int) -> None:
    """`members` people, members each of the last `years` years (before this one) at a
    10 EUR fee, nine in ten of them paid."""
    rng = random.Random(18)
    stamp = iso(now())
    this = date.today().year
    with store.write(CLI) as tx:
        tx.conn.executemany(
            "INSERT INTO people (id, last_name, first_name, name_key, created_at, updated_at)"
            " VALUES (?, ?, 'Camille', ?, ?, ?)",
            [(i, f"Adhérent{i:05d}", f"adherent{i:05d}|camille", stamp, stamp)
             for i in range(1, members + 1)])
        rows, payments, number = [], [], 0
        for year in range(this - years, this):
            tx.conn.execute("INSERT INTO college_fees VALUES ('liberaux', ?, 1000, 0)", (year,))
            for person in range(1, members + 1):
                rows.append((len(rows) + 1, year, person, stamp))
                if rng.random() < 0.9:
                    number += 1
                    payments.append((len(rows), f"{year}-02-01", number, stamp))
        tx.conn.executemany(
            "INSERT INTO memberships (id, year, college_code, person_id, due_cents, created_at)"
            " VALUES (?, ?, 'liberaux', ?, 1000, ?)", rows)
        tx.conn.executemany(
            "INSERT INTO membership_payments (membership_id, paid_on, amount_cents, method,"
            " receipt_number, recorded_by, recorded_at) VALUES (?, ?, 1000, 'virement', ?,"
            " 'bench', ?)", payments)
        tx.conn.execute("INSERT INTO college_fees VALUES ('liberaux', ?, 1200, 0)", (this,))
        tx.audit("bench", None, "association", after={"memberships": len(rows)})


def fill_time(store: Store, meetings: int, professionals: int = 500) -> None:
    """Last year's `meetings` of two hours, ten of the first `professionals` members
    present at each; a weekly two-hour SNP slot for one in five; an hourly rate per kind."""
    rng = random.Random(20)
    stamp = iso(now())
    year = date.today().year - 1
    with store.write(CLI) as tx:
        tx.conn.executemany(
            "INSERT INTO meetings (id, kind, title, starts_at, ends_at, uid, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, rng.choice(["groupe_travail", "concertation", "ca"]), f"Réunion {i}",
              f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}T18:00",
              f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}T20:00", f"bench-{i}", stamp, stamp)
             for i in range(1, meetings + 1)])
        tx.conn.executemany(
            "INSERT INTO attendees (meeting_id, person_id, status) VALUES (?, ?, 'present')",
            [(i, person) for i in range(1, meetings + 1)
             for person in rng.sample(range(1, professionals + 1), 10)])
        tx.conn.executemany(
            "INSERT INTO snp_slots (person_id, weekday, starts, ends, capacity, valid_from,"
            " created_at) VALUES (?, ?, '17:00', '19:00', 3, ?, ?)",
            [(person, person % 5, f"{year}-01-01", stamp)
             for person in range(1, professionals + 1, 5)])
        tx.audit("bench", None, "indemnities", after={"meetings": meetings})
    for kind in ("reunion", "groupe_travail", "snp"):
        indemnities.add_rate(store, Actor("bench", frozenset({TREASURER})), kind, 5000,
                             date(year, 1, 1))


def statements(empty: Store, full: Store, meetings: int) -> None:
    year = date.today().year - 1
    first, last = date(year, 1, 1), date(year, 12, 31)
    started = time.perf_counter()
    fill_time(full, meetings)
    print(f"{meetings:,} meetings of {year} filled in {time.perf_counter() - started:.1f} s")
    page = median_ms(lambda: indemnities.pending_by_person(full, first, last, 50))
    print(f"time to pay, first page of 50 professionals and their total: {page:.1f} ms "
          "(server, median of 7)")
    compare("Indemnisations", "indemnities", {"empty": empty, f"{meetings:,} meetings": full},
            annee=str(year))
    started = time.perf_counter()
    made = indemnities.prepare(full, CLI, first, last)
    lines = full.scalar("SELECT COUNT(*) FROM indemnity_lines")
    print(f"statements of {year} for {len(made)} professionals ({lines:,} lines): "
          f"{time.perf_counter() - started:.2f} s")
    compare("Indemnisations, statements made", "indemnities",
            {"empty": empty, f"{len(made)} statements": full}, annee=str(year))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--meetings", type=int, default=5000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        empty, full = database(folder / "empty.db"), database(folder / "full.db")
        fill(full, options.members, options.years)
        label = f"{options.years} years x {options.members:,} members"
        print(label)
        this = date.today().year
        last = memberships.Filters(this - 1)
        for name, compute in (
                ("members, first page of last year",
                 lambda: memberships.members(full, last, 50)),
                ("counts by collège, last year",
                 lambda: memberships.counts_by_college(full, this - 1)),
                ("members not up to date, last year",
                 lambda: memberships.count_late(full, this - 1))):
            print(f"{name}: {median_ms(compute):.1f} ms (server, median of 7)")
        started = time.perf_counter()
        made = memberships.renew(full, CLI, this)
        print(f"renewal of {made:,} members into {this}: "
              f"{time.perf_counter() - started:.2f} s")
        compare("Adhérents", "members", {"empty": empty, label: full})
        statements(empty, full, options.meetings)


if __name__ == "__main__":
    main()
