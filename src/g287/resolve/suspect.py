"""Suspect lists: a list that loses most of the program at once is held, not believed.

A truncated download, or a wrong file posted by ICE, would otherwise turn hundreds of
agreements into removals (with events, feeds and webhooks for each). A list of one kind
is **held** when it lacks more than :data:`SUSPECT_LOSS` of the agreement keys (state,
model, canonical name) printed on the last list of that kind that was believed (for a
pending list, a request whose agency is listed as participating is no loss). A held
list is left out of the history — not the newest list, no removals, no events — until

* a **later list confirms it**: the next list lacks at most :data:`SUSPECT_LOSS` of the
  held list's keys and itself also lacks more than that share of the last believed
  list's (the program really shrank), or
* someone **accepts** it (``g287 accept``), a review kept beside the raw files.

Measured on the 46 real ICE lists of May–July 2025 bundled with g287, no transition
loses more than 6 % of the previous list's keys (participating at most 0.2 %, at
05192025am; pending at most 5.7 %, at 05232025am; counting converted requests as losses
pending would reach 56 %, at 06172025pm), so the default of 50 % holds only lists no
real transition resembles. The share can be set
with ``G287_SUSPECT_LOSS`` (the same value on every host: it decides what is derived).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from g287.resolve.model import Decision, Obs
from g287.resolve.presence import Presence
from g287.store.history import PublicationRef

SUSPECT_LOSS = 0.5
Key = tuple[str, str | None, str]


def suspect_loss() -> float:
    """The configured share (``G287_SUSPECT_LOSS``, default 0.5; 1 disables holding)."""
    raw = os.environ.get("G287_SUSPECT_LOSS", "").strip()
    try:
        value = float(raw) if raw else SUSPECT_LOSS
    except ValueError:
        value = SUSPECT_LOSS
    return min(max(value, 0.0), 1.0)


@dataclass(frozen=True, slots=True)
class Held:
    """A list left out of the history, and why."""

    publication: PublicationRef
    compared_with: PublicationRef
    loss: float  # share of the compared list's keys it lacks
    rows: int  # distinct row contents on it
    keys: int


class _Keys:
    """The agreement keys printed on each list, answered from per-key runs: the loss from
    one list to the next is read off where runs end, without building every list's set."""

    def __init__(self, observations: Iterable[Obs], explained: set[tuple[str, str]]) -> None:
        self.explained = explained
        grouped: dict[Key, list[Presence]] = defaultdict(list)
        self.observations = list(observations)
        for o in self.observations:
            grouped[(o.state, o.model, o.canon)].append(o.presence)
        self.presence = {k: Presence.union(v) for k, v in grouped.items()}
        self.count: dict[int, int] = defaultdict(int)
        self.ends: dict[int, int] = defaultdict(int)
        starts: dict[int, int] = defaultdict(int)
        for key, presence in self.presence.items():
            lost = (key[0], key[2]) not in explained
            for a, b in presence.runs:
                starts[a] += 1
                starts[b + 1] -= 1
                if lost:
                    self.ends[b] += 1
        running = 0
        for seq in sorted(starts):
            running += starts[seq]
            self.count[seq] = running
        self._filled = sorted(starts)

    def on(self, seq: int) -> int:
        """How many keys list ``seq`` prints."""
        if seq in self.count:
            return self.count[seq]
        before = [s for s in self._filled if s <= seq]
        return self.count[before[-1]] if before else 0

    def at(self, seq: int) -> set[Key]:
        return {k for k, p in self.presence.items() if seq in p}

    def loss(self, before: int, after: int) -> float:
        n = self.on(before)
        if not n:
            return 0.0
        if after == before + 1:
            return self.ends[before] / n
        a = self.at(before)
        lost = [k for k in a - self.at(after) if (k[0], k[2]) not in self.explained]
        return len(lost) / len(a)

    def rows(self, seq: int) -> int:
        return sum(1 for o in self.observations if seq in o.presence)


def find_held(
    pubs: list[PublicationRef],
    observations: list[Obs],
    accepted: set[str],
    threshold: float,
    explained: set[tuple[str, str]] | None = None,
) -> tuple[list[Held], list[Decision]]:
    """Walk the lists of one kind in order; return those held and the decisions taken.

    ``explained`` names (state, canonical name) whose disappearance is no loss: for pending
    lists, the agencies listed as participating (a request that became an agreement)."""
    if threshold >= 1.0 or len(pubs) < 2:
        return [], []
    keys = _Keys(observations, explained or set())
    held: list[Held] = []
    decisions: list[Decision] = []
    trusted = pubs[0]
    for i, pub in enumerate(pubs[1:], start=1):
        loss = keys.loss(trusted.seq, pub.seq)
        if loss <= threshold:
            trusted = pub
            continue
        subject = f"{pub.label} ({pub.published_date})"
        detail = (
            f"lacks {loss:.0%} of the agreements printed on {trusted.label}: "
            f"{keys.on(pub.seq)} agreement(s) against {keys.on(trusted.seq)}"
        )
        evidence = {"publication_id": pub.id, "compared_with": trusted.id, "loss": round(loss, 4)}
        if pub.id in accepted:
            decisions.append(Decision("suspect_list_accepted", subject, detail, evidence))
            trusted = pub
            continue
        nxt = pubs[i + 1] if i + 1 < len(pubs) else None
        if (
            nxt is not None
            and keys.loss(pub.seq, nxt.seq) <= threshold
            and keys.loss(trusted.seq, nxt.seq) > threshold
        ):
            decisions.append(
                Decision(
                    "suspect_list_confirmed",
                    subject,
                    f"{detail}; {nxt.label} confirms it",
                    {**evidence, "confirmed_by": nxt.id},
                )
            )
            trusted = pub
            continue
        held.append(Held(pub, trusted, loss, keys.rows(pub.seq), keys.on(pub.seq)))
        decisions.append(Decision("suspect_list_held", subject, detail, evidence))
    return held, decisions


def without_held(
    pubs: list[PublicationRef], observations: list[Obs], held: Iterable[Held]
) -> tuple[list[PublicationRef], list[Obs], list[Obs]]:
    """The lists and observations with the held lists taken out and the rest renumbered
    (so a held list is neither a list nor a gap); observations printed only on held lists
    are returned apart."""
    out_seqs = {h.publication.seq for h in held}
    if not out_seqs:
        return pubs, observations, []
    renumber: dict[int, int] = {}
    kept: list[PublicationRef] = []
    for p in pubs:
        if p.seq in out_seqs:
            continue
        renumber[p.seq] = len(kept) + 1
        kept.append(PublicationRef(p.id, p.kind, len(kept) + 1, p.published_date, p.label))
    shown: list[Obs] = []
    only_held: list[Obs] = []
    for o in observations:
        seqs = [renumber[s] for s in o.presence.seqs() if s in renumber]
        if not seqs:
            only_held.append(o)
            continue
        o.presence = Presence.of(seqs)
        shown.append(o)
    return kept, shown, only_held


def held_rows(held: Iterable[Held]) -> list[Mapping[str, object]]:
    return [
        {
            "publication_id": h.publication.id,
            "kind": h.publication.kind,
            "compared_with_id": h.compared_with.id,
            "loss": round(h.loss, 4),
            "agreements": h.keys,
            "rows": h.rows,
        }
        for h in held
    ]
