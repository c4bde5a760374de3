"""Score g287's MOA facts per field against a hand-checked truth table (issue 16, item 7).

Usage:
    python benchmarks/bench_moa_accuracy.py [--truth benchmarks/data/moa_truth.csv]
        [--folder DIR] [--misses] [--noise]

The truth table (one row per document and field: value, page, legible, note) was
built by a person reading the nine real MOAs of ``shared/data/ice/moa`` (the bundled
sample) as rendered pages and as pdfminer.six text, never from g287's output. An empty
value means the document does not state it (g287 must then say nothing). ``legible``
is "yes" when the value can be read in the PDF's own text layer (typed, a form field,
or a scanner's OCR layer that kept it), "no" for handwriting and for text only on a
scanned image; accuracy is measured on legible values, the others are counted apart.

Each field of each document is right (same value, after folding case, punctuation,
"Sheriffs"/"Sheriff's" and "Dept"/"Department"), wrong (another value, or a value the
document does not state) or missing (g287 has none). Prints a Markdown table and the
misses, and exits 1 when a field is below its target: 95% for agency, state, model and
the signing date of each side, 90% for each signer's name and title.

``--noise`` scores the same documents with the text changed as OCR and typists change
it elsewhere in ICE's archive (:data:`NOISE`: "(OHS)" for "(DHS)", "Dire ;tor",
"Sheriffs"): a check that the rules do not merely fit these nine files.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

TARGETS = {
    "agency": 0.95,
    "state": 0.95,
    "model": 0.95,
    "ice_signed": 0.95,
    "agency_signed": 0.95,
    "ice_signer_name": 0.90,
    "ice_signer_title": 0.90,
    "agency_signer_name": 0.90,
    "agency_signer_title": 0.90,
    "addendum": None,
    "field_office": None,
}
_FOLD = {"sheriffs": "sheriff", "dept": "department", "co": "county", "the": ""}


@dataclass
class Score:
    documents: int = 0
    legible: int = 0
    right: int = 0
    wrong: int = 0
    missing: int = 0
    right_anywhere: int = 0  # right, counting values not legible in the text layer too


def fold(value: str | None) -> str:
    if not value:
        return ""
    text = value.lower().replace("’", "'").replace("'s", "s").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in (_FOLD.get(w, w) for w in words) if w)


NOISE = (  # what OCR and ICE's typists do elsewhere in the archive (issue 16)
    ("(DHS)", "(OHS)"),
    ("Director", "Dire ;tor"),
    ("Sheriff's", "Sheriffs"),
    ("Secretary", "Secre|tary"),
)


def noisy(text: Any) -> Any:
    """The same text with :data:`NOISE` applied to every fragment."""
    from dataclasses import replace

    from g287.read.moa.text import TextLine

    def fragment(f: Any) -> Any:
        value = f.text
        for old, new in NOISE:
            value = value.replace(old, new)
        return replace(f, text=value) if value != f.text else f

    pages = tuple(
        replace(
            page,
            lines=tuple(
                TextLine(li.y, tuple(fragment(f) for f in li.fragments)) for li in page.lines
            ),
        )
        for page in text.pages
    )
    return replace(text, pages=pages)


def extracted(path: Path, *, noise: bool = False) -> dict[str, str | None]:
    """g287's value for each field of the truth table (no OCR: the PDF's text layer)."""
    from g287.read.moa.facts import moa_facts
    from g287.read.moa.text import pdf_text

    text = pdf_text(path.read_bytes(), source=path.name)
    facts = moa_facts(noisy(text) if noise else text)
    out: dict[str, str | None] = {
        "agency": facts.agency,
        "state": facts.state,
        "model": facts.model,
        "addendum": "yes" if facts.is_addendum else "no",
        "field_office": getattr(facts, "field_office", None),
    }
    for side in ("ice", "agency"):
        signers = [s for s in facts.signatories if s.side == side]
        first = signers[0] if signers else None
        dated = next((s.date for s in signers if s.date), None)
        out[f"{side}_signed"] = dated.isoformat() if dated else None
        out[f"{side}_signer_name"] = first.name if first else None
        out[f"{side}_signer_title"] = first.title if first else None
    return out


def score(
    truth: list[dict[str, str]], folder: Path, *, noise: bool = False
) -> tuple[dict[str, Score], list[Any]]:
    scores: dict[str, Score] = defaultdict(Score)
    misses = []
    cache: dict[str, dict[str, str | None]] = {}
    for row in truth:
        name, field = row["file"], row["field"]
        if name not in cache:
            cache[name] = extracted(folder / name, noise=noise)
        got = cache[name].get(field)
        want = row["value"]
        s = scores[field]
        s.documents += 1
        s.right_anywhere += fold(got) == fold(want)
        if row["legible"] != "yes":
            continue
        s.legible += 1
        if fold(got) == fold(want):
            s.right += 1
            continue
        if got is None or got == "":
            s.missing += 1
        else:
            s.wrong += 1
        misses.append((field, name, want or "(not stated)", got, row["page"]))
    return scores, misses


def main() -> int:
    from g287.sample import moa_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, default=HERE / "data" / "moa_truth.csv")
    parser.add_argument("--folder", type=Path, default=moa_dir())
    parser.add_argument("--misses", action="store_true", help="List every miss.")
    parser.add_argument(
        "--noise", action="store_true", help="Score the text with NOISE applied (robustness)."
    )
    args = parser.parse_args()
    with args.truth.open(newline="", encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    scores, misses = score(truth, args.folder, noise=args.noise)
    print(
        "| field | documents | legible | right | wrong | missing | accuracy (legible) | target "
        "| right of all |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    failed = []
    for field, target in TARGETS.items():
        s = scores.get(field)
        if s is None:
            continue
        accuracy = s.right / s.legible if s.legible else 1.0
        mark = f"{target:.0%}" if target is not None else "-"
        if target is not None and accuracy < target:
            failed.append(field)
            mark += " (below)"
        print(
            f"| {field} | {s.documents} | {s.legible} | {s.right} | {s.wrong} | {s.missing} "
            f"| {accuracy:.0%} | {mark} | {s.right_anywhere}/{s.documents} |"
        )
    if args.misses or failed:
        print()
        for field, name, want, got, page in misses:
            print(f"- {field} of {name} (p. {page}): truth {want!r}, g287 {got!r}")
    if failed:
        print(f"\nbelow target: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
