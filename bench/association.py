"""The association at scale: five years of 2,000 members and their payments; AppTest run
time of the Adhérents page against an empty database (ratio), and the server time of
the renewal of 2,000 members and of the counts.

    .venv/bin/python bench/association.py [--members N] [--years Y]
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

from portal.association import memberships
from portal.core.db import Store
from portal.core.roles import CLI
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
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


if __name__ == "__main__":
    main()
