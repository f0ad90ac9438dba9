"""Indicators at 200 x 5 years of monthly values: the Tableau de bord and an indicator's
page against the same pages on an empty database (AppTest run time, ratio), and the
yearly report's generation time.

    .venv/bin/python bench/indicators.py [--indicators N] [--years Y]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from _pages import compare, database

from portal.core.db import Store
from portal.core.roles import CLI
from portal.core.transactions import iso, now
from portal.missions import aci, indicators, report


def fill(store: Store, count: int, years: int) -> int:
    """`count` monthly indicators spread over the missions, valued every month of the
    last `years` years up to last month; returns the first one's id."""
    rng = random.Random(219)
    codes = [m["code"] for m in aci.all_missions(store)]
    today = date.today()
    months = [date(year, month, 1) for year in range(today.year - years + 1, today.year + 1)
              for month in range(1, 13) if date(year, month, 1) < date(today.year, today.month, 1)]
    with store.write(CLI) as tx:
        ids = [indicators.write_indicator(tx, {
            "name": f"Indicateur {i:03d}", "mission_code": codes[i % len(codes)],
            "kind": "resultat", "unit": "patients", "period": "month",
            "target": rng.choice((120, 240, None)), "direction": "higher",
            "aggregation": rng.choice(("sum", "mean", "last"))}) for i in range(count)]
        tx.conn.executemany(
            "INSERT INTO indicator_values (indicator_id, period_start, value, comment,"
            " entered_by, entered_at) VALUES (?, ?, ?, '', 'bench', ?)",
            [(i, m.isoformat(), rng.randrange(5, 30), iso(now())) for i in ids for m in months])
        tx.audit("bench", None, "indicator_values", after={"values": len(ids) * len(months)})
    return ids[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        empty, full = database(folder / "empty.db"), database(folder / "full.db")
        first = fill(full, options.indicators, options.years)
        values = full.scalar("SELECT COUNT(*) FROM indicator_values")
        label = f"{options.indicators} indicators, {values:,} values"
        print(label)
        compare("Tableau de bord", "dashboard", {"empty": empty, label: full})
        # On the empty database, the page of an unknown indicator says so and stops.
        compare("Indicator page", "indicator", {"empty": empty, label: full}, id=first)
        started = time.perf_counter()
        content = report.gather(full, date.today().year)
        gathered = time.perf_counter()
        word, excel = report.docx(content), report.xlsx(content)
        done = time.perf_counter()
        print(f"Yearly report: figures and {len(content.charts)} charts "
              f"{gathered - started:.1f} s, Word {len(word) / 1e6:.1f} MB and Excel "
              f"{len(excel) / 1e6:.1f} MB {done - gathered:.1f} s, total {done - started:.1f} s")


if __name__ == "__main__":
    main()
