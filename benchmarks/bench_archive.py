"""Benchmark the raw archive: local folder vs S3-compatible object storage (issue 14.1).

Usage:
    python benchmarks/bench_archive.py [--repeat 3] [--endpoint URL --bucket NAME]

Imports the 46 bundled real workbooks into a new SQLite database with the archive on
local disk, then with the archive in a bucket, and rebuilds each (the bucket's rebuild
from a second data folder, as another host would). Without ``--endpoint`` the bucket is
on moto's S3-compatible server, started here on 127.0.0.1 (a stand-in: it measures
g287's request pattern, not a real store's latency). Prints best and median wall time
of ``--repeat`` runs as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from g287.app.rebuild import rebuild

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

T0 = datetime(2025, 7, 8, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_once(archive_url: str | None, endpoint: str | None) -> tuple[float, float]:
    from g287.app.importer import Importer
    from g287.config import Settings
    from g287.sample import sheets_dir

    with tempfile.TemporaryDirectory() as tmp:
        env = {}
        if archive_url:
            env = {"G287_ARCHIVE_URL": f"{archive_url}/{uuid.uuid4().hex[:8]}"}
            env["G287_S3_ENDPOINT_URL"] = endpoint or ""
        db = f"sqlite:///{Path(tmp) / 'g287.sqlite'}"
        a = Importer.from_settings(
            Settings.from_env(env, data_dir=Path(tmp) / "a", database_url=db)
        )
        started = time.perf_counter()
        a.import_paths([sheets_dir()], now=T0)
        imported = time.perf_counter() - started
        a.db.dispose()
        # another host: its own data folder (for the local archive, the same folder)
        other = Path(tmp) / ("b" if archive_url else "a")
        b = Importer.from_settings(Settings.from_env(env, data_dir=other, database_url=db))
        started = time.perf_counter()
        rebuild(b)
        rebuilt = time.perf_counter() - started
        b.db.dispose()
    return imported, rebuilt


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--endpoint", help="an S3-compatible endpoint (default: moto, here)")
    parser.add_argument("--bucket", default="g287-bench")
    args = parser.parse_args()
    server = None
    endpoint = args.endpoint
    if endpoint is None:
        from moto.server import ThreadedMotoServer

        for name, value in (
            ("AWS_ACCESS_KEY_ID", "bench"),
            ("AWS_SECRET_ACCESS_KEY", "bench"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
        ):
            os.environ.setdefault(name, value)
        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        endpoint = f"http://127.0.0.1:{port}"
        import boto3

        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=args.bucket)
    try:
        rows = []
        for label, url in (("local folder", None), ("S3 bucket", f"s3://{args.bucket}")):
            runs = [run_once(url, endpoint) for _ in range(args.repeat)]
            imports = [r[0] for r in runs]
            rebuilds = [r[1] for r in runs]
            rows.append(
                f"| {label} | {min(imports):.2f} | {statistics.median(imports):.2f} "
                f"| {min(rebuilds):.2f} | {statistics.median(rebuilds):.2f} |"
            )
        print("| archive | import best s | import median s | rebuild best s | rebuild median s |")
        print("|---|---|---|---|---|")
        for row in rows:
            print(row)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
