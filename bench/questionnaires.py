"""Questionnaires at 5,000 answer sheets: the campaign's results page against the same
page for an empty campaign (AppTest run time, ratio), and the server time of saving one
sheet typed at the entry form.

    .venv/bin/python bench/questionnaires.py [--sheets N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from _pages import compare_runs, database, page_seconds

from portal.core.db import Store
from portal.core.roles import CLI
from portal.core.transactions import iso, now
from portal.directory import persons
from portal.questionnaires import campaigns, responses


def fill(store: Store, sheets: int) -> tuple[int, int, int]:
    """`sheets` professionals, two campaigns: one empty, one answered by all of them
    (with a comment one time in ten). Returns (empty, full, first question id)."""
    rng = random.Random(6)
    with store.write(CLI) as tx:
        people = [persons.write_person(tx, {
            "last_name": f"Nom{i:05d}", "first_name": "Camille",
            "profession_code": ("10", "60", "70", "21", "50")[i % 5]})[0]
            for i in range(sheets + 1)]
        empty = campaigns.write_campaign(tx, {"title": "Vide"})
        full = campaigns.write_campaign(tx, {"title": "Pleine"})
        asked = campaigns.questions(tx, full)
        stamp = iso(now())
        tx.conn.executemany(
            "INSERT INTO responses (id, campaign_id, person_id, received_on, channel,"
            " complete, entered_by, entered_at) VALUES (?, ?, ?, '2026-11-02', 'papier', 1,"
            " 'bench', ?)", [(i + 1, full, p, stamp) for i, p in enumerate(people[:sheets])])
        rows = []
        for response_id in range(1, sheets + 1):
            for question in asked[:-1]:
                rows.append((response_id, question["id"],
                             rng.choice(campaigns.choices(question))))
            if rng.random() < 0.1:
                rows.append((response_id, asked[-1]["id"], "Disponible le soir."))
        tx.conn.executemany("INSERT INTO answers (response_id, question_id, value)"
                            " VALUES (?, ?, ?)", rows)
        tx.audit("bench", None, "answers", after={"answers": len(rows)})
    return empty, full, people[-1]


def save_seconds(store: Store, campaign_id: int, person_id: int, runs: int = 21) -> float:
    """Median server time of saving one sheet (replaced each run, as a correction is)."""
    answers = {q["id"]: campaigns.choices(q)[0] if q["kind"] != "text" else "Merci"
               for q in campaigns.questions(store, campaign_id)}
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        responses.save_response(store, CLI, campaign_id, answers, person_id=person_id,
                                replace=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", type=int, default=5000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = database(Path(folder) / "portal.db")
        empty, full, spare = fill(store, options.sheets)
        answers = store.scalar("SELECT COUNT(*) FROM answers")
        print(f"{options.sheets:,} sheets, {answers:,} answers")
        compare_runs("Campaign results", "campaign", {
            "empty campaign": (store, {"id": empty}),
            f"{options.sheets:,} sheets": (store, {"id": full})})
        print(f"Entry page with {options.sheets + 1:,} people to pick from: "
              f"{page_seconds('survey_entry', campaign=full) * 1000:.0f} ms (AppTest run)")
        print(f"Entry of one sheet (server time, median of 21): "
              f"{save_seconds(store, full, spare) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
