"""What a simulator score holds: predicted agreements, per-scenario and per-list figures,
the worst cases, and the score itself."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
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
class ScenarioScore:
    """Agreement-grain and pairwise figures for the true agreements of one scenario."""

    scenario: str
    hard: bool  # one of HARD_SCENARIOS
    agreements: int
    exact: int
    exactness: float
    pairwise_precision: float  # over predicted pairs with at least one of its rows
    pairwise_recall: float  # over true pairs of its agreements


@dataclass(frozen=True)
class ListCount:
    """One participating list: true as-of active count against the resolution's."""

    file_name: str
    sha256: str
    suspect: bool
    true_active: int
    resolved_active: int

    @property
    def error(self) -> int:
        return self.resolved_active - self.true_active


@dataclass(frozen=True)
class CaseRow:
    """A row of a worst case: where it is, whose it truly is, where the resolution put it."""

    file_name: str
    sha256: str
    row_number: int
    true_agreement_id: str
    predicted_id: str  # "" when the resolution left it unlabelled
    printed: str = ""  # the printed cells, when the caller can say


@dataclass(frozen=True)
class WorstCase:
    """A true agreement whose rows the resolution did not recover exactly."""

    true_agreement_id: str
    scenarios: tuple[str, ...]
    missing: int  # its rows outside the predicted agreement holding most of them
    intruders: int  # other agreements' rows inside that predicted agreement
    rows: tuple[CaseRow, ...]  # its rows and the intruders (at most ``CASE_ROWS``)


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
    # the agreement grain: a true agreement is exact when the predicted agreement holding
    # its rows holds exactly those rows
    true_agreements: int = 0  # with participating rows (any status)
    exact_agreements: int = 0
    agreement_exactness: float = 1.0
    scenarios: tuple[ScenarioScore, ...] = ()
    lists: tuple[ListCount, ...] = ()  # empty unless the caller gave the resolved counts
    worst: tuple[WorstCase, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["list_count_errors"] = self.list_count_errors
        return out

    @property
    def list_count_errors(self) -> int:
        """Lists whose resolved as-of active count differs from the truth."""
        return sum(1 for c in self.lists if c.error)

    @property
    def hard_exactness(self) -> float:
        """Exactness over the true agreements of every hard scenario together."""
        hard = [s for s in self.scenarios if s.hard]
        return _ratio(sum(s.exact for s in hard), sum(s.agreements for s in hard))

    @property
    def perfect(self) -> bool:
        return (
            all(
                v == 1.0
                for v in (
                    self.pairwise_precision,
                    self.pairwise_recall,
                    self.status_accuracy,
                    self.signed_accuracy,
                    self.first_listed_accuracy,
                    self.last_listed_accuracy,
                    self.agreement_exactness,
                )
            )
            and not self.list_count_errors
        )


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0
