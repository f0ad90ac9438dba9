"""Failed-login time for a known and an unknown username, at the production bcrypt cost.

A login form that answers faster for unknown usernames lets anyone list the accounts.
Prints the median of each and their ratio (target: within a factor 2).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.accounts import login, users
from portal.core.db import Store
from portal.core.transactions import now

ROUNDS = 12
TRIES = 9
PASSWORD = "riviere-pont-canal-2026"


def median_ms(store: Store, username: str) -> float:
    """Failures 20 minutes apart (in the past): never 5 in a window, so never locked."""
    start = now() - timedelta(days=1)
    times = []
    for i in range(TRIES):
        began = time.perf_counter()
        login.verify_login(store, username, f"wrong-{i}", ROUNDS,
                           at=start + timedelta(minutes=20 * i))
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        store.migrate()
        users.create_first_admin(store, "marie.martin", "Marie Martin", "m@example.org",
                                 PASSWORD, PASSWORD, ROUNDS)
        known = median_ms(store, "marie.martin")
        unknown = median_ms(store, "personne.inconnue")
    print(f"failed login, known username:   {known:7.1f} ms (median of {TRIES})")
    print(f"failed login, unknown username: {unknown:7.1f} ms (median of {TRIES})")
    print(f"ratio known/unknown: {known / unknown:.2f} (bcrypt cost {ROUNDS})")


if __name__ == "__main__":
    main()
