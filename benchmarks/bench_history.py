"""Benchmark resolution on simulated histories (issue: history).

Usage:
    python benchmarks/bench_history.py [--publications 500] [--agreements 3500]
                                       [--seeds 1 2 3 4 5] [--skip-big]

1. Accuracy: for each seed, simulate the default history (60 lists, ~400 agreements),
   import it, and score the resolution against the simulator's truth.
2. Scale: simulate 500 lists with ~3,000 active agreements (~1.5 million rows), then in
   fresh processes: import the folder into a new SQLite database; rebuild that database
   from the raw archive (``Importer.rebuild``); and add one new list to a database
   holding all the others (import + resolve), both in a process that already holds the
   history (a watch service) and from a cold start (a CLI run).
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from g287.app.rebuild import rebuild

START = time.perf_counter()  # a cold process: counted from interpreter start-up
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def child(args: list[str]) -> None:
    import os

    from g287.app.importer import Importer
    from g287.config import Settings

    task, data_dir = args[0], args[1]
    url = os.environ.get("BENCH_DATABASE_URL")  # set by bench_engines.py; else SQLite
    imp = Importer.from_settings(Settings.from_env({}, data_dir=data_dir, database_url=url))
    out: dict[str, object] = {}
    if task == "import":
        start = time.perf_counter()
        results = imp.import_paths([Path(args[2])])
        out["seconds"] = time.perf_counter() - start
        out["rows"] = sum(r.rows or 0 for r in results if r.outcome == "accepted")
        out["files"] = len(results)
    elif task == "rebuild":
        start = time.perf_counter()
        results = rebuild(imp)
        out["seconds"] = time.perf_counter() - start
        out["files"] = len(results)
    elif task == "prepare":  # everything but the newest list
        items = _items(Path(args[2]))
        for item in items[:-1]:
            imp.import_file(item)
        imp.resolve()
        out["file"] = str(items[-1].path)
        out["seen_at"] = items[-1].seen_at.isoformat()
    elif task in ("add-warm", "add-cold"):
        from datetime import datetime

        from g287.acquire.sources import FileToImport

        path = Path(args[2])
        seen_at = datetime.fromisoformat(args[3])  # when the simulated scraper first saw it
        if task == "add-warm":
            imp.resolve()  # a service that already holds the history in memory
        start = time.perf_counter() if task == "add-warm" else START
        result = imp.import_file(FileToImport(path, path.name, str(path), seen_at))
        imp.resolve()
        out["seconds"] = time.perf_counter() - start
        out["outcome"] = result.outcome
        out["rows"] = result.rows
    elif task == "score":
        from g287.simulate.scoring import score_against

        start = time.perf_counter()
        imp.import_paths([Path(args[2]) / "sheets"])
        out["seconds"] = time.perf_counter() - start
        with imp.db.connect() as conn:
            out["score"] = score_against(conn, Path(args[2]) / "truth").as_dict()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _items(folder: Path) -> list:  # type: ignore[type-arg]
    from g287.acquire.sources import discover

    return sorted(discover([folder], now=_now()), key=lambda i: (i.seen_at, str(i.path)))


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 1, 1, tzinfo=UTC)


def run(*args: str) -> dict:  # type: ignore[type-arg]
    proc = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--publications", type=int, default=500)
    parser.add_argument("--agreements", type=int, default=3500)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--big-seed", type=int, default=11)
    parser.add_argument("--skip-big", action="store_true")
    opts = parser.parse_args()
    from g287.simulate import simulate

    print(
        f"\n`python benchmarks/bench_history.py` on {time.strftime('%Y-%m-%d')}, "
        f"Python {sys.version.split()[0]}\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        print(
            "| seed | rows | pairwise precision | pairwise recall | status | signed | "
            "first listed | last listed |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for seed in opts.seeds:
            out = Path(tmp) / f"sim{seed}"
            simulate(out, seed=seed)
            s = run("score", str(Path(tmp) / f"db{seed}"), str(out))["score"]
            print(
                f"| {seed} | {s['rows']:,} | {s['pairwise_precision']:.4f} | "
                f"{s['pairwise_recall']:.4f} | {s['status_accuracy']:.4f} | "
                f"{s['signed_accuracy']:.4f} | {s['first_listed_accuracy']:.4f} | "
                f"{s['last_listed_accuracy']:.4f} |"
            )
        if opts.skip_big:
            return
        big = Path(tmp) / "big"
        start = time.perf_counter()
        summary = simulate(
            big, seed=opts.big_seed, publications=opts.publications, agreements=opts.agreements
        )
        sim_seconds = time.perf_counter() - start
        print(
            f"\nSimulated {summary.participating_files} participating + "
            f"{summary.pending_files} pending lists, {summary.rows:,} rows, "
            f"{summary.statuses.get('active', 0):,} active at the end "
            f"(seed {opts.big_seed}) in {sim_seconds:.1f} s.\n"
        )
        db = str(Path(tmp) / "bigdb")
        imported = run("import", db, str(big / "sheets"))
        rebuilt = run("rebuild", db)
        prep = str(Path(tmp) / "prep")
        prepared = run("prepare", prep, str(big / "sheets"))
        newest, seen = prepared["file"], prepared["seen_at"]
        import shutil

        shutil.copytree(prep, str(Path(tmp) / "prep2"))
        added = run("add-warm", prep, newest, seen)
        cold = run("add-cold", str(Path(tmp) / "prep2"), newest, seen)
        print("| measurement | seconds | peak RSS MB |")
        print("|---|---|---|")
        print(
            f"| import {imported['files']} files ({imported['rows']:,} rows) into SQLite, "
            f"resolve | {imported['seconds']:.1f} | {imported['peak_rss_mb']:.0f} |"
        )
        print(
            f"| rebuild from the raw archive (`g287 rebuild`) | {rebuilt['seconds']:.1f} | "
            f"{rebuilt['peak_rss_mb']:.0f} |"
        )
        print(
            f"| add one list ({added['rows']:,} rows) and resolve, warm process | "
            f"{added['seconds']:.2f} | {added['peak_rss_mb']:.0f} |"
        )
        print(
            f"| add one list and resolve, cold process (as `g287 import`, from start-up) | "
            f"{cold['seconds']:.2f} | {cold['peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
