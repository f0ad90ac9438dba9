"""Accès aux soins at scale: the médecin traitant queue with 20,000 requests, and five
years of soins non programmés (about 100 requests a day); AppTest run time of the queue
and figures pages against an empty database (ratio), and server time of the indicator
computations.

    .venv/bin/python bench/access_to_care.py [--requests N] [--per-day K] [--years Y]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from _pages import compare, database

from portal.care import doctor_figures, doctor_requests, snp_figures, unscheduled_care
from portal.core.db import Store
from portal.core.roles import CLI
from portal.core.transactions import iso, now

STATUSES = ("nouvelle", "en_recherche", "proposee", "refusee", "acceptee", "close",
            "abandonnee")


def fill(store: Store, requests: int, per_day: int, years: int) -> None:
    rng = random.Random(7)
    stamp = iso(now())
    today = date.today()
    communes = [r["code"] for r in store.query("SELECT code FROM communes"
                                               " WHERE department = '45' LIMIT 50")]
    codes = [c["code"] for c in doctor_requests.criteria(store) if c["code"] != "age70"]
    motives = list(unscheduled_care.MOTIVES.offered(store))
    with store.write(CLI) as tx:
        rows = []
        for i in range(requests):
            received = today - timedelta(days=rng.randrange(3 * 365))
            birth = date(rng.randrange(1925, 2020), rng.randrange(1, 13), rng.randrange(1, 28))
            status = rng.choice(STATUSES)
            rows.append((i + 1, received.isoformat(), "telephone", f"Nom{i}", "Camille",
                         birth.isoformat(), f"nom{i}|camille|{birth}", rng.choice(communes),
                         int(doctor_requests.aged_70(birth, received)), status,
                         (received + timedelta(days=30)).isoformat()
                         if status in ("acceptee", "close") else None, stamp, stamp))
        tx.conn.executemany(
            "INSERT INTO mt_requests (id, received_on, channel, last_name, first_name,"
            " birth_date, name_key, commune_code, aged_70, status, accepted_on, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        tx.conn.executemany(
            "INSERT INTO mt_request_criteria (request_id, code) VALUES (?, ?)",
            [(i + 1, code) for i in range(requests) for code in rng.sample(codes, 2)
             if rng.random() < 0.4])
        calls = []
        for days in range(years * 365, 0, -1):
            day = today - timedelta(days=days)
            for _ in range(per_day):
                received = datetime.combine(day, datetime.min.time()) + timedelta(
                    minutes=rng.randrange(8 * 60, 20 * 60))
                seen = received + timedelta(hours=rng.choice((2, 6, 20, 30)))
                calls.append((received.strftime("%Y-%m-%dT%H:%M"),
                              rng.choice(("sas", "telephone", "pharmacie")),
                              rng.choice(unscheduled_care.AGE_BANDS), rng.choice(motives),
                              "10", seen.strftime("%Y-%m-%dT%H:%M"),
                              unscheduled_care.minutes_between(received, seen), stamp))
        tx.conn.executemany(
            "INSERT INTO snp_requests (received_at, channel, age_band, motive_code,"
            " profession_code, outcome, appointment_at, delay_minutes, entered_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'rdv', ?, ?, 'bench', ?, ?)",
            [(*c, c[-1]) for c in calls])
        tx.audit("bench", None, "access", after={"requests": requests, "calls": len(calls)})


def median_ms(compute, runs: int = 7) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        compute()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        empty, full = database(folder / "empty.db"), database(folder / "full.db")
        fill(full, options.requests, options.per_day, options.years)
        calls = full.scalar("SELECT COUNT(*) FROM snp_requests")
        label = f"{options.requests:,} requests, {calls:,} SNP calls"
        print(label)
        stores = {"empty": empty, label: full}
        compare("Médecin traitant queue", "doctor_queue", stores)
        compare("Accès aux soins : chiffres", "care_figures", stores)
        year = date(date.today().year, 1, 1), date(date.today().year + 1, 1, 1)
        month = date.today().replace(day=1) - timedelta(days=1)
        month = month.replace(day=1), date.today().replace(day=1)
        for name, compute in (
                ("queue, first page", lambda: doctor_requests.queue(full, CLI)),
                ("SNP share within 24 h, one month",
                 lambda: snp_figures.share_within_24h(full, None, *month)),
                ("SNP figures per month, one year",
                 lambda: snp_figures.statistics(full, *year, "month")),
                ("SNP figures per day, five years", lambda: snp_figures.statistics(
                    full, date.today() - timedelta(days=5 * 365), date.today(), "day")),
                ("median wait for a médecin traitant, one year",
                 lambda: doctor_figures.median_wait(full, None, *year))):
            print(f"{name}: {median_ms(compute):.1f} ms (server, median of 7)")


if __name__ == "__main__":
    main()
