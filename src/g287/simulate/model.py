"""The simulated world: agencies, agreements, and how ICE prints them on a list.

An :class:`Agreement` knows its true facts (agency, model, signing date) and its
printed state (SIGNED as ICE shows it, MOA cell, ADDENDUM cell). Short-lived
display mistakes (a typo in the name, a wrong state, a duplicated row) are
:class:`Episode` s covering a range of steps. :meth:`Agreement.cells` turns all of
that into the cell values of the row(s) one list shows at one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

MODELS = ("TFM", "WSO", "JEM")
SUPPORT = {
    "TFM": "Task Force Model",
    "WSO": "Warrant Service Officer",
    "JEM": "Jail Enforcement Model",
}
PART_HEADERS = (
    "STATE",
    "LAW ENFORCEMENT AGENCY",
    "TYPE",
    "COUNTY",
    "SUPPORT TYPE",
    "SIGNED",
    "MOA",
)
PENDING_HEADERS = PART_HEADERS[:5]


class ErrorValue(str):
    """An Excel error cell (``t="e"``), e.g. ``#N/A`` in COUNTY."""

    __slots__ = ()


class RichText(str):
    """A rich-text string cell; its runs are split on :data:`RUN_BREAK`."""

    __slots__ = ()


NA = ErrorValue("#N/A")
RUN_BREAK = "\x00"
LINK_ADDENDUM = RichText("link" + RUN_BREAK + "\xa0|\xa0" + RUN_BREAK + "addendum")

# A cell is: str (text), RichText, ErrorValue, date, None (blank, formatted),
# or a link: (text, target URL or None).
Link = tuple[str, str | None]
Cell = object
Cells = tuple[Cell, ...]


class ListRow(NamedTuple):
    """One printed row of a list, with the truth behind it."""

    agreement_id: str
    agency_id: str
    model: str
    cells: Cells
    new: bool  # first listed (on this kind of list) at this step


@dataclass
class Episode:
    """A display mistake for steps ``start <= t < end``."""

    start: int
    end: int
    kind: str  # name | state | duplicate | near_duplicate
    value: str = ""


@dataclass(eq=False)
class Agency:
    id: str
    state: str  # USPS code, the truth
    type: str  # the truth: County | Municipality | State Agency
    county: str | None  # the truth
    name: str  # as the participating list prints it now
    final_name: str  # the canonical name (after any planned rename)
    rename_kind: str | None
    state_text: str  # "FLORIDA"
    type_text: str | None  # printed TYPE (None = blank)
    county_cell: object  # printed COUNTY: str, NA or None
    pending_name: str | None = None  # how the pending list spells it, when different
    agreements: list[Agreement] = field(default_factory=list)
    names_seen: list[str] = field(default_factory=list)

    def touch(self) -> None:
        for agreement in self.agreements:
            agreement.cache = None
            agreement.pending_cache = None


@dataclass(eq=False)
class Agreement:
    id: str
    agency: Agency
    model: str
    created_step: int
    signed: date | None = None  # true signing date; None while only pending
    printed_signed: object = None  # date or malformed text, as printed now
    signed_fix_step: int | None = None  # when a printed-date mistake is corrected
    signed_fix_on_link: bool = False  # ... or when the MOA link is filled in
    support_text: str = ""
    moa_pending_text: str = "link pending"
    moa_link_text: str = "link"
    url: str | None = None  # printed hyperlink target (may be a safelink)
    rich_addendum: bool = False  # "link | addendum" text before the ADDENDUM column
    addendum_url: str | None = None
    # life on the lists
    listed: bool = False
    listed_since: int | None = None
    pending_listed: bool = False
    pending_since: date | None = None
    promote_at: int | None = None
    withdraw_at: int | None = None
    pending_until: int | None = None  # lingering pending row after promotion
    end_reason: str = ""
    successor: Agreement | None = None
    switched_to: Agreement | None = None
    episodes: list[Episode] = field(default_factory=list)
    printed_variants: list[str] = field(default_factory=list)
    cache: Cells | None = None  # the participating row as printed now ...
    cache_addendum: bool = False  # ... for a list with or without the ADDENDUM column
    pending_cache: Cells | None = None

    def set_printed_signed(self, value: object) -> None:
        self.printed_signed = value
        text = value.isoformat() if isinstance(value, date) else str(value)
        if text not in self.printed_variants:
            self.printed_variants.append(text)
        self.cache = None

    def moa_cell(self, addendum_column: bool) -> Link | RichText:
        if self.url is None:
            return (self.moa_pending_text, None)
        if self.rich_addendum and not addendum_column:
            return LINK_ADDENDUM
        return (self.moa_link_text, self.url)

    def cells(self, addendum_column: bool) -> Cells:
        """The participating row as printed now, before any episode."""
        if self.cache is not None and self.cache_addendum == addendum_column:
            return self.cache
        ag = self.agency
        values: list[Cell] = [
            ag.state_text,
            ag.name,
            ag.type_text,
            ag.county_cell,
            self.support_text,
            self.printed_signed,
            self.moa_cell(addendum_column),
        ]
        if addendum_column:
            values.append(("link", self.addendum_url) if self.addendum_url else None)
        self.cache = tuple(values)
        self.cache_addendum = addendum_column
        return self.cache

    def pending_cells(self) -> Cells:
        if self.pending_cache is None:
            ag = self.agency
            self.pending_cache = (
                ag.state_text,
                ag.pending_name or ag.name,
                ag.type_text,
                ag.county_cell,
                self.support_text,
            )
        return self.pending_cache


def with_episodes(cells: Cells, episodes: list[Episode], t: int) -> list[Cells]:
    """The row(s) a list prints at step ``t`` once active episodes are applied."""
    active = [e for e in episodes if e.start <= t < e.end]
    if not active:
        return [cells]
    row = list(cells)
    extra: list[Cells] = []
    for e in active:
        if e.kind == "name":
            row[1] = e.value
        elif e.kind == "state":
            row[0] = e.value
    base = tuple(row)
    for e in active:
        if e.kind == "duplicate":
            extra.append(base)
        elif e.kind == "near_duplicate":
            extra.append((base[0], e.value, *base[2:]))
    return [base, *extra]


@dataclass
class Step:
    index: int
    published: date
    part: str
    first_seen: datetime
    special: str = ""  # skip | same_name | copy_participating | copy_pending
    capture_participating: bool = True
    capture_pending: bool = True

    @property
    def quiet(self) -> bool:
        return self.special.startswith("copy")


@dataclass
class Publication:
    """One list ICE published at one step and the scraper captured."""

    kind: str  # participating | pending
    step: int
    published: date
    part: str  # am | pm
    file_name: str
    folder: str
    first_seen: datetime
    modified: datetime
    editor: str
    rows: list[ListRow]
    addendum_column: bool = False
    filtered: bool = False
    trailing_blank: int = 0
    order: str = "state"  # state | agency | appended
    copy_of: Publication | None = None  # same bytes, published again under a new name
    suspect: bool = False  # a truncated list (hard scenario): held, its true count the last's


@dataclass(frozen=True)
class Event:
    step: int
    published: date
    part: str
    captured: bool
    event: str
    agreement_id: str = ""
    agency_id: str = ""
    detail: str = ""


def replace_year(d: date, year: int) -> date:
    """``d`` in another year (28 February for the 29th in a common year)."""
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)
