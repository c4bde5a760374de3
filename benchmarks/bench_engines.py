"""Benchmark SQLite against PostgreSQL on the same work, side by side in one run.

Usage: python benchmarks/bench_engines.py --postgres URL [--publications 200]
       [--agreements 1500] [--repeat 3]

Simulates one history (``--publications`` participating lists and their pending lists),
then for each engine, in fresh processes: imports the folder into an empty database and
resolves (``import``), and rebuilds that database from the raw archive (``rebuild``).
Each is run ``--repeat`` times (best and median); the PostgreSQL/SQLite ratio of the
best times is printed. PostgreSQL runs in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_history import run


def schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", required=True, help="a PostgreSQL URL to work in")
    parser.add_argument("--publications", type=int, default=200)
    parser.add_argument("--agreements", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    from sqlalchemy import text

    from g287.simulate import simulate
    from g287.store.database import Database

    admin = Database(opts.postgres).engine.execution_options(isolation_level="AUTOCOMMIT")
    with tempfile.TemporaryDirectory() as tmp:
        sim = Path(tmp) / "sim"
        summary = simulate(
            sim, seed=opts.seed, publications=opts.publications, agreements=opts.agreements
        )
        print(
            f"\n`python benchmarks/bench_engines.py --publications {opts.publications} "
            f"--agreements {opts.agreements}` on {time.strftime('%Y-%m-%d')}: "
            f"{summary.participating_files} participating + {summary.pending_files} pending "
            f"lists, {summary.rows:,} rows\n"
        )
        times: dict[tuple[str, str], list[float]] = {}
        for n in range(opts.repeat):
            for engine in ("sqlite", "postgres"):
                folder = Path(tmp) / f"{engine}{n}"
                schema = "bench_" + uuid.uuid4().hex[:10]
                if engine == "postgres":
                    with admin.connect() as conn:
                        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
                    os.environ["BENCH_DATABASE_URL"] = schema_url(opts.postgres, schema)
                else:
                    os.environ.pop("BENCH_DATABASE_URL", None)
                try:
                    for task in ("import", "rebuild"):
                        args = [str(folder), str(sim / "sheets")] if task == "import" else []
                        out = run(task, *(args or [str(folder)]))
                        times.setdefault((engine, task), []).append(float(out["seconds"]))
                finally:
                    if engine == "postgres":
                        with admin.connect() as conn:
                            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        print("| work | SQLite best s | SQLite median s | PostgreSQL best s | median s | ratio |")
        print("|---|---|---|---|---|---|")
        for task in ("import", "rebuild"):
            sq, pg = times[("sqlite", task)], times[("postgres", task)]
            print(
                f"| {task} | {min(sq):.1f} | {statistics.median(sq):.1f} | {min(pg):.1f} | "
                f"{statistics.median(pg):.1f} | {min(pg) / min(sq):.2f} |"
            )


if __name__ == "__main__":
    main()
