"""State policy layer: which states mandate, encourage, limit or ban 287(g), as of any day.

The data is a curated, cited CSV (``g287/data/policy/state_policies.csv``, documented in the
README beside it), one record per legal instrument. This module loads and validates it, answers
"what was in force in state X on day D" and runs two conflict rules over simple agreement facts:

* :func:`~g287.enrich.conflicts.prohibited_agreements` -- an active agreement held by an
  agency that a ban (or a limit) in force covers;
* :func:`~g287.enrich.conflicts.missing_mandated` -- a county (or the state's own
  agencies) that a mandate in force covers, with no active agreement.

Everything here is pure: pass ``policies=`` to use hand-made records instead of the bundled file.

The two conflict rules are in :mod:`g287.enrich.conflicts`."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO

from g287.errors import InputError, InvalidQuery


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


STATES = frozenset(
    _words(
        "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
        "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI"
    )
)


KINDS = ("statute", "executive_order", "court_decision", "ag_opinion", "directive")


STANCES = ("mandates", "encourages", "limits", "prohibits")  # "partial" and "none" are derived


OBLIGATIONS = ("enter", "request", "apply", "enter_or_equivalent")


CONFIDENCES = ("high", "medium", "low")


LEVELS = frozenset(
    _words(
        "state county municipal campus port regional constable_district judicial_district "
        "corrections_facility other"
    )
)


# applies_to value -> agreement levels it covers ("state_corrections" is matched by name too)
APPLIES_TO: dict[str, frozenset[str]] = {
    "all_agencies": LEVELS,
    "local_agencies": LEVELS - {"state"},
    "state_agencies": frozenset({"state"}),
    "state_corrections": frozenset({"state"}),
    "county_sheriffs": frozenset({"county"}),
    "county_jails": frozenset({"county", "corrections_facility", "regional"}),
    "municipal_agencies": frozenset({"municipal"}),
}


COUNTY_SCOPES = frozenset({"county_sheriffs", "county_jails"})


STATE_SCOPES = frozenset({"state_agencies", "state_corrections"})


COLUMNS = _words(
    "id state instrument kind stance applies_to obligation signed effective deadline ends "
    "summary sources last_checked confidence notes"
)


RULE_PROHIBITED = "prohibited-agreement"


RULE_LIMITED = "limited-agreement"


RULE_MISSING_COUNTY = "missing-mandated-county-agreement"


RULE_MISSING_STATE = "missing-mandated-state-agreement"


_SEVERITY = {"conflict": 3, "review": 2, "unconfirmed": 2, "not_yet_due": 1}


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PolicyDate:
    """A date known to the day, the month (``2025-04``) or the year (``2019``)."""

    first: date
    precision: str  # "day" | "month" | "year"

    @property
    def last(self) -> date:
        """The last day the value can mean (``2025-04`` -> 2025-04-30)."""
        year, month = self.first.year, self.first.month
        if self.precision == "day":
            return self.first
        if self.precision == "year" or month == 12:
            return date(year, 12, 31)
        return date(year, month + 1, 1) - timedelta(days=1)

    def __str__(self) -> str:
        text = self.first.isoformat()
        return {"day": text, "month": text[:7], "year": text[:4]}[self.precision]


@dataclass(frozen=True)
class PolicyRecord:
    """One legal instrument (statute, order, directive, decision) and what it does to 287(g)."""

    id: str
    state: str
    instrument: str
    kind: str
    stance: str
    applies_to: tuple[str, ...]
    obligation: str | None
    signed: PolicyDate | None
    effective: PolicyDate
    deadline: PolicyDate | None
    ends: PolicyDate | None
    summary: str
    sources: tuple[str, ...]
    last_checked: date
    confidence: str
    notes: str
    row: int = 0

    @property
    def starts(self) -> date:
        """First day in force: the effective date, never before the signing day."""
        if self.signed is not None and self.effective.precision != "day":
            return max(self.effective.first, self.signed.first)
        return self.effective.first

    def in_force(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day < self.ends.first)

    def before_deadline(self, day: date) -> bool:
        """Whether ``day`` is before the deadline (the deadline day itself is due)."""
        return self.deadline is not None and day < self.deadline.last


@dataclass(frozen=True)
class StateStance:
    """The combined stance of a state on a day and the records behind it."""

    state: str
    day: date
    stance: str  # mandates | encourages | limits | prohibits | partial | none
    records: tuple[PolicyRecord, ...]
    explanation: str


@dataclass(frozen=True)
class AgreementFact:
    """The few facts about one 287(g) agreement that the conflict rules need."""

    agreement_id: str
    agency: str
    state: str
    level: str
    model: str
    county_fips: tuple[str, ...] = ()
    start: date | None = None  # None: active since before any policy
    end: date | None = None  # first day no longer active; None: still active

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise InvalidQuery(f"agreement {self.agreement_id}: unknown level {self.level!r}")

    def active(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Jurisdiction:
    """A county (5-digit FIPS) that a county-scoped mandate may cover."""

    county_fips: str
    state: str
    name: str
    operates_jail: bool | None = None  # False: outside jail/sheriff mandates (e.g. no county jail)


@dataclass(frozen=True)
class Conflict:
    """One finding: the rule that produced it, its status and the policy record behind it."""

    rule: str
    status: str  # conflict | review | not_yet_due | unconfirmed
    policy_id: str
    state: str
    explanation: str
    agreement_id: str | None = None
    county_fips: str | None = None
    jurisdiction: str | None = None


class _FieldError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def parse_policy_date(text: str) -> PolicyDate:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` into a :class:`PolicyDate`."""
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        first = date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date") from exc
    return PolicyDate(first, "day" if day else "month" if month else "year")


def _date(raw: dict[str, str], field: str) -> PolicyDate | None:
    return _required_date(raw, field) if raw[field] else None


def _required_date(raw: dict[str, str], field: str) -> PolicyDate:
    if not raw[field]:
        raise _FieldError(field, "required")
    try:
        return parse_policy_date(raw[field])
    except ValueError as exc:
        raise _FieldError(field, str(exc)) from None


def _choice(raw: dict[str, str], field: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if raw[field] not in allowed:
        raise _FieldError(field, f"{raw[field]!r} is not one of {', '.join(sorted(allowed))}")
    return raw[field]


def _record(raw: dict[str, str], row: int) -> PolicyRecord:
    if not _SLUG.match(raw["id"]):
        raise _FieldError("id", f"{raw['id']!r} is not a lowercase slug")
    state, kind, stance = raw["state"], _choice(raw, "kind", KINDS), _choice(raw, "stance", STANCES)
    if state not in STATES:
        raise _FieldError("state", f"{state!r} is not a USPS state code")
    applies_to = tuple(part.strip() for part in raw["applies_to"].split("|"))
    for part in applies_to:
        if part not in APPLIES_TO:
            raise _FieldError("applies_to", f"{part!r} is not one of {', '.join(APPLIES_TO)}")
    obligation = raw["obligation"] or None
    if stance == "mandates":
        _choice(raw, "obligation", OBLIGATIONS)
    elif obligation is not None:
        raise _FieldError("obligation", "only mandates carry an obligation")
    signed = _date(raw, "signed")
    effective = _required_date(raw, "effective")
    deadline, ends = _date(raw, "deadline"), _date(raw, "ends")
    checked = _required_date(raw, "last_checked")
    if checked.precision != "day":
        raise _FieldError("last_checked", "must be a full YYYY-MM-DD date")
    if signed is not None and effective.last < signed.first:
        raise _FieldError("effective", f"{effective} is before signed {signed}")
    if deadline is not None and deadline.last < effective.first:
        raise _FieldError("deadline", f"{deadline} is before effective {effective}")
    if ends is not None and ends.last <= effective.first:
        raise _FieldError("ends", f"{ends} is not after effective {effective}")
    sources = tuple(part.strip() for part in raw["sources"].split(" | ") if part.strip())
    if not sources:
        raise _FieldError("sources", "at least one URL is required")
    for url in sources:
        if not url.startswith(("https://", "http://")) or " " in url:
            raise _FieldError("sources", f"{url!r} is not an http(s) URL")
    if not raw["summary"] or not raw["instrument"]:
        raise _FieldError("summary" if not raw["summary"] else "instrument", "required")
    return PolicyRecord(
        id=raw["id"],
        state=state,
        instrument=raw["instrument"],
        kind=kind,
        stance=stance,
        applies_to=applies_to,
        obligation=obligation,
        signed=signed,
        effective=effective,
        deadline=deadline,
        ends=ends,
        summary=raw["summary"],
        sources=sources,
        last_checked=checked.first,
        confidence=_choice(raw, "confidence", CONFIDENCES),
        notes=raw["notes"],
        row=row,
    )


def _parse(handle: IO[str], source: str) -> list[PolicyRecord]:
    reader = csv.DictReader(handle)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"row 1, field {missing[0]}: column missing from header", source=source)
    records: list[PolicyRecord] = []
    seen: set[str] = set()
    for row, cells in enumerate(reader, start=2):
        try:
            if cells.get(None):
                raise _FieldError("columns", "more cells than the header has")
            raw = {column: (cells.get(column) or "").strip() for column in COLUMNS}
            if raw["id"] in seen:
                raise _FieldError("id", f"duplicate id {raw['id']!r}")
            records.append(_record(raw, row))
            seen.add(raw["id"])
        except _FieldError as exc:
            raise InputError(f"row {row}, field {exc.field}: {exc.reason}", source=source) from None
    return records


def default_policy_path() -> Path:
    return Path(str(resources.files("g287").joinpath("data", "policy", "state_policies.csv")))


@lru_cache(maxsize=1)
def _default_policies() -> tuple[PolicyRecord, ...]:
    return tuple(_load(default_policy_path()))


def _load(path: Path) -> list[PolicyRecord]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return _parse(handle, str(path))
    except OSError as exc:
        raise InputError(f"cannot read policy file: {exc.strerror}", source=str(path)) from None


def load_policies(path: Path | None = None) -> list[PolicyRecord]:
    """Load and validate a policy CSV; the bundled file (cached) when ``path`` is None.

    Raises :class:`InputError` ``"row N, field X: reason"`` on the first bad cell.
    """
    return list(_default_policies()) if path is None else _load(path)


def _policies(policies: Iterable[PolicyRecord] | None) -> Iterable[PolicyRecord]:
    return _default_policies() if policies is None else policies


def _check_state(state: str) -> str:
    code = state.strip().upper()
    if code not in STATES:
        raise InvalidQuery(f"unknown state {state!r}: use a USPS code such as TX")
    return code


def policies_in_force(
    state: str, day: date, policies: Iterable[PolicyRecord] | None = None
) -> list[PolicyRecord]:
    """The records of ``state`` in force on ``day`` (effective <= day < ends), oldest first."""
    code = _check_state(state)
    found = [p for p in _policies(policies) if p.state == code and p.in_force(day)]
    return sorted(found, key=lambda p: (p.starts, p.id))


def _levels(record: PolicyRecord) -> frozenset[str]:
    return frozenset().union(
        *(APPLIES_TO[s] for s in record.applies_to if s != "state_corrections")
    )


def stance_as_of(
    state: str, day: date, policies: Iterable[PolicyRecord] | None = None
) -> StateStance:
    """Combine the records in force into one stance.

    ``prohibits`` when bans in force cover every level of agency; ``partial`` when bans cover
    only some (e.g. state agencies only) or when restrictions and mandates coexist; otherwise
    ``limits``, ``mandates`` or ``encourages`` (strongest first); ``none`` without records.
    """
    records = tuple(policies_in_force(state, day, policies))
    by = {s: [r for r in records if r.stance == s] for s in STANCES}
    if not records:
        stance, why = "none", "no recorded state instrument in force"
    elif (by["prohibits"] or by["limits"]) and by["mandates"]:
        stance, why = "partial", "restrictions and mandates are both in force"
    elif by["prohibits"]:
        covered = frozenset().union(*(_levels(r) for r in by["prohibits"]))
        stance = "prohibits" if covered == LEVELS else "partial"
        scopes = sorted({s for r in by["prohibits"] for s in r.applies_to})
        why = f"287(g) agreements banned for {', '.join(scopes)}"
    else:
        stance = next(s for s in ("limits", "mandates", "encourages") if by[s])
        why = f"strongest instrument in force {stance} 287(g)"
    named = "; ".join(f"{r.instrument} (from {r.starts})" for r in records)
    explanation = f"{why}: {named}" if records else why
    return StateStance(state.strip().upper(), day, stance, records, explanation)
