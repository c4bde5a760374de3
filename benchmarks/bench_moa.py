"""Benchmark reading MOA PDFs: text, scanned-page detection and facts, per PDF (issue 16).

Usage:
    python benchmarks/bench_moa.py [FOLDER] [--repeat 5] [--ocr] [--workers N]

FOLDER defaults to the nine bundled real MOAs (g287.sample.moa_dir()). For each PDF
it times ``pdf_text`` + ``document_scan`` + ``moa_facts`` (what ``g287 moa import``
does per PDF besides the database insert), keeps the best of ``--repeat`` runs (the
machine is shared; the minimum is the least disturbed), and prints a Markdown table
with pages, page kinds, wall seconds and CPU seconds of this process (CPU time hardly
moves when other processes load the machine; wall time does), then the means over all
PDFs and over text PDFs (no scanned or OCR-layer page). With ``--workers N`` it then
reads the whole folder in N processes, as ``g287 moa import`` does, and reports the
wall time per PDF of that run. With ``--ocr`` (and
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
    from g287.read.moa.facts import moa_facts
    from g287.read.moa.scans import document_scan
    from g287.read.moa.text import NotAPdf, pdf_text
    from g287.sample import moa_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=moa_dir())
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ocr", action="store_true", help="Also time OCR of scanned pages.")
    parser.add_argument("--workers", type=int, default=0, help="Also time a parallel read.")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() == ".pdf")
    print("| PDF | pages | page kinds | best s | best CPU s |")
    print("|---|---|---|---|---|")
    best: list[float] = []
    cpu_best: list[float] = []
    text_cpu: list[float] = []
    text_wall: list[float] = []
    for path in files:
        data = path.read_bytes()
        times, cpus, kinds, pages = [], [], "", 0
        text_only = False
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            try:
                text = pdf_text(data, source=path.name)
            except NotAPdf as exc:
                kinds = f"rejected: {exc.message}"
                times.append(time.perf_counter() - start)
                continue
            scan = document_scan(text)
            moa_facts(text)
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
            pages = text.page_count
            text_only = all(p.kind in ("text", "blank") for p in scan.pages)
            kinds = ", ".join(
                f"{k} {n}" for k, n in sorted(Counter(p.kind for p in scan.pages).items())
            )
        best.append(min(times))
        cpu_best.append(min(cpus) if cpus else 0.0)
        if text_only:
            text_wall.append(min(times))
            text_cpu.append(cpu_best[-1])
        print(f"| {path.name} | {pages} | {kinds} | {min(times):.3f} | {cpu_best[-1]:.3f} |")
    if best:
        print(
            f"\n{len(best)} PDFs: mean {statistics.mean(best):.3f} s per PDF (CPU "
            f"{statistics.mean(cpu_best):.3f} s, best of {args.repeat}), total {sum(best):.2f} s"
        )
    if text_cpu:
        print(
            f"{len(text_cpu)} text PDFs: mean {statistics.mean(text_wall):.3f} s per PDF "
            f"(CPU {statistics.mean(text_cpu):.3f} s)"
        )
    if args.workers > 1:
        parallel_times(files, args.workers)
    if args.ocr:
        ocr_times(files)


def _read_one(path: Path) -> int:
    from g287.read.moa.facts import moa_facts
    from g287.read.moa.scans import document_scan
    from g287.read.moa.text import NotAPdf, pdf_text

    try:
        text = pdf_text(path.read_bytes(), source=path.name)
    except NotAPdf:
        return 0
    document_scan(text)
    moa_facts(text)
    return text.page_count


def parallel_times(files: list[Path], workers: int) -> None:
    """The folder read in ``workers`` processes (fork, as ``g287 moa import`` does)."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        list(pool.map(_read_one, files[:workers]))  # start the workers
        start = time.perf_counter()
        list(pool.map(_read_one, files))
        elapsed = time.perf_counter() - start
    print(
        f"{workers} workers: {len(files)} PDFs in {elapsed:.2f} s, "
        f"{elapsed / len(files):.3f} s per PDF"
    )


def ocr_times(files: list[Path]) -> None:
    import tempfile

    from g287.read.moa import ocr
    from g287.read.moa.scans import document_scan
    from g287.read.moa.text import NotAPdf, pdf_text

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
