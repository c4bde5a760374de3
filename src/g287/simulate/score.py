"""Score a resolution (rows -> agreements, and what it says about each) against the truth.

Identity is scored pairwise over the participating rows of every distinct workbook:
a pair of rows is *true* when the truth puts both in one agreement and *predicted*
when the resolution does. Pair counts come from the contingency table of (true,
predicted) labels, ``sum C(n, 2)``, so scoring is linear in the number of rows. A row
the resolution does not label counts as its own singleton agreement.

Each true agreement is then matched to the predicted agreement most of its rows map
to (ties: the smallest id), and its status, signing date, first and last listing are
compared with what the resolution says about that predicted agreement.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

SCORED_STATUSES = frozenset({"active", "superseded", "removed"})


@dataclass(frozen=True)
class PredictedAgreement:
    """What a resolution says about one of its agreements."""

    status: str  # active | superseded | removed (case-insensitive)
    signed: date | None = None
    first_listed: date | None = None
    last_listed: date | None = None


@dataclass(frozen=True)
class Score:
    rows: int  # participating rows in the truth
    labelled_rows: int  # ... that the resolution labelled
    agreements: int  # true agreements with participating rows
    true_pairs: int
    predicted_pairs: int
    common_pairs: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    status_accuracy: float
    signed_accuracy: float
    first_listed_accuracy: float
    last_listed_accuracy: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def perfect(self) -> bool:
        return all(
            v == 1.0
            for v in (
                self.pairwise_precision,
                self.pairwise_recall,
                self.status_accuracy,
                self.signed_accuracy,
                self.first_listed_accuracy,
                self.last_listed_accuracy,
            )
        )


def _pairs(counts: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def score(
    truth_dir: Path,
    predicted_rows: Mapping[tuple[str, int], str],
    predicted_agreements: Mapping[str, PredictedAgreement],
) -> Score:
    """Compare a resolution with the truth written by :func:`g287.simulate.simulate`."""
    truth_dir = Path(truth_dir)
    true_counts: Counter[str] = Counter()
    pred_counts: Counter[object] = Counter()
    joint: Counter[tuple[str, object]] = Counter()
    labelled = 0
    with open(truth_dir / "rows.csv", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        i_sha, i_row = header.index("sha256"), header.index("row_number")
        i_agr, i_kind = header.index("true_agreement_id"), header.index("kind")
        for rec in reader:
            if rec[i_kind] != "participating":
                continue
            key = (rec[i_sha], int(rec[i_row]))
            predicted: object = predicted_rows.get(key)
            if predicted is None:
                predicted = ("unlabelled", *key)  # a singleton
            else:
                labelled += 1
            true_id = rec[i_agr]
            true_counts[true_id] += 1
            pred_counts[predicted] += 1
            joint[(true_id, predicted)] += 1
    true_pairs, pred_pairs, common = _pairs(true_counts), _pairs(pred_counts), _pairs(joint)
    precision, recall = _ratio(common, pred_pairs), _ratio(common, true_pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    best: dict[str, tuple[int, str]] = {}
    for (true_id, predicted), n in joint.items():
        if not isinstance(predicted, str):
            continue
        current = best.get(true_id)
        if current is None or n > current[0] or (n == current[0] and predicted < current[1]):
            best[true_id] = (n, predicted)

    hits = Counter[str]()
    total = 0
    with open(truth_dir / "agreements.csv", newline="", encoding="utf-8") as handle:
        for agr in csv.DictReader(handle):
            if agr["status"] not in SCORED_STATUSES or agr["true_agreement_id"] not in true_counts:
                continue
            total += 1
            match = best.get(agr["true_agreement_id"])
            guess = predicted_agreements.get(match[1]) if match else None
            if guess is None:
                continue
            hits["status"] += guess.status.strip().lower() == agr["status"]
            hits["signed"] += _iso(guess.signed) == agr["signed"]
            hits["first"] += _iso(guess.first_listed) == agr["first_listed"]
            hits["last"] += _iso(guess.last_listed) == agr["last_listed"]
    return Score(
        rows=sum(true_counts.values()),
        labelled_rows=labelled,
        agreements=total,
        true_pairs=true_pairs,
        predicted_pairs=pred_pairs,
        common_pairs=common,
        pairwise_precision=precision,
        pairwise_recall=recall,
        pairwise_f1=f1,
        status_accuracy=_ratio(hits["status"], total),
        signed_accuracy=_ratio(hits["signed"], total),
        first_listed_accuracy=_ratio(hits["first"], total),
        last_listed_accuracy=_ratio(hits["last"], total),
    )


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def truth_as_prediction(
    truth_dir: Path,
) -> tuple[dict[tuple[str, int], str], dict[str, PredictedAgreement]]:
    """The truth itself in the shape ``score`` takes (it scores 1.0 everywhere)."""
    truth_dir = Path(truth_dir)
    rows: dict[tuple[str, int], str] = {}
    with open(truth_dir / "rows.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[(row["sha256"], int(row["row_number"]))] = row["true_agreement_id"]
    agreements: dict[str, PredictedAgreement] = {}
    with open(truth_dir / "agreements.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            agreements[row["true_agreement_id"]] = PredictedAgreement(
                row["status"],
                _date(row["signed"]),
                _date(row["first_listed"]),
                _date(row["last_listed"]),
            )
    return rows, agreements


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None
