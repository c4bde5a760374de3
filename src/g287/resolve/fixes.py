"""Curated corrections that rules cannot decide, loaded from committed CSV files.

Both files live in ``g287/data/resolve/``; every row carries a reason and evidence.

``fixes.csv`` — errors ICE printed, keyed on ICE's *wrong* printed values, so a fix
does nothing once ICE corrects the row:

    state, agency, model, signed, field, fixed, reason, evidence

``state`` is a USPS code, ``agency`` the name as printed (whitespace-squished),
``model`` a code (TFM, WSO, JEM, ...) and ``signed`` an ISO date; an empty
``model`` or ``signed`` matches any. ``field`` is one of ``state``, ``model``,
``signed``, ``agency``; ``fixed`` is the corrected value.

``aliases.csv`` — agency names that are, or are not, the same body:

    state, alias_agency, canonical_agency, relation, scope, reason, evidence

``relation`` is ``same`` or ``distinct``; ``scope`` is ``identity`` (the names are
one agreement-level name: rewrite the alias to the canonical name) or
``agency`` (one agency, but never merge their agreements by name).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from g287.errors import InputError
from g287.model.models import MODEL_NAMES
from g287.model.states import STATES
from g287.resolve.names import canonical

DATA = Path(__file__).resolve().parent.parent / "data" / "resolve"
FIX_FIELDS = ("state", "model", "signed", "agency")


@dataclass(frozen=True)
class Fix:
    line: int
    state: str
    agency: str
    model: str | None
    signed: date | None
    field: str
    fixed: str
    reason: str
    evidence: str

    def matches(
        self, state: str | None, agency: str | None, model: str | None, signed: date | None
    ) -> bool:
        return (
            state == self.state
            and agency is not None
            and " ".join(agency.split()).lower() == self.agency.lower()
            and (self.model is None or model == self.model)
            and (self.signed is None or signed == self.signed)
        )


@dataclass(frozen=True)
class Alias:
    line: int
    state: str
    alias: str
    canonical_name: str
    relation: str
    scope: str
    reason: str
    evidence: str

    @property
    def alias_key(self) -> str:
        return canonical(self.alias, self.state)

    @property
    def canonical_key(self) -> str:
        return canonical(self.canonical_name, self.state)


@dataclass
class Curated:
    fixes: list[Fix] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)

    def fixes_for(self, fld: str) -> list[Fix]:
        return [f for f in self.fixes if f.field == fld]


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"missing column(s) {', '.join(missing)}", source=str(path))
            return [
                (n, {k: (v or "").strip() for k, v in rec.items() if k})
                for n, rec in enumerate(reader, start=2)
                if any((v or "").strip() for v in rec.values())
            ]
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None


def _bad(path: Path, line: int, column: str, reason: str) -> InputError:
    return InputError(f"line {line}, {column}: {reason}", source=str(path))


def _date(path: Path, line: int, column: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _bad(path, line, column, f"{text!r} is not an ISO date") from None


def load_fixes(path: Path) -> list[Fix]:
    out = []
    cols = ("state", "agency", "model", "signed", "field", "fixed", "reason", "evidence")
    for line, rec in _rows(path, cols):
        if rec["state"] not in STATES:
            raise _bad(path, line, "state", f"{rec['state']!r} is not a USPS code")
        if not rec["agency"]:
            raise _bad(path, line, "agency", "is empty")
        if rec["model"] and rec["model"] not in MODEL_NAMES:
            raise _bad(path, line, "model", f"{rec['model']!r} is not a model code")
        if rec["field"] not in FIX_FIELDS:
            raise _bad(path, line, "field", f"must be one of {', '.join(FIX_FIELDS)}")
        fixed = rec["fixed"]
        if rec["field"] == "state" and fixed not in STATES:
            raise _bad(path, line, "fixed", f"{fixed!r} is not a USPS code")
        if rec["field"] == "model" and fixed not in MODEL_NAMES:
            raise _bad(path, line, "fixed", f"{fixed!r} is not a model code")
        if rec["field"] == "signed":
            _date(path, line, "fixed", fixed)
        for column in ("fixed", "reason", "evidence"):
            if not rec[column]:
                raise _bad(
                    path, line, column, "is empty: every fix needs a value, reason and evidence"
                )
        out.append(
            Fix(
                line,
                rec["state"],
                " ".join(rec["agency"].split()),
                rec["model"] or None,
                _date(path, line, "signed", rec["signed"]),
                rec["field"],
                fixed,
                rec["reason"],
                rec["evidence"],
            )
        )
    return out


def load_aliases(path: Path) -> list[Alias]:
    out = []
    cols = ("state", "alias_agency", "canonical_agency", "relation", "scope", "reason", "evidence")
    for line, rec in _rows(path, cols):
        if rec["state"] not in STATES:
            raise _bad(path, line, "state", f"{rec['state']!r} is not a USPS code")
        if rec["relation"] not in ("same", "distinct"):
            raise _bad(path, line, "relation", "must be 'same' or 'distinct'")
        if rec["scope"] not in ("identity", "agency"):
            raise _bad(path, line, "scope", "must be 'identity' or 'agency'")
        for column in ("alias_agency", "canonical_agency", "reason", "evidence"):
            if not rec[column]:
                raise _bad(path, line, column, "is empty")
        out.append(
            Alias(
                line,
                rec["state"],
                rec["alias_agency"],
                rec["canonical_agency"],
                rec["relation"],
                rec["scope"],
                rec["reason"],
                rec["evidence"],
            )
        )
    return out


def load_curated(folder: Path | None = None) -> Curated:
    folder = folder or DATA
    return Curated(load_fixes(folder / "fixes.csv"), load_aliases(folder / "aliases.csv"))


@lru_cache(maxsize=1)
def default_curated() -> Curated:
    return load_curated()
