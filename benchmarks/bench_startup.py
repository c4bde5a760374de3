"""Benchmark start-up and enrichment costs (issue #14, item 6).

Usage:
    python benchmarks/bench_startup.py [--history DIR] [--prepared DIR] [--repeat 3]
                                       [--skip add-one request big] [--rows 50000]

On the 500-list simulated history (``g287 simulate --seed 11 --publications 500
--agreements 3500``, made in a temporary folder unless ``--history`` names one) and a
data folder holding every list of it but the newest (made with ``bench_history.py
--child prepare`` unless ``--prepared`` names one), each measurement in fresh
processes, best of ``--repeat`` with the median:

* **add one list, cold**: a new process (timed from interpreter start) imports the
  newest list and resolves, as a one-off ``g287 import`` does; with the on-disk index
  cache empty (the first run on a machine), filled (every later run), and off
  (``G287_CACHE_DIR=off``: every process builds its geography, as before the cache);
* **add one list, warm**: a process that has already resolved the history (as
  ``g287 update --watch`` holds it) imports the newest list and resolves;
* **first request after an import**: ``g287 serve`` (one worker) over a copy; after
  its first answers, the newest list is imported by another process, and the first
  ``/api/publications?limit=5`` (and ``/api/agreements?limit=5``) after that is timed;
* **the 50,000-row synthetic list** (``bench_import.write_synthetic``) imported into a
  new SQLite database, resolve included, index cache filled.

Each row gives wall seconds and the process's CPU seconds (user + system; on a shared
machine wall time grows with the load, CPU time much less) and the 1-minute load
average around the runs. Prints Markdown.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

START = time.perf_counter()  # a cold process: counted from interpreter start-up
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(args: list[str]) -> None:
    from datetime import datetime

    from g287.acquire.sources import FileToImport
    from g287.app.importer import Importer
    from g287.config import Settings

    task, data_dir = args[0], args[1]
    out: dict[str, Any] = {}
    if task in ("add-cold", "add-warm"):
        imp = Importer.from_settings(Settings.from_env({}, data_dir=data_dir))
        path, seen_at = Path(args[2]), datetime.fromisoformat(args[3])
        cpu = 0.0
        if task == "add-warm":
            imp.resolve()  # a service that already holds the history in memory
            start, cpu = time.perf_counter(), _cpu()
        else:
            start = START
        result = imp.import_file(FileToImport(path, path.name, str(path), seen_at))
        imp.resolve()
        out["seconds"] = time.perf_counter() - start
        out["cpu"] = _cpu() - cpu
        out["outcome"] = result.outcome
    elif task == "big":
        from bench_import import child_import

        start_cpu = _cpu()
        got = child_import(f"sqlite:///{data_dir}/g287.sqlite", data_dir, [args[2]])
        out["seconds"] = got["seconds"]
        out["cpu"] = _cpu() - start_cpu  # includes migrations (a few hundred ms)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def load() -> float:
    return os.getloadavg()[0]


class Row:
    def __init__(self, label: str) -> None:
        self.label = label
        self.runs: list[dict[str, Any]] = []
        self.loads: list[float] = []

    def add(self, result: dict[str, Any]) -> None:
        self.runs.append(result)
        self.loads.append(load())

    def line(self, target: str) -> str:
        wall = [r["seconds"] for r in self.runs]
        cpu = [r.get("cpu", 0.0) for r in self.runs]
        rss = max(r.get("peak_rss_mb", 0) for r in self.runs)
        return (
            f"| {self.label} | {min(wall):.2f} | {statistics.median(wall):.2f} | "
            f"{min(cpu):.2f} | {statistics.median(cpu):.2f} | {rss:.0f} | "
            f"{min(self.loads):.1f}-{max(self.loads):.1f} | {target} |"
        )


def newest_of(sheets: Path) -> tuple[str, str]:
    from bench_history import _items

    item = _items(sheets)[-1]
    return str(item.path), item.seen_at.isoformat()


def add_one(opts: argparse.Namespace, prepared: Path, newest: str, seen: str, tmp: Path) -> None:
    filled = tmp / "cache-filled"
    rows: list[tuple[Row, str]] = []
    scenarios = [
        ("cold process, index cache empty (first run on a machine)", "empty", "add-cold"),
        ("cold process, index cache filled (every later run)", "filled", "add-cold"),
        (
            "cold process, index cache off (as before: geography built per process)",
            "off",
            "add-cold",
        ),
        ("warm process (history resolved; as `update --watch`)", "filled", "add-warm"),
    ]
    # Fill the shared cache once (the first process on a machine writes it).
    work = tmp / "fill"
    shutil.copytree(prepared, work)
    run("add-cold", str(work), newest, seen, env={**os.environ, "G287_CACHE_DIR": str(filled)})
    shutil.rmtree(work)
    for label, cache, task in scenarios:
        row = Row(f"add the newest list and resolve: {label}")
        for i in range(opts.repeat):
            work = tmp / f"add-{cache}-{task}-{i}"
            shutil.copytree(prepared, work)
            folder = {"filled": str(filled), "off": "off"}.get(cache, str(tmp / f"empty-{i}"))
            row.add(
                run(task, str(work), newest, seen, env={**os.environ, "G287_CACHE_DIR": folder})
            )
            shutil.rmtree(work)
        target = "≤ 1 s" if task == "add-warm" else ("≤ 3 s" if cache == "filled" else "")
        rows.append((row, target))
    for row, target in rows:
        print(row.line(target), flush=True)


def first_request(
    opts: argparse.Namespace, prepared: Path, newest: str, seen: str, tmp: Path
) -> None:
    import httpx
    from bench_api import free_port, serve

    g287 = str(Path(sys.executable).parent / "g287")
    filled = tmp / "cache-filled"
    results: dict[str, list[float]] = {}
    loads: list[float] = []
    for i in range(opts.repeat):
        work = tmp / f"serve-{i}"
        shutil.copytree(prepared, work)
        env = {**os.environ, "G287_DATA_DIR": str(work), "G287_CACHE_DIR": str(filled)}
        env.pop("G287_DATABASE_URL", None)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [g287, "serve", "--port", str(port), "--workers", "1", "--empty"]
        with serve(cmd, env, base + "/healthz"), httpx.Client(base_url=base, timeout=120) as c:

            def timed(url: str, key: str) -> None:
                started = time.perf_counter()
                c.get(url).raise_for_status()
                results.setdefault(key, []).append(time.perf_counter() - started)

            timed("/api/publications?limit=5", "a new worker's first /api/publications")
            timed("/api/publications?limit=5", "the same again (cached)")
            c.get("/api/agreements?limit=5").raise_for_status()
            run("add-cold", str(work), newest, seen, env=env)
            time.sleep(2.0)  # the workers see the new derived-state token within a second
            timed("/api/publications?limit=5", "first /api/publications after an import")
            timed("/api/agreements?limit=5", "first /api/agreements after an import")
            loads.append(load())
        shutil.rmtree(work)
    print("\n| request (one worker, 500-list history) | best s | median s | load | target |")
    print("|---|---|---|---|---|")
    for key, values in results.items():
        target = "≤ 0.5 s" if "after an import" in key else ""
        print(
            f"| {key} | {min(values):.3f} | {statistics.median(values):.3f} | "
            f"{min(loads):.1f}-{max(loads):.1f} | {target} |",
            flush=True,
        )


def big(opts: argparse.Namespace, tmp: Path) -> None:
    from bench_import import write_synthetic

    workbook = tmp / "participatingAgencies01052026am.xlsx"
    write_synthetic(workbook, opts.rows)
    filled = tmp / "cache-filled"
    row = Row(f"import one synthetic {opts.rows:,}-row list into SQLite and resolve")
    for i in range(opts.repeat):
        work = tmp / f"big-{i}"
        env = {**os.environ, "G287_CACHE_DIR": str(filled)}
        row.add(run("big", str(work), str(workbook), env=env))
        shutil.rmtree(work)
    print(row.line("< 10 s"), flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--history", type=Path, help="a `g287 simulate` folder")
    parser.add_argument("--prepared", type=Path, help="a data folder with all lists but the newest")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--skip", nargs="*", default=[], choices=["add-one", "request", "big"])
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        tmp = Path(name)
        history = opts.history
        if history is None:
            from g287.simulate import simulate

            history = tmp / "sim"
            simulate(history, seed=11, publications=500, agreements=3500)
        prepared = opts.prepared
        if prepared is None:
            prepared = tmp / "prepared"
            from bench_history import run as history_run

            history_run("prepare", str(prepared), str(history / "sheets"))
        newest, seen = newest_of(history / "sheets")
        print(
            f"\n`python benchmarks/bench_startup.py` on {time.strftime('%Y-%m-%d %H:%M')}, "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, best of {opts.repeat} "
            f"fresh processes; load average at start {load():.2f}\n"
        )
        print(
            "| measurement | best s | median s | best CPU s | median CPU s | peak RSS MB | "
            "load (1 min) | target |"
        )
        print("|---|---|---|---|---|---|---|---|")
        if "add-one" not in opts.skip:
            add_one(opts, prepared, newest, seen, tmp)
        if "big" not in opts.skip:
            big(opts, tmp)
        if "request" not in opts.skip:
            with contextlib.suppress(KeyboardInterrupt):
                first_request(opts, prepared, newest, seen, tmp)


if __name__ == "__main__":
    main()
