"""Benchmark reading MOA PDFs: text, scanned-page detection and facts, per PDF (issue 16).

Usage:
    python benchmarks/bench_moa.py [FOLDER] [--repeat 5] [--ocr]

FOLDER defaults to the nine bundled real MOAs (g287.sample.moa_dir()). For each PDF
it times ``pdf_text`` + ``document_scan`` + ``moa_facts`` (what ``g287 moa import``
does per PDF besides the database insert), keeps the best of ``--repeat`` runs (the
machine is shared; the minimum is the least disturbed), and prints a Markdown table
with pages, page kinds and seconds, then the mean and total. With ``--ocr`` (and
Tesseract installed) it then OCRs each PDF's scanned pages once, without a cache,
and reports those pages and seconds separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def main() -> None:
    from g287.moa.facts import moa_facts
    from g287.moa.scans import document_scan
    from g287.moa.text import NotAPdf, pdf_text
    from g287.sample import moa_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=moa_dir())
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ocr", action="store_true", help="Also time OCR of scanned pages.")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() == ".pdf")
    print("| PDF | pages | page kinds | best s |")
    print("|---|---|---|---|")
    best: list[float] = []
    for path in files:
        data = path.read_bytes()
        times, kinds, pages = [], "", 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            try:
                text = pdf_text(data, source=path.name)
            except NotAPdf as exc:
                kinds = f"rejected: {exc.message}"
                times.append(time.perf_counter() - start)
                continue
            scan = document_scan(text)
            moa_facts(text)
            times.append(time.perf_counter() - start)
            pages = text.page_count
            kinds = ", ".join(
                f"{k} {n}" for k, n in sorted(Counter(p.kind for p in scan.pages).items())
            )
        best.append(min(times))
        print(f"| {path.name} | {pages} | {kinds} | {min(times):.3f} |")
    if best:
        print(
            f"\n{len(best)} PDFs: mean {statistics.mean(best):.3f} s per PDF (best of "
            f"{args.repeat}), total {sum(best):.2f} s"
        )
    if args.ocr:
        ocr_times(files)


def ocr_times(files: list[Path]) -> None:
    import tempfile

    from g287.moa import ocr
    from g287.moa.scans import document_scan
    from g287.moa.text import NotAPdf, pdf_text

    if not ocr.available():
        print("\nOCR: tesseract or Pillow not installed")
        return
    pages, seconds = 0, 0.0
    with tempfile.TemporaryDirectory() as cache:
        for path in files:
            reader = ocr.Ocr(path.name, Path(cache))
            start = time.perf_counter()
            try:
                text = pdf_text(path.read_bytes(), ocr=reader)
            except NotAPdf:
                continue
            done = document_scan(text).ocr_pages
            if done:
                pages += len(done)
                seconds += time.perf_counter() - start
                print(f"OCR {path.name}: pages {list(done)}, {time.perf_counter() - start:.1f} s")
    if pages:
        print(f"\nOCR: {pages} scanned page(s), {seconds / pages:.1f} s per page (with reading)")


if __name__ == "__main__":
    main()
