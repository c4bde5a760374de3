"""Benchmark ``g287 backfill`` against a local Wayback stand-in serving every bundled list.

Usage: python benchmarks/bench_backfill.py [--interval 0]

Serves the 46 bundled real workbooks (plus each one captured a second time a day later,
and the 2025 page) from ``tests/fake_wayback.py`` in real CDX and ``id_`` shapes, runs
a backfill into a fresh SQLite database, then a second run, and prints requests,
downloads and wall time of each. With ``--interval 1`` (the default rate) the time of
a run is about one second per request; the first run's request count is what the whole
history costs per distinct content.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "src"))

from tests.fake_wayback import FakeWayback  # noqa: E402
from tests.test_fetch import RUNS  # noqa: E402

from g287.app.backfill import backfill  # noqa: E402
from g287.app.importer import Importer  # noqa: E402
from g287.config import Settings  # noqa: E402

DOCLIB = "https://www.ice.gov/doclib/about/offices/ero/287g/"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval", type=float, default=0.0)
    args = parser.parse_args()
    with FakeWayback() as wb, tempfile.TemporaryDirectory() as tmp:
        for seen, files in RUNS:
            for name, data in files.values():
                wb.capture(f"{seen:%Y%m%d%H%M%S}", DOCLIB + name, data)
                wb.capture(f"{seen + timedelta(days=1):%Y%m%d%H%M%S}", DOCLIB + "x/" + name, data)
        settings = Settings.from_env(
            {}, data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/g287.sqlite"
        )
        importer = Importer.from_settings(settings)
        print("| run | requests | downloads | distinct | new | held | seconds |")
        print("|---|---|---|---|---|---|---|")
        for run in ("first", "second"):
            started = time.perf_counter()
            report = backfill(importer, wayback=wb.base_url, interval=args.interval)
            took = time.perf_counter() - started
            print(
                f"| {run} | {report.requests} | {report.downloads} | {len(report.items)}"
                f" | {report.count('new')} | {report.count('held')} | {took:.1f} |"
            )
        importer.db.dispose()


if __name__ == "__main__":
    main()
