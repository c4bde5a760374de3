"""Benchmark the JSON API over HTTP: requests/s and latency percentiles under load.

Usage: python benchmarks/bench_api.py [--db URL] [--data-dir DIR] [--duration 10]
       [--connections 16] [--workers 1 2] [--datasette PATH] [--tool wrk|python]

Starts ``g287 serve`` (uvicorn; 1 and 2 worker processes) on 127.0.0.1 over the given
database (default: the bundled real history, imported into a temporary SQLite file),
then loads it with ``wrk`` (Debian: ``apt-get install wrk``; else a Python asyncio/httpx
client, which competes with the server for the CPU) for a bounded time per scenario:

* ``lookup``: place lookups (a city by name, or a point), over the bundled cities;
* ``agreements``: filtered agreement lists (``state``, ``model``, ``status=active``,
  50 per page, with the total count) over every state and model;

each *cached* (a set of distinct URLs the HTTP layer answers from memory once seen) and
*uncached* (a second server with ``G287_CACHE_BYTES=0``, every URL also made unique with
``&_=n``, which the API ignores, so each request runs the query). With ``--datasette``
(a ``datasette`` executable; install it in its own venv, not g287's) and a SQLite
database, Datasette serves the same ``agreements`` table for the equivalent filtered
list (``state``, ``model``, ``status``, ``_size=50``, with its count), single process,
immutable mode, and the g287/Datasette ratio is printed.
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

MODELS = ("JEM", "WSO", "TFM")
CACHED = 200
"""Distinct URLs in the cached scenarios (each worker answers them from memory once seen)."""


@dataclass
class Result:
    server: str
    workers: int
    scenario: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_up(url: str, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        time.sleep(0.2)
    raise SystemExit(f"server at {url} did not come up")


@contextlib.contextmanager
def serve(cmd: list[str], env: dict[str, str], probe: str) -> Iterator[None]:
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        wait_up(probe)
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: uvicorn and its workers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


# --- URLs ---------------------------------------------------------------------------


def lookup_paths(n: int, rng: random.Random) -> list[str]:
    from urllib.parse import quote

    from g287.enrich.geo.cities import cities_by_name

    cities = [c for c in cities_by_name() if c.state != "PR"]
    sample = rng.sample(cities, min(n, len(cities)))
    out = []
    for i, c in enumerate(sample):
        if i % 2:
            out.append(f"/api/lookup?lat={c.lat:.4f}&lon={c.lng:.4f}")
        else:
            out.append(f"/api/lookup?city={quote(c.name)}&state={c.state}")
    return out


def agreement_paths(states: list[str]) -> list[str]:
    return [
        f"/api/agreements?state={s}&model={m}&status=active&limit=50"
        for s in states
        for m in MODELS
    ]


def datasette_paths(states: list[str]) -> list[str]:
    return [
        f"/g287/agreements.json?state={s}&model={m}&status=active&_size=50&_shape=objects"
        for s in states
        for m in MODELS
    ]


# --- load generators ----------------------------------------------------------------

WRK_SCRIPT = """
local paths = {%(paths)s}
local n = 0
local unique = %(unique)s
request = function()
  n = n + 1
  local p = paths[(n %% #paths) + 1]
  if unique then
    p = p .. "&_=" .. n .. "-" .. math.random(1000000000)
  end
  return wrk.format("GET", p)
end
done = function(summary, latency, requests)
  io.write(string.format("G287 %%d %%d %%d %%d %%d\\n", summary.requests,
    latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, summary.duration))
end
"""


def run_wrk(base: str, paths: list[str], unique: bool, duration: int, conns: int) -> tuple:
    lua = WRK_SCRIPT % {
        "paths": ", ".join('"' + p.replace('"', '\\"') + '"' for p in paths),
        "unique": "true" if unique else "false",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script = f.name
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "-s", script, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script)
    match = re.search(r"G287 (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if not match:
        raise SystemExit("cannot read wrk's output:\n" + out)
    n, p50, p99, errors, micros = (int(x) for x in match.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return n, n / (micros / 1e6), p50 / 1000, p99 / 1000, errors


def run_python(base: str, paths: list[str], unique: bool, duration: int, conns: int) -> tuple:
    import httpx

    latencies: list[float] = []
    errors = 0
    counter = 0

    async def worker(client: httpx.AsyncClient, stop: float) -> None:
        nonlocal errors, counter
        while time.monotonic() < stop:
            counter += 1
            path = paths[counter % len(paths)]
            if unique:
                path += f"&_={counter}"
            t = time.perf_counter()
            r = await client.get(path)
            latencies.append(time.perf_counter() - t)
            if r.status_code != 200:
                errors += 1

    async def main() -> float:
        limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
            start = time.monotonic()
            await asyncio.gather(*(worker(client, start + duration) for _ in range(conns)))
            return time.monotonic() - start

    elapsed = asyncio.run(main())
    qs = statistics.quantiles(latencies, n=100)
    return len(latencies), len(latencies) / elapsed, qs[49] * 1000, qs[98] * 1000, errors


def answered(base: str, paths: list[str]) -> list[str]:
    """The paths the server answers with 200 (a city may be unknown, a point at sea), each
    requested once: this also warms the geography, the SQLite pages and the HTTP cache."""
    import httpx

    with httpx.Client(base_url=base, timeout=60) as client:
        return [p for p in paths if client.get(p).status_code == 200]


def warm(base: str, paths: list[str], workers: int) -> None:
    """Request each path on new connections, so that every worker process (each has its
    own response cache) likely answers it once."""
    import httpx

    for _ in range(2 * workers if workers > 1 else 1):
        for p in paths:
            httpx.get(base + p, headers={"Connection": "close"}, timeout=60)


def measure(
    tool: str, base: str, paths: list[str], unique: bool, duration: int, conns: int
) -> tuple:
    runner = run_wrk if tool == "wrk" else run_python
    return runner(base, paths, unique, duration, conns)


# --- main ---------------------------------------------------------------------------


def prepare_db(opts: argparse.Namespace) -> tuple[str, Path]:
    from g287.app.importer import Importer
    from g287.config import Settings
    from g287.sample import sheets_dir

    data_dir = Path(opts.data_dir or tempfile.mkdtemp(prefix="g287-bench-api-"))
    settings = Settings.from_env({}, data_dir=data_dir, database_url=opts.db)
    importer = Importer.from_settings(settings)
    if not opts.db:
        importer.import_paths([sheets_dir()])
    importer.db.dispose()
    return settings.database_url, data_dir


def states_of(db_url: str) -> list[str]:
    from g287.query import history as h
    from g287.store.database import Database

    db = Database(db_url)
    with db.connect() as conn:
        found = sorted(h.status(conn)["by_state"])
    db.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="an existing g287 database URL (default: the sample)")
    parser.add_argument("--data-dir", help="G287_DATA_DIR for the server (default: a temp dir)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--lookups", type=int, default=2000, help="distinct lookup URLs")
    parser.add_argument("--datasette", help="a datasette executable (default: on PATH)")
    parser.add_argument("--tool", choices=["wrk", "python"], default=None)
    parser.add_argument("--label", default="", help="name of the database in the table")
    parser.add_argument("--skip", nargs="*", default=[], help="scenarios to leave out")
    parser.add_argument(
        "--during-import",
        metavar="WORKBOOK",
        help="only measure uncached agreement lists before and while another process "
        "imports WORKBOOK (needs --pristine)",
    )
    parser.add_argument(
        "--pristine",
        type=Path,
        help="a data folder (with its g287.sqlite) copied afresh for each worker count",
    )
    opts = parser.parse_args()
    tool = opts.tool or ("wrk" if shutil.which("wrk") else "python")
    if opts.during_import:
        during_import(opts, tool)
        return
    db_url, data_dir = prepare_db(opts)
    states = states_of(db_url)
    rng = random.Random(287)
    lookups = lookup_paths(opts.lookups, rng)
    lists = agreement_paths(states)
    g287 = shutil.which("g287", path=str(Path(sys.executable).parent)) or "g287"
    env = {**os.environ, "G287_DATABASE_URL": db_url, "G287_DATA_DIR": str(data_dir)}
    env.pop("G287_MODE", None)
    results: list[Result] = []
    for workers in opts.workers:
        # cached: the HTTP layer's response cache as deployed; uncached: a server with
        # G287_CACHE_BYTES=0 (the cache keys only on declared parameters, so a junk
        # ``&_=n`` no longer defeats it), every URL still made unique
        for cached, budget in ((True, None), (False, "0")):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            cmd = [g287, "serve", "--port", str(port), "--workers", str(workers)]
            server_env = dict(env) if budget is None else {**env, "G287_CACHE_BYTES": budget}
            with serve(cmd, server_env, base + "/api/status"):
                lookups = answered(base, lookups)
                lists = answered(base, lists)
                warm(base, lookups[:CACHED] + lists[:CACHED], workers)
                scenarios = (
                    (
                        ("lookup, cached", lookups[:CACHED], False),
                        ("agreements list, cached", lists[:CACHED], False),
                    )
                    if cached
                    else (
                        ("lookup, uncached", lookups, True),
                        ("agreements list, uncached", lists, True),
                    )
                )
                for scenario, paths, unique in scenarios:
                    if scenario in opts.skip:
                        continue
                    n, rps, p50, p99, errors = measure(
                        tool, base, paths, unique, opts.duration, opts.connections
                    )
                    results.append(Result("g287", workers, scenario, n, rps, p50, p99, errors))
                    print(
                        f"  g287 x{workers} {scenario}: {rps:,.0f} req/s, p99 {p99:.1f} ms",
                        file=sys.stderr,
                    )
    datasette = opts.datasette or shutil.which("datasette")
    if datasette and db_url.startswith("sqlite:///"):
        sqlite_path = db_url[len("sqlite:///") :]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        copy = Path(tempfile.mkdtemp(prefix="g287-bench-ds-")) / "g287.db"
        shutil.copyfile(sqlite_path, copy)  # immutable mode wants a file nothing writes to
        cmd = [datasette, "serve", "-i", str(copy), "-h", "127.0.0.1", "-p", str(port)]
        cmd += ["--setting", "suggest_facets", "off"]  # the same work: the page and its count
        with serve(cmd, dict(os.environ), base + "/-/versions.json"):
            paths = answered(base, datasette_paths(states))
            n, rps, p50, p99, errors = measure(
                tool, base, paths, False, opts.duration, opts.connections
            )
            results.append(Result("Datasette", 1, "agreements list", n, rps, p50, p99, errors))
        shutil.rmtree(copy.parent, ignore_errors=True)
    elif datasette:
        print("Datasette skipped: it serves SQLite files only", file=sys.stderr)
    report(results, opts, tool, db_url)


def during_import(opts: argparse.Namespace, tool: str) -> None:
    """Uncached agreement lists with no writer, then while ``g287 import`` adds a list and
    resolves (its import and resolve transactions, then every worker's caches moving to
    the new derived state), for each worker count on a fresh copy of ``--pristine``."""
    if opts.pristine is None:
        raise SystemExit("--during-import needs --pristine DIR")
    g287 = shutil.which("g287", path=str(Path(sys.executable).parent)) or "g287"
    results: list[Result] = []
    for workers in opts.workers:
        data_dir = Path(tempfile.mkdtemp(prefix="g287-bench-import-")) / "data"
        shutil.copytree(opts.pristine, data_dir)
        db_url = f"sqlite:///{data_dir}/g287.sqlite"
        env = {**os.environ, "G287_DATABASE_URL": db_url, "G287_DATA_DIR": str(data_dir)}
        env.pop("G287_MODE", None)
        lists = agreement_paths(states_of(db_url))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [g287, "serve", "--port", str(port), "--workers", str(workers)]
        with serve(cmd, {**env, "G287_CACHE_BYTES": "0"}, base + "/api/status"):
            lists = answered(base, lists)
            n, rps, p50, p99, errors = measure(
                tool, base, lists, True, opts.duration, opts.connections
            )
            results.append(
                Result("g287", workers, "agreements list, uncached", n, rps, p50, p99, errors)
            )
            started = time.perf_counter()
            writer = subprocess.Popen(
                [g287, "import", opts.during_import],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            n, rps, p50, p99, errors = measure(
                tool, base, lists, True, opts.duration, opts.connections
            )
            busy = writer.poll() is None
            _, err = writer.communicate()
            took = time.perf_counter() - started
            if writer.returncode not in (0, 1):
                raise SystemExit(f"g287 import failed: {err.decode()[-2000:]}")
            label = (
                f"agreements list, uncached, during an import (import took {took:.1f} s"
                f"{', longer than the load' if busy else ''})"
            )
            results.append(Result("g287", workers, label, n, rps, p50, p99, errors))
            print(f"  g287 x{workers} {label}: {rps:,.0f} req/s, p99 {p99:.1f} ms", file=sys.stderr)
        shutil.rmtree(data_dir.parent, ignore_errors=True)
    load = os.getloadavg()
    print(
        f"\n`python benchmarks/bench_api.py --during-import ...` on {time.strftime('%Y-%m-%d')}: "
        f"{opts.pristine}; {os.cpu_count()} cores; load by {tool}, {opts.connections} "
        f"connections, {opts.duration} s per row; load average after {load[0]:.2f} "
        f"{load[1]:.2f} {load[2]:.2f}.\n"
    )
    print("| workers | scenario | requests | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.workers} | {r.scenario} | {r.requests:,} | {r.rps:,.0f} | {r.p50_ms:.1f} | "
            f"{r.p99_ms:.1f} | {r.errors} |"
        )


def report(results: list[Result], opts: argparse.Namespace, tool: str, db_url: str) -> None:
    from g287.store.database import Database

    where = opts.label or ("the bundled real history (46 lists)" if not opts.db else db_url)
    cores = os.cpu_count()
    print(
        f"\n`python benchmarks/bench_api.py{' --db ...' if opts.db else ''}` on "
        f"{time.strftime('%Y-%m-%d')}: {where}; {cores} cores; load by {tool}, "
        f"{opts.connections} connections, {opts.duration} s per row; "
        f"{Database(db_url).engine.dialect.name}.\n"
    )
    print("| server | workers | scenario | requests | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.server} | {r.workers} | {r.scenario} | {r.requests:,} | {r.rps:,.0f} | "
            f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} |"
        )
    ds = next((r for r in results if r.server == "Datasette"), None)
    if ds is not None:
        print()
        for r in results:
            if r.server == "g287" and r.scenario.startswith("agreements"):
                print(
                    f"- g287 x{r.workers} ({r.scenario}) / Datasette: "
                    f"{r.rps / ds.rps:.2f}x the requests/s, p99 {r.p99_ms:.1f} vs "
                    f"{ds.p99_ms:.1f} ms"
                )


if __name__ == "__main__":
    main()
