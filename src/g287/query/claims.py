"""Check the kinds of statements reporters publish against the stored history.

A claim names a query, its parameters, the figure someone published and where.
Each check answers ``agree``, ``disagree`` or ``cannot_tell`` (no list was
published near the date), with the figure g287 computes and the ICE lists used as
evidence (label, date, file name, sha256), so the answer can be cited.

Queries:

``active_agreements``  agreements on the newest list by ``as_of`` (optional ``model``, ``state``)
``states``             states and territories with at least one such agreement
``signed_in_year``     agreements signed in ``year``: still listed on ``as_of``, or with
                       ``ever: true`` ever listed up to ``as_of``
``model_share``        percentage of ``as_of``'s agreements of ``model``
``growth``             agreements on the list by ``to`` minus those by ``from``
``pending``            pending requests on the newest pending list by ``as_of``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, and_, func, select

from g287.errors import InputError, InvalidQuery
from g287.query.history import on_list
from g287.store.schema import (
    agreements,
    publication_rows,
    publications,
)

NEAR_DAYS = 7
QUERIES = ("active_agreements", "states", "signed_in_year", "model_share", "growth", "pending")
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "claims" / "domain.yaml"


@dataclass
class Claim:
    statement: str
    query: str
    params: dict[str, Any]
    expected: float | None
    tolerance: float = 0.0
    tolerance_pct: float = 0.0
    source: str = ""


@dataclass
class ClaimResult:
    claim: Claim
    verdict: str  # agree | disagree | cannot_tell
    value: float | None
    explanation: str
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "statement": self.claim.statement,
            "query": self.claim.query,
            "params": {k: str(v) for k, v in self.claim.params.items()},
            "expected": self.claim.expected,
            "source": self.claim.source,
            "verdict": self.verdict,
            "value": self.value,
            "explanation": self.explanation,
            "evidence": self.evidence,
        }


class CannotTell(Exception):
    pass


def _day(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    if value is None or value == "":
        raise InvalidQuery(f"this claim needs {name} (a date, YYYY-MM-DD)")
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidQuery(f"{name} must be a date (YYYY-MM-DD), not {value!r}") from None


def _publication_near(conn: Connection, day: date, kind: str = "participating") -> dict[str, Any]:
    pubs = (
        conn.execute(
            select(
                publications.c.id,
                publications.c.label,
                publications.c.published_date,
                publications.c.file_name,
                publications.c.sha256,
            )
            .where(publications.c.kind == kind)
            .order_by(publications.c.seq)
        )
        .mappings()
        .all()
    )
    before = [p for p in pubs if p["published_date"] <= day]
    if not pubs:
        raise CannotTell(f"no {kind} list has been imported")
    if not before:
        raise CannotTell(
            f"no {kind} list was published by {day} (the first is {pubs[0]['published_date']})"
        )
    chosen = before[-1]
    after = [p for p in pubs if p["published_date"] > day]
    if day - chosen["published_date"] > timedelta(days=NEAR_DAYS) and not (
        after and after[0]["published_date"] - day <= timedelta(days=NEAR_DAYS)
    ):
        raise CannotTell(
            f"the newest {kind} list by {day} is from {chosen['published_date']}, "
            f"more than {NEAR_DAYS} days earlier"
        )
    return dict(chosen)


def _evidence(pub: dict[str, Any]) -> dict[str, Any]:
    return {
        "publication": pub["label"],
        "id": pub["id"],
        "published_date": pub["published_date"].isoformat(),
        "file_name": pub["file_name"],
        "sha256": pub["sha256"],
    }


def _count(conn: Connection, pub: dict[str, Any], **filters: Any) -> int:
    q = select(func.count()).select_from(agreements).where(agreements.c.id.in_(on_list(pub["id"])))
    if filters.get("model"):
        q = q.where(agreements.c.model == str(filters["model"]).upper())
    if filters.get("state"):
        q = q.where(agreements.c.state == str(filters["state"]).upper())
    if filters.get("year"):
        y = int(filters["year"])
        q = q.where(
            and_(agreements.c.signed >= date(y, 1, 1), agreements.c.signed <= date(y, 12, 31))
        )
    return int(conn.execute(q).scalar_one())


def compute(
    conn: Connection, query: str, params: dict[str, Any]
) -> tuple[float, str, list[dict[str, Any]]]:
    """The figure for one query: (value, explanation, evidence)."""
    if query not in QUERIES:
        raise InvalidQuery(f"unknown query {query!r}; known: {', '.join(QUERIES)}")
    if query == "growth":
        start = _publication_near(conn, _day(params.get("from"), "from"))
        end = _publication_near(conn, _day(params.get("to"), "to"))
        a, b = _count(conn, start), _count(conn, end)
        return (
            float(b - a),
            f"{b} agreements on {end['label']} minus {a} on {start['label']}",
            [_evidence(start), _evidence(end)],
        )
    day = _day(params.get("as_of"), "as_of")
    if query == "pending":
        pub = _publication_near(conn, day, "pending")
        return float(pub_rows(conn, pub["id"])), f"rows of {pub['label']}", [_evidence(pub)]
    pub = _publication_near(conn, day)
    if query == "active_agreements":
        n = _count(conn, pub, model=params.get("model"), state=params.get("state"))
        return float(n), f"agreements on {pub['label']}", [_evidence(pub)]
    if query == "states":
        q = select(func.count(func.distinct(agreements.c.state))).where(
            agreements.c.id.in_(on_list(pub["id"]))
        )
        return float(conn.execute(q).scalar_one()), f"states on {pub['label']}", [_evidence(pub)]
    if query == "model_share":
        model = str(params.get("model", "")).upper()
        total = _count(conn, pub)
        n = _count(conn, pub, model=model)
        share = round(100.0 * n / total, 1) if total else 0.0
        return share, f"{n} of {total} agreements on {pub['label']} are {model}", [_evidence(pub)]
    year = params.get("year")
    if year is None:
        raise InvalidQuery("signed_in_year needs year")
    if params.get("ever"):
        q = (
            select(func.count())
            .select_from(agreements)
            .where(
                and_(
                    agreements.c.signed >= date(int(year), 1, 1),
                    agreements.c.signed <= date(int(year), 12, 31),
                    agreements.c.first_listed <= pub["published_date"],
                )
            )
        )
        n = int(conn.execute(q).scalar_one())
        return float(n), f"agreements signed in {year} listed by {pub['label']}", [_evidence(pub)]
    n = _count(conn, pub, year=year)
    return float(n), f"agreements signed in {year} still on {pub['label']}", [_evidence(pub)]


def pub_rows(conn: Connection, pub_id: str) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(publication_rows)
            .where(publication_rows.c.publication_id == pub_id)
        ).scalar_one()
    )


def check(conn: Connection, claim: Claim) -> ClaimResult:
    try:
        value, explanation, evidence = compute(conn, claim.query, claim.params)
    except CannotTell as exc:
        return ClaimResult(claim, "cannot_tell", None, str(exc))
    if claim.expected is None:
        return ClaimResult(
            claim, "cannot_tell", value, f"no figure to compare; {explanation}", evidence
        )
    allowed = max(claim.tolerance, abs(claim.expected) * claim.tolerance_pct / 100)
    verdict = "agree" if abs(value - claim.expected) <= allowed else "disagree"
    return ClaimResult(claim, verdict, value, explanation, evidence)


def load_claims(path: Path) -> list[Claim]:
    """Read a claims YAML file: a list of {statement, query, params, expected, source, ...}."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read claims: {exc}", source=str(path)) from None
    items = raw.get("claims") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise InputError("expected a list of claims (or a 'claims:' key)", source=str(path))
    claims = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "statement" not in item or "query" not in item:
            raise InputError(f"claim {i}: needs 'statement' and 'query'", source=str(path))
        if item["query"] not in QUERIES:
            raise InputError(f"claim {i}: unknown query {item['query']!r}", source=str(path))
        claims.append(
            Claim(
                statement=str(item["statement"]),
                query=str(item["query"]),
                params=dict(item.get("params") or {}),
                expected=float(item["expected"]) if item.get("expected") is not None else None,
                tolerance=float(item.get("tolerance", 0)),
                tolerance_pct=float(item.get("tolerance_pct", 0)),
                source=str(item.get("source", "")),
            )
        )
    return claims
