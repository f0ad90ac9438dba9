"""RPPS import at national size: rows per second, peak memory, ratio to a plain line count.

Generates (once, in bench/output/) an extraction of 2.2 million rows in the 56-column
variant with realistic distributions (communes weighted by population, professions by
their national share, one to three places of practice per professional), then imports
it for a territory of about 50 communes, in a fresh process so its peak memory is its
own. Target: under 60 s for the whole file, peak memory under 500 MB.

    .venv/bin/python bench/import_rpps.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from rpps_files import header, line

from portal.admin import demo
from portal.core import reference, validation
from portal.core.db import Store
from portal.core.roles import CLI
from portal.directory import rpps, territory

OUTPUT = ROOT / "bench" / "output"
# Share of each profession among the rows of the national file (rounded public figures).
PROFESSIONS = {"60": 0.33, "10": 0.25, "70": 0.09, "21": 0.08, "40": 0.05, "50": 0.03,
               "91": 0.03, "93": 0.04, "80": 0.02, "94": 0.02, "95": 0.02, "96": 0.01,
               "92": 0.01, "26": 0.01, "28": 0.01}
LAST = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND",
        "LEROY", "MOREAU", "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID",
        "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRE", "LEFEVRE",
        "MERCIER", "DUPONT", "LAMBERT", "BONNET", "FRANCOIS", "MARTINEZ", "D'AMIENS",
        "N'GUYEN", "LE GALL", "SAINT-ANDRE"]
FIRST = ["MARIE", "JEAN", "PIERRE", "ANNE", "NICOLAS", "SOPHIE", "JEAN-PIERRE", "CLAIRE",
         "FRANCOIS", "ISABELLE", "THOMAS", "CAMILLE", "HELENE", "LUC", "EMILIE", "PAUL"]
TERRITORY_SIZE = 50


def communes() -> list[dict]:
    with (ROOT / "data" / "communes_france_cog2026.csv").open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter=";") if r["type"] == "commune-actuelle"]


def generate(path: Path, rows: int) -> None:
    rng = random.Random(2026)
    all_communes = communes()
    cumulative = list(itertools.accumulate(max(int(c["population"] or 0), 50)
                                           for c in all_communes))
    professions, shares = zip(*PROFESSIONS.items())
    labels = {r["code"]: r["libelle"] for r in csv.DictReader(
        (ROOT / "data" / "nos_TRE_G15_ProfessionSante.csv").open(encoding="utf-8"),
        delimiter=";")}
    started = time.perf_counter()
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header("B"))
        identifier = 10_000_000
        while written < rows:
            identifier += 1
            number = f"1{identifier:09d}"
            number = next(number + d for d in "0123456789" if validation.luhn_ok(number + d))
            profession = rng.choices(professions, shares)[0]
            person = {
                "id_type": "8", "id": number, "national_id": "8" + number,
                "civility": rng.choice(("M", "MME")),
                "exercise_civility": "DR" if profession in ("10", "40") else "",
                "last_name": rng.choice(LAST), "first_name": rng.choice(FIRST),
                "profession": profession, "profession_label": labels.get(profession, ""),
                "skill_type": "S" if profession == "10" else "",
                "skill": rng.choice(("SM54", "SM26", "SM53", "SM04")) if profession == "10"
                else "",
                "mode": rng.choice(("L", "L", "S")),
                "civility_label": "Monsieur", "category": "C", "category_label": "Civil",
                "mode_label": "Libéral", "authority": "CNOM/CNOM/CNOM",
                "skill_label": "Médecine générale (SM)" if profession == "10" else "",
            }
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                commune = rng.choices(all_communes, cum_weights=cumulative)[0]
                site = {**person, "commune": commune["code_insee"],
                        "commune_label": commune["nom"].upper(),
                        "department": commune["departement"],
                        "postal_code": commune["codes_postaux"].split("|")[0],
                        "site": f"CABINET {person['last_name']} {person['first_name']}",
                        "street_number": str(rng.randrange(1, 200)), "street_type": "rue",
                        "street": "de la République",
                        "siret": f"{rng.randrange(10**13, 10**14)}",
                        "siren": f"{rng.randrange(10**8, 10**9)}",
                        "structure_id": f"R10100000{rng.randrange(10**6, 10**7)}",
                        "country": "99000", "country_label": "France",
                        "department_label": "Loiret", "sector": "SA07",
                        "sector_label": "Cabinet individuel",
                        "phone": f"02 38 {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                                 f"{rng.randrange(10, 99)}" if rng.random() < 0.6 else "",
                        "email": "cabinet@exemple.fr" if rng.random() < 0.2 else ""}
                out.write(line(site, "B"))
                written += 1
    print(f"generated {written:,} rows, {path.stat().st_size / 1e6:,.0f} MB "
          f"in {time.perf_counter() - started:.1f} s")


def measure(path: Path) -> None:
    """Run in a fresh process: line count, then plan and apply, then peak memory."""
    started = time.perf_counter()
    with path.open("rb") as f:
        lines = sum(1 for _ in f)
    count_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        store.migrate()
        reference.sync(store)
        # The demo territory around Gien, then small Loiret communes up to 50.
        chosen = list(demo.directory.COMMUNES) + [r["code"] for r in store.query(
            "SELECT code FROM communes WHERE department = '45'"
            " AND population BETWEEN 500 AND 5000 ORDER BY code")]
        territory.add_communes(store, CLI, list(dict.fromkeys(chosen))[:TERRITORY_SIZE])
        started = time.perf_counter()
        with path.open("rb") as f:
            result = rpps.plan(store, f)
        plan_seconds = time.perf_counter() - started
        started = time.perf_counter()
        rpps.apply(store, CLI, result)
        apply_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = plan_seconds + apply_seconds
    print(f"plain line count: {lines:,} lines in {count_seconds:.1f} s")
    print(f"plan (read, filter, compare): {plan_seconds:.1f} s, "
          f"{result.rows_read / plan_seconds:,.0f} rows/s")
    print(f"apply (one transaction): {apply_seconds:.1f} s for {len(result.new):,} people "
          f"({result.rows_kept:,} rows in {TERRITORY_SIZE} communes)")
    print(f"import total: {total:.1f} s (target < 60 s); ratio to line count: "
          f"{total / count_seconds:.1f}")
    print(f"peak memory of the import process: {peak_mb:,.0f} MB (target < 500 MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_200_000)
    parser.add_argument("--measure", type=Path)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"PS_LibreAcces_Personne_activite_{args.rows}.txt"
    if not path.exists():
        generate(path, args.rows)
    subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True)


if __name__ == "__main__":
    main()
