"""Benchmark reading and importing ICE workbooks (issue: foundation).

Usage:
    python benchmarks/bench_import.py [--postgres URL] [--rows 50000] [--repeat 3]

Each measurement runs in a fresh Python process (cold caches, own peak memory):
  1. parse the 46 bundled real workbooks with hyperlinks: g287's reader, then
     openpyxl in its normal (hyperlink-reading) mode, for comparison;
  2. import all 46 into a new SQLite database (and PostgreSQL with --postgres);
  3. import one synthetic 50,000-row participating workbook (with hyperlinks).
Prints wall time, rows per second and peak RSS for each, as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def bundled_files() -> list[Path]:
    from g287.sample import sheets_dir

    return sorted(sheets_dir().rglob("*.xlsx"))


# --- children: each prints one JSON line ---------------------------------------


def child_parse_g287() -> dict[str, object]:
    from g287.read.publication import read_list

    files = bundled_files()
    datas = [f.read_bytes() for f in files]
    start = time.perf_counter()
    rows = links = 0
    for data in datas:
        parsed = read_list(data, reference=date(2025, 7, 8))
        rows += len(parsed.rows)
        links += sum(1 for r in parsed.rows if r.moa_url) + sum(
            1 for r in parsed.rows if r.addendum_url
        )
    return {
        "seconds": time.perf_counter() - start,
        "rows": rows,
        "links": links,
        "files": len(files),
    }


def child_parse_openpyxl() -> dict[str, object]:
    import io

    import openpyxl

    files = bundled_files()
    datas = [f.read_bytes() for f in files]
    start = time.perf_counter()
    rows = links = 0
    for data in datas:
        ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]  # normal mode: hyperlinks
        for row in ws.iter_rows(min_row=2):
            values = [c.value for c in row]
            if any(v not in (None, "") for v in values):
                rows += 1
            links += sum(1 for c in row if c.hyperlink is not None)
    return {
        "seconds": time.perf_counter() - start,
        "rows": rows,
        "links": links,
        "files": len(files),
    }


def child_import(url: str, data_dir: str, paths: list[str]) -> dict[str, object]:
    from g287.app.importer import Importer
    from g287.config import Settings

    settings = Settings.from_env({}, data_dir=data_dir, database_url=url)
    importer = Importer.from_settings(settings)  # migrations are not timed
    start = time.perf_counter()
    results = importer.import_paths([Path(p) for p in paths], now=datetime(2025, 7, 10, tzinfo=UTC))
    seconds = time.perf_counter() - start
    bad = [r for r in results if r.outcome != "accepted"]
    if bad:
        raise SystemExit(f"not accepted: {bad[:3]}")
    return {"seconds": seconds, "rows": sum(r.rows or 0 for r in results), "files": len(results)}


def write_synthetic(path: Path, n: int, seed: int = 287) -> None:
    """A participating list shaped like ICE's, with MOA links (a third of them safelinks)."""
    import xlsxwriter

    rng = random.Random(seed)
    states = ["FLORIDA", "TEXAS", "GEORGIA", "ALABAMA", "VIRGINIA", "NORTH CAROLINA", "UTAHJ"]
    models = [
        "Task Force Model",
        "Warrant Service Officer",
        "Jail Enforcement Model",
        "Task Force Model ",
    ]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    ws = wb.add_worksheet("Sheet1")
    date_fmt = wb.add_format({"num_format": "mm-dd-yy"})
    for c, h in enumerate(
        [
            "STATE",
            "LAW ENFORCEMENT AGENCY",
            "TYPE",
            "COUNTY",
            "SUPPORT TYPE",
            "SIGNED",
            "MOA",
            "ADDENDUM",
        ]
    ):
        ws.write_string(0, c, h)
    base = date(2019, 1, 1)
    for i in range(1, n + 1):
        county = f"County{i % 3000} County "
        ws.write_string(i, 0, rng.choice(states))
        ws.write_string(i, 1, f"County{i % 3000} County Sheriff\u2019s Office {i}")
        ws.write_string(i, 2, rng.choice(["County", "Municipality", "State Agency", "County "]))
        if i % 7 == 0:
            ws.write_formula(i, 3, "=NA()", None, "#N/A")
        else:
            ws.write_string(i, 3, county)
        ws.write_string(i, 4, rng.choice(models))
        signed = base + timedelta(days=rng.randrange(2500))
        if i % 500 == 0:
            ws.write_string(i, 5, signed.strftime("%m/%d%Y"))
        else:
            ws.write_datetime(i, 5, datetime(signed.year, signed.month, signed.day), date_fmt)
        if i % 4 == 0:
            ws.write_string(i, 6, "link pending ")
        else:
            url = f"https://www.ice.gov/doclib/287gMOA/Agency{i}_TFM_MOA_{signed:%m%d%Y}.pdf"
            if i % 3 == 0:
                url = (
                    "https://gcc02.safelinks.protection.outlook.com/?url="
                    + url.replace(":", "%3A").replace("/", "%2F")
                    + "&data=05%7C02%7Cbox%40ice.dhs.gov&reserved=0"
                )
            ws.write_url(i, 6, url, string="link")
    wb.close()


def child(name: str, args: list[str]) -> None:
    if name == "parse-g287":
        out = child_parse_g287()
    elif name == "parse-openpyxl":
        out = child_parse_openpyxl()
    elif name == "import":
        out = child_import(args[0], args[1], args[2:])
    else:
        raise SystemExit(f"unknown child {name}")
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


# --- parent ---------------------------------------------------------------------


def run_child(*args: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr or proc.stdout)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def best_of(repeat: int, *args: str) -> dict[str, float]:
    runs = [run_child(*args) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    best["median_seconds"] = statistics.median(r["seconds"] for r in runs)
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return best


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--postgres", help="also import into this PostgreSQL URL (tables are dropped!)"
    )
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    from g287.sample import sheets_dir

    results: list[tuple[str, dict[str, float]]] = []
    results.append(
        ("parse 46 workbooks, g287 (calamine + sheet XML)", best_of(opts.repeat, "parse-g287"))
    )
    results.append(
        ("parse 46 workbooks, openpyxl normal mode", best_of(opts.repeat, "parse-openpyxl"))
    )
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for i in range(opts.repeat):
            d = Path(tmp) / f"sqlite{i}"
            runs.append(
                run_child("import", f"sqlite:///{d}/g287.sqlite", str(d), str(sheets_dir()))
            )
        best = min(runs, key=lambda r: r["seconds"])
        best["median_seconds"] = statistics.median(r["seconds"] for r in runs)
        results.append(("import 46 workbooks into SQLite", best))
        if opts.postgres:
            from sqlalchemy import create_engine, text

            from g287.config import normalize_database_url

            runs = []
            for i in range(opts.repeat):
                engine = create_engine(normalize_database_url(opts.postgres))
                with engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA IF EXISTS g287_bench CASCADE"))
                    conn.execute(text("CREATE SCHEMA g287_bench"))
                engine.dispose()
                url = normalize_database_url(opts.postgres) + "?options=-csearch_path%3Dg287_bench"
                d = Path(tmp) / f"pg{i}"
                runs.append(run_child("import", url, str(d), str(sheets_dir())))
            best = min(runs, key=lambda r: r["seconds"])
            best["median_seconds"] = statistics.median(r["seconds"] for r in runs)
            results.append(("import 46 workbooks into PostgreSQL", best))
        big = Path(tmp) / "participatingAgencies01052026am.xlsx"
        write_synthetic(big, opts.rows)
        runs = []
        for i in range(opts.repeat):
            d = Path(tmp) / f"big{i}"
            runs.append(run_child("import", f"sqlite:///{d}/g287.sqlite", str(d), str(big)))
        best = min(runs, key=lambda r: r["seconds"])
        best["median_seconds"] = statistics.median(r["seconds"] for r in runs)
        results.append(
            (
                f"import one {opts.rows:,}-row workbook into SQLite "
                f"({big.stat().st_size >> 10} KB)",
                best,
            )
        )
    print(
        f"\n`python benchmarks/bench_import.py` on {time.strftime('%Y-%m-%d')}, "
        f"Python {sys.version.split()[0]}, best of {opts.repeat} fresh processes\n"
    )
    print("| measurement | best s | median s | rows | rows/s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for label, r in results:
        rate = r["rows"] / r["seconds"] if r["seconds"] else 0
        print(
            f"| {label} | {r['seconds']:.3f} | {r['median_seconds']:.3f} | {int(r['rows']):,} | "
            f"{rate:,.0f} | {r['peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
