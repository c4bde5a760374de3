"""Score a resolution (rows -> agreements, and what it says about each) against the truth.

Identity is scored pairwise over the participating rows of every distinct workbook:
a pair of rows is *true* when the truth puts both in one agreement and *predicted*
when the resolution does. Pair counts come from the contingency table of (true,
predicted) labels, ``sum C(n, 2)``, so scoring is linear in the number of rows. A row
the resolution does not label counts as its own singleton agreement.

Each true agreement is then matched to the predicted agreement most of its rows map
to (ties: the smallest id), and its status, signing date, first and last listing are
compared with what the resolution says about that predicted agreement."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from g287.simulate.config import HARD_SCENARIOS
from g287.simulate.score_model import (
    SCORED_STATUSES,
    CaseRow,
    ListCount,
    PredictedAgreement,
    ScenarioScore,
    Score,
    WorstCase,
    _ratio,
)

CASE_ROWS = 12


def _pairs(counts: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def score(
    truth_dir: Path,
    predicted_rows: Mapping[tuple[str, int], str],
    predicted_agreements: Mapping[str, PredictedAgreement],
    predicted_counts: Mapping[str, int] | None = None,
    *,
    worst: int = 10,
) -> Score:
    """Compare a resolution with the truth written by :func:`g287.simulate.simulate`.

    ``predicted_counts`` (sha256 of a participating list -> the resolution's as-of active
    count once that list arrived) adds the per-list count errors; ``worst`` is how many
    inexact agreements to return, hard scenarios first, then by rows wrong."""
    truth_dir = Path(truth_dir)
    true_counts: Counter[str] = Counter()
    pred_counts: Counter[object] = Counter()
    joint: Counter[tuple[str, object]] = Counter()
    where: list[tuple[str, str, int, str, object]] = []  # file, sha, row, true, predicted
    labelled = 0
    with open(truth_dir / "rows.csv", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        i_sha, i_row = header.index("sha256"), header.index("row_number")
        i_agr, i_kind = header.index("true_agreement_id"), header.index("kind")
        i_file = header.index("file_name")
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
            where.append((rec[i_file], key[0], key[1], true_id, predicted))
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
    exact = {
        t
        for t, (n, p) in best.items()
        if n == true_counts[t] and pred_counts[p] == n  # all its rows, and only those
    }

    hits = Counter[str]()
    total = 0
    tags: dict[str, tuple[str, ...]] = {}
    with open(truth_dir / "agreements.csv", newline="", encoding="utf-8") as handle:
        for agr in csv.DictReader(handle):
            tid = agr["true_agreement_id"]
            if tid in true_counts:
                tags[tid] = tuple(x for x in (agr.get("scenario") or "").split("|") if x)
            if agr["status"] not in SCORED_STATUSES or tid not in true_counts:
                continue
            total += 1
            match = best.get(tid)
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
        true_agreements=len(true_counts),
        exact_agreements=len(exact),
        agreement_exactness=_ratio(len(exact), len(true_counts)),
        scenarios=_scenarios(tags, exact, true_counts, pred_counts, joint),
        lists=_lists(truth_dir, predicted_counts) if predicted_counts is not None else (),
        worst=_worst(where, tags, exact, best, true_counts, worst),
    )


def _scenarios(
    tags: Mapping[str, tuple[str, ...]],
    exact: set[str],
    true_counts: Counter[str],
    pred_counts: Counter[object],
    joint: Counter[tuple[str, object]],
) -> tuple[ScenarioScore, ...]:
    """Per scenario (and ``ordinary``: agreements in none): exactness and pairwise figures."""
    members: dict[str, set[str]] = {name: set() for name in HARD_SCENARIOS}
    for tid in true_counts:
        for name in tags.get(tid) or ("ordinary",):
            members.setdefault(name, set()).add(tid)
    out = []
    for name in sorted(members, key=lambda n: (n not in HARD_SCENARIOS, n)):
        ids = members[name]
        if not ids and name not in HARD_SCENARIOS:
            continue
        inside: Counter[object] = Counter()  # rows of these agreements per predicted id
        common = 0
        for (tid, p), n in joint.items():
            if tid in ids:
                inside[p] += n
                common += n * (n - 1) // 2
        true_pairs = sum(true_counts[t] * (true_counts[t] - 1) // 2 for t in ids)
        # predicted pairs with at least one row of these agreements
        predicted = sum(
            pred_counts[p] * (pred_counts[p] - 1) // 2
            - (pred_counts[p] - n) * (pred_counts[p] - n - 1) // 2
            for p, n in inside.items()
        )
        n_exact = len(ids & exact)
        out.append(
            ScenarioScore(
                name,
                name in HARD_SCENARIOS,
                len(ids),
                n_exact,
                _ratio(n_exact, len(ids)),
                _ratio(common, predicted),
                _ratio(common, true_pairs),
            )
        )
    return tuple(out)


def _lists(truth_dir: Path, predicted_counts: Mapping[str, int]) -> tuple[ListCount, ...]:
    out = []
    with open(truth_dir / "publications.csv", newline="", encoding="utf-8") as handle:
        for pub in csv.DictReader(handle):
            if pub["kind"] != "participating" or pub["distinct"] != "1":
                continue
            true_active = int(pub.get("active") or pub["rows"])  # older truths: rows
            out.append(
                ListCount(
                    pub["file_name"],
                    pub["sha256"],
                    pub.get("suspect") == "1",
                    true_active,
                    predicted_counts.get(pub["sha256"], 0),
                )
            )
    return tuple(out)


def _worst(
    where: list[tuple[str, str, int, str, object]],
    tags: Mapping[str, tuple[str, ...]],
    exact: set[str],
    best: Mapping[str, tuple[int, str]],
    true_counts: Counter[str],
    limit: int,
) -> tuple[WorstCase, ...]:
    """The inexact true agreements with their rows (and the intruders beside them)."""
    wrong = [t for t in true_counts if t not in exact]
    if not wrong or limit <= 0:
        return ()
    by_pred: dict[object, list[tuple[str, str, int, str, object]]] = {}
    by_true: dict[str, list[tuple[str, str, int, str, object]]] = {}
    for item in where:
        by_pred.setdefault(item[4], []).append(item)
        by_true.setdefault(item[3], []).append(item)
    cases = []
    for tid in wrong:
        n, main = best.get(tid, (0, ""))
        intruders = [r for r in by_pred.get(main, []) if r[3] != tid] if main else []
        missing = true_counts[tid] - n
        rows = [*by_true[tid], *intruders]
        cases.append((tid, missing, intruders, rows))
    hard = set(HARD_SCENARIOS)

    def rank(case: tuple[str, int, list[Any], list[Any]]) -> tuple[bool, int, str]:
        tid, missing, intruders, _ = case
        return (not (set(tags.get(tid, ())) & hard), -(missing + len(intruders)), tid)

    out = []
    for tid, missing, intruders, rows in sorted(cases, key=rank)[:limit]:
        shown = _spread(rows, CASE_ROWS)
        out.append(
            WorstCase(
                tid,
                tags.get(tid, ()),
                missing,
                len(intruders),
                tuple(
                    CaseRow(f, sha, r, t, p if isinstance(p, str) else "")
                    for f, sha, r, t, p in shown
                ),
            )
        )
    return tuple(out)


def _spread(rows: list[Any], n: int) -> list[Any]:
    """At most ``n`` rows: each distinct (true, predicted) pairing first, then the rest."""
    seen: set[tuple[str, object]] = set()
    first: list[Any] = []
    rest: list[Any] = []
    for r in rows:
        key = (r[3], r[4] if isinstance(r[4], str) else "")
        (rest if key in seen else first).append(r)
        seen.add(key)
    return (first + rest)[:n]


def report(result: Score) -> list[str]:
    """The score as text: agreement grain, per scenario, per-list counts, worst cases."""
    lines = [
        f"agreements exact        {result.exact_agreements}/{result.true_agreements} "
        f"({result.agreement_exactness:.2%}); hard scenarios {result.hard_exactness:.2%}",
        f"pairwise                precision {result.pairwise_precision:.4f}  "
        f"recall {result.pairwise_recall:.4f}  f1 {result.pairwise_f1:.4f}",
        f"status / signed         {result.status_accuracy:.4f} / {result.signed_accuracy:.4f}",
        f"first / last listed     {result.first_listed_accuracy:.4f} / "
        f"{result.last_listed_accuracy:.4f}",
        f"rows                    {result.rows} ({result.labelled_rows} labelled)",
    ]
    if result.lists:
        worst = max(result.lists, key=lambda c: abs(c.error))
        held = sum(c.suspect for c in result.lists)
        lines.append(
            f"per-list active counts  {len(result.lists) - result.list_count_errors}/"
            f"{len(result.lists)} exact ({held} suspect), largest error {worst.error:+d}"
        )
        for c in result.lists:
            if c.error:
                lines.append(
                    f"  {c.file_name}{' (suspect)' if c.suspect else ''}: true {c.true_active}, "
                    f"resolved {c.resolved_active} ({c.error:+d})"
                )
    lines.append("scenario                        agreements  exact  exactness  precision  recall")
    for sc in result.scenarios:
        name = sc.scenario + (" *" if sc.hard else "")
        lines.append(
            f"  {name:30} {sc.agreements:10} {sc.exact:6} {sc.exactness:9.2%} "
            f"{sc.pairwise_precision:10.4f} {sc.pairwise_recall:7.4f}"
        )
    lines.append("  (* a hard case)")
    for case in result.worst:
        lines.append(
            f"worst: {case.true_agreement_id} [{', '.join(case.scenarios) or 'ordinary'}] "
            f"{case.missing} rows elsewhere, {case.intruders} rows of others beside it"
        )
        for r in case.rows:
            lines.append(
                f"  {r.file_name} ({r.sha256[:8]}) row {r.row_number}: true {r.true_agreement_id}, "
                f"resolved {r.predicted_id or '(none)'}  {r.printed}".rstrip()
            )
    return lines


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
