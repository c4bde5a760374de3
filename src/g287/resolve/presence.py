"""Which publications (by sequence number) something was listed on, as sorted runs."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

_BIG = 1 << 62


@dataclass(frozen=True, slots=True)
class Presence:
    """Sorted, non-overlapping, non-adjacent inclusive runs of publication sequence numbers."""

    runs: tuple[tuple[int, int], ...]
    count: int = field(init=False, compare=False, repr=False)
    """How many publications: worked out once (the resolver asks it of every row often)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "count", sum(b - a + 1 for a, b in self.runs))

    @classmethod
    def of(cls, seqs: Iterable[int]) -> Presence:
        runs: list[tuple[int, int]] = []
        for s in sorted(set(seqs)):
            if runs and runs[-1][1] + 1 == s:
                runs[-1] = (runs[-1][0], s)
            else:
                runs.append((s, s))
        return cls(tuple(runs))

    @classmethod
    def union(cls, items: Iterable[Presence]) -> Presence:
        given = list(items)
        if len(given) == 1:  # most agreements: one row content, nothing to merge
            return given[0]
        runs = sorted(r for p in given for r in p.runs)
        merged: list[tuple[int, int]] = []
        for a, b in runs:
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return cls(tuple(merged))

    @property
    def first(self) -> int:
        return self.runs[0][0]

    @property
    def last(self) -> int:
        return self.runs[-1][1]

    @property
    def gaps(self) -> list[tuple[int, int]]:
        """Runs of publications missing inside the listing window."""
        return [(b1 + 1, a2 - 1) for (_a1, b1), (a2, _b2) in pairwise(self.runs)]

    def __contains__(self, seq: object) -> bool:
        if not isinstance(seq, int):
            return False
        runs = self.runs
        if len(runs) == 1:
            return runs[0][0] <= seq <= runs[0][1]
        i = bisect_right(runs, (seq, _BIG)) - 1
        return i >= 0 and runs[i][0] <= seq <= runs[i][1]

    def overlaps(self, other: Presence) -> bool:
        """True if both were listed on at least one same publication."""
        i = j = 0
        while i < len(self.runs) and j < len(other.runs):
            a1, b1 = self.runs[i]
            a2, b2 = other.runs[j]
            if a1 <= b2 and a2 <= b1:
                return True
            if b1 < b2:
                i += 1
            else:
                j += 1
        return False

    def windows_disjoint(self, other: Presence) -> bool:
        """True if the [first, last] windows do not overlap."""
        return self.last < other.first or other.last < self.first

    def seqs(self) -> list[int]:
        return [s for a, b in self.runs for s in range(a, b + 1)]
