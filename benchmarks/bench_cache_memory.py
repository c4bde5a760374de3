"""Benchmark a web worker's memory under a flood of distinct, large, cacheable answers.

Usage: python benchmarks/bench_cache_memory.py [--requests 5000] [--budget BYTES]
                                              [--seconds S]

Starts ``g287 serve`` (one uvicorn process) over the bundled real history in a temporary
SQLite file and asks it for distinct valid URLs whose answers are large (agreement lists
of up to 1,000 rows as of every day of the history, at many offsets; 20 KB to 900 KB
each), plus a junk parameter on every request. Prints the worker's resident memory
(VmRSS) every ``--every`` requests: with the byte-bounded response cache it must stay
flat (within ``G287_CACHE_BYTES`` of the warm figure) however many requests arrive.
``--seconds`` stops early after that much wall time (on a slow, shared machine 100,000
requests may not fit), and the last line says how many were made.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_api import free_port, prepare_db, serve


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def urls() -> itertools.cycle[str]:
    days = [date(2025, 5, 16) + timedelta(days=n) for n in range(53)]
    found = [
        f"/api/agreements?as_of={day}&limit=1000&offset={offset}"
        for offset in range(0, 700, 7)
        for day in days
    ]
    return itertools.cycle(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--seconds", type=float, help="stop after this much wall time")
    parser.add_argument("--budget", help="G287_CACHE_BYTES for the server (default: its own)")
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    db_url, data_dir = prepare_db(opts)
    env = {**os.environ, "G287_DATABASE_URL": db_url, "G287_DATA_DIR": str(data_dir)}
    env.pop("G287_MODE", None)
    if opts.budget:
        env["G287_CACHE_BYTES"] = opts.budget
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    g287 = str(Path(sys.executable).parent / "g287")
    pid_file = Path(tempfile.mkdtemp()) / "pid"
    cmd = ["sh", "-c", f"echo $$ > {pid_file}; exec {g287} serve --port {port} --workers 1"]
    with serve(cmd, env, base + "/api/status"), httpx.Client(base_url=base, timeout=60) as c:
        pid = int(pid_file.read_text())
        started = time.perf_counter()
        sizes = 0
        made = 0
        deadline = started + opts.seconds if opts.seconds else float("inf")
        print("| requests | worker RSS (MB) | MB served |")
        print("|---:|---:|---:|")
        print(f"| 0 | {rss_mb(pid):.0f} | 0 |")
        for n, url in zip(range(1, opts.requests + 1), urls(), strict=False):
            r = c.get(f"{url}&_={n}")
            r.raise_for_status()
            sizes += len(r.content)
            made = n
            if n % opts.every == 0:
                print(f"| {n:,} | {rss_mb(pid):.0f} | {sizes / 1e6:,.0f} |", flush=True)
            if time.perf_counter() > deadline:
                print(f"| {n:,} | {rss_mb(pid):.0f} | {sizes / 1e6:,.0f} |", flush=True)
                break
        seconds = time.perf_counter() - started
    load = os.getloadavg()
    print(
        f"\n{made:,} requests in {seconds:.0f} s; load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
