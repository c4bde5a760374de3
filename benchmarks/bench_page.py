"""Benchmark the home page: bytes transferred (HTML + every asset) and time to load and
render it in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Usage: python benchmarks/bench_page.py [--db URL] [--runs 20] [--path /]

Starts ``g287 serve`` (one worker) on 127.0.0.1 over the given database (default: the
bundled real history imported into a temporary SQLite file), loads the page once to warm
the server, then ``--runs`` times in a fresh browser context (empty cache, as a first
visit), and prints the bytes and the navigation timings (median, p95, max) as a Markdown
table for docs/benchmarks.md. Budget (issue #6): ≤ 1.5 MB, rendered in ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from bench_api import free_port, prepare_db, serve  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TIMING = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {load: n.loadEventEnd, dom: n.domContentLoadedEventEnd,
          fcp: paint ? paint.startTime : null};
}"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="an existing g287 database URL (default: the sample)")
    parser.add_argument("--data-dir", help="G287_DATA_DIR for the server (default: a temp dir)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--path", default="/")
    opts = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (make browser installs it)")
    from playwright.sync_api import sync_playwright

    db_url, data_dir = prepare_db(opts)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    g287 = shutil.which("g287", path=str(Path(sys.executable).parent)) or "g287"
    env = {**os.environ, "G287_DATABASE_URL": db_url, "G287_DATA_DIR": str(data_dir)}
    env.pop("G287_MODE", None)
    loads: list[float] = []
    fcps: list[float] = []
    sizes: list[int] = []
    server = serve([g287, "serve", "--port", str(port)], env, base + "/api/status")
    with server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        warm = browser.new_page()
        warm.goto(base + opts.path, wait_until="load")
        warm.close()
        for _ in range(opts.runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            responses: list[Any] = []
            page.on("response", lambda r, keep=responses: keep.append(r))
            page.goto(base + opts.path, wait_until="load")
            timing = page.evaluate(TIMING)
            page.wait_for_load_state("networkidle")  # count what scripts fetch after load
            got = {r.url: len(r.body()) for r in responses}
            context.close()
            loads.append(timing["load"])
            if timing["fcp"] is not None:
                fcps.append(timing["fcp"])
            sizes.append(sum(got.values()))
        browser.close()
    print(
        f"\n`python benchmarks/bench_page.py{' --db ...' if opts.db else ''}` on "
        f"{time.strftime('%Y-%m-%d')}: page `{opts.path}`, {opts.runs} first visits (fresh "
        f"browser context each), headless Chromium, {os.cpu_count()} cores.\n"
    )
    print("| measure | median | p95 | max |")
    print("|---|---|---|---|")
    print(
        f"| bytes (HTML + assets) | {statistics.median(sizes):,.0f} | "
        f"{pct(sizes, 0.95):,.0f} | {max(sizes):,} |"
    )
    print(
        f"| load event (ms) | {statistics.median(loads):.0f} | {pct(loads, 0.95):.0f} | "
        f"{max(loads):.0f} |"
    )
    if fcps:
        print(
            f"| first contentful paint (ms) | {statistics.median(fcps):.0f} | "
            f"{pct(fcps, 0.95):.0f} | {max(fcps):.0f} |"
        )


if __name__ == "__main__":
    main()
