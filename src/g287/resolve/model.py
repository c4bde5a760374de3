"""The objects resolution works on and produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from g287.resolve.presence import Presence


@dataclass(slots=True)
class Obs:
    """One distinct row content of a list (after curated fixes), and where it was listed."""

    content_id: str
    kind: str  # participating | pending
    state: str
    model: str | None
    signed: date | None
    name: str  # the printed agency name (cleaned), after any name fix
    canon: str  # canonical form (after identity aliases)
    presence: Presence
    printed_state: str
    printed_signed: date | None
    linked: bool  # the MOA cell carries a link (or says 'link')
    moa_key: str | None  # file key of the MOA link, if any
    moa_url: str | None
    moa_status: str | None
    county: str | None
    type: str | None
    addendum_url: str | None = None  # the ADDENDUM cell's link (from 07012025pm on)


@dataclass(slots=True)
class Listing:
    """Rows of one (state, model, signed, canonical name): the unit identity tiers merge."""

    key: tuple[str, str, date, str]
    obs: list[Obs]
    presence: Presence
    spellings: dict[str, int]  # printed name -> publications
    first_moa_key: str | None
    first_linked: bool
    last_moa_key: str | None
    last_linked: bool
    ever_linked: bool

    @property
    def state(self) -> str:
        return self.key[0]

    @property
    def model(self) -> str:
        return self.key[1]

    @property
    def signed(self) -> date:
        return self.key[2]

    @property
    def canon(self) -> str:
        return self.key[3]


@dataclass(frozen=True, slots=True)
class Decision:
    """A merge or correction, with the rule that made it and its evidence."""

    rule: str
    subject: str  # what it applies to (listing or agreement description)
    detail: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A near-miss the rules declined, for a human to decide."""

    kind: str
    a: str
    b: str
    suggestion: str
    detail: str


@dataclass(slots=True)
class Agreement:
    id: str
    agency_id: str
    state: str
    model: str
    signed: date  # the latest printed (corrected) date
    first_signed: date  # the date its id was minted with
    name: str  # latest printed agency name
    listings: list[Listing]
    presence: Presence
    resolution: (
        str  # exact | typo | near_duplicate | modifier | rename | relabel | alias | date_corrected
    )
    status: str = "active"
    successor_id: str | None = None
    predecessor_id: str | None = None
    removal_flag: str | None = None

    @property
    def obs(self) -> list[Obs]:
        return [o for listing in self.listings for o in listing.obs]


@dataclass(slots=True)
class Agency:
    id: str
    state: str
    name: str  # latest printed name
    canon: str
    spellings: set[str]
    agreement_ids: list[str] = field(default_factory=list)
    pending_ids: list[str] = field(default_factory=list)


def snapshot(obs: list[Obs], seq: int) -> Obs | None:
    """The row ICE printed for an agreement on one list.

    When one list prints an agreement twice, the row printed first (earliest first
    listing) speaks for it until it disappears: a second spelling is a duplicate
    row, and becomes a rename only when the old one is dropped.
    """
    here = [o for o in obs if seq in o.presence]
    if len(here) < 2:
        return here[0] if here else None
    if len({o.name for o in here}) > 1:
        first: dict[str, int] = {}
        for o in obs:
            first[o.name] = min(first.get(o.name, o.presence.first), o.presence.first)
        return min(here, key=lambda o: (first[o.name], -o.presence.count, o.content_id))
    return min(here, key=lambda o: (-o.presence.count, o.content_id))
