"""Benchmark place lookups (issue: places): ms per lookup once loaded.

Usage: python benchmarks/bench_lookup.py [--db URL]

Imports the bundled real history into a temporary SQLite database (unless --db is
given), loads the geography, then times lookups by point (every US city in the shipped
cities table with a county in the 50 states + DC, a sample of 2,000), by city name, by
county name and by FIPS, each with and without --as-of. Prints mean, p50, p99 and max.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="an existing g287 database URL")
    parser.add_argument("--n", type=int, default=2000)
    opts = parser.parse_args()
    from g287.app.importer import Importer
    from g287.config import Settings
    from g287.enrich.geo import counties, county_at
    from g287.enrich.geo.cities import cities_by_name
    from g287.errors import G287Error
    from g287.query.places import lookup
    from g287.sample import sheets_dir

    tmp = tempfile.mkdtemp()
    settings = Settings.from_env({}, data_dir=tmp, database_url=opts.db)
    importer = Importer.from_settings(settings)
    if not opts.db:
        importer.import_paths([sheets_dir()])
    rng = random.Random(287)
    cities = [c for c in cities_by_name() if c.state != "PR"]
    sample = rng.sample(cities, min(opts.n, len(cities)))
    all_counties = counties()
    county_at(30.0, -90.0)  # load the boundaries
    cases = {
        "point (lat/lon)": [{"lat": c.lat, "lon": c.lng} for c in sample],
        "city + state": [{"city": c.name, "state": c.state} for c in sample],
        "county name + state": [
            {"county": c.name, "state": c.state} for c in rng.sample(all_counties, opts.n // 2)
        ],
        "county FIPS": [{"fips": c.fips} for c in rng.sample(all_counties, opts.n // 2)],
    }
    print(f"\n`python benchmarks/bench_lookup.py` on {time.strftime('%Y-%m-%d')}\n")
    print("| lookup | as of | n | mean ms | p50 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    with importer.db.connect() as conn:
        for name, queries in cases.items():
            for as_of in (None, date(2025, 6, 1)):
                times = []
                for q in queries:
                    start = time.perf_counter()
                    with contextlib.suppress(G287Error):  # an unknown city: still timed
                        lookup(conn, as_of=as_of, **q)
                    times.append((time.perf_counter() - start) * 1000)
                times.sort()
                print(
                    f"| {name} | {as_of or 'now'} | {len(times)} | "
                    f"{statistics.mean(times):.2f} | {times[len(times) // 2]:.2f} | "
                    f"{times[int(len(times) * 0.99) - 1]:.2f} | {times[-1]:.2f} |"
                )


if __name__ == "__main__":
    main()
