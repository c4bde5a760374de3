"""State policy on 287(g), as of any date, and where agreements conflict with it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from g287.enrich.conflicts import missing_mandated, prohibited_agreements
from g287.enrich.geo import counties as all_counties
from g287.enrich.policy import (
    AgreementFact,
    Jurisdiction,
    PolicyRecord,
    load_policies,
    stance_as_of,
)
from g287.model.states import STATES, state_code
from g287.query.history import on_list, publication_as_of
from g287.store.schema import (
    agency_counties,
    agency_places,
    agreements,
)


def record_dict(r: PolicyRecord) -> dict[str, Any]:
    def d(x: Any) -> str | None:
        return (
            x.text
            if x is not None and hasattr(x, "text")
            else (x.first.isoformat() if x is not None else None)
        )

    return {
        "id": r.id,
        "state": r.state,
        "instrument": r.instrument,
        "kind": r.kind,
        "stance": r.stance,
        "applies_to": list(r.applies_to),
        "obligation": r.obligation,
        "signed": d(r.signed),
        "effective": d(r.effective),
        "deadline": d(r.deadline),
        "ends": d(r.ends),
        "summary": r.summary,
        "sources": list(r.sources),
        "last_checked": r.last_checked.isoformat(),
        "confidence": r.confidence,
        "notes": r.notes,
    }


def state_policies(state: str | None = None, day: date | None = None) -> list[dict[str, Any]]:
    """Each state's combined stance on ``day`` (default today) with the records behind it."""
    day = day or date.today()
    states = [state_code(state)] if state else sorted(STATES)
    out = []
    for st in states:
        stance = stance_as_of(st, day)
        out.append(
            {
                "state": st,
                "as_of": day.isoformat(),
                "stance": stance.stance,
                "explanation": stance.explanation,
                "records": [record_dict(r) for r in stance.records],
                "all_records": [record_dict(r) for r in load_policies() if r.state == st],
            }
        )
    return out


def _facts(conn: Connection, day: date | None) -> tuple[list[AgreementFact], date]:
    q = select(
        agreements.c.id,
        agreements.c.name,
        agreements.c.state,
        agreements.c.model,
        agency_places.c.level,
        agreements.c.agency_id,
    ).join(agency_places, agency_places.c.agency_id == agreements.c.agency_id)
    if day is None:
        q = q.where(agreements.c.status == "active")
        on = date.today()
    else:
        pub = publication_as_of(conn, day)
        q = q.where(agreements.c.id.in_(on_list(pub["id"])))
        on = day
    fips: dict[str, list[str]] = {}
    for agency_id, code in conn.execute(
        select(agency_counties.c.agency_id, agency_counties.c.county_fips)
    ):
        fips.setdefault(agency_id, []).append(code)
    facts = [
        AgreementFact(
            agreement_id=r.id,
            agency=r.name,
            state=r.state,
            level=r.level,
            model=r.model,
            county_fips=tuple(fips.get(r.agency_id, ())),
        )
        for r in conn.execute(q)
    ]
    return facts, on


def conflicts(
    conn: Connection, *, as_of: date | None = None, state: str | None = None
) -> dict[str, Any]:
    """Agreements a state's policy prohibits or limits, and mandated jurisdictions without one."""
    facts, day = _facts(conn, as_of)
    jurisdictions = [Jurisdiction(c.fips, c.state, c.name) for c in all_counties()]
    found = prohibited_agreements(facts, day) + missing_mandated(jurisdictions, facts, day)
    if state:
        found = [c for c in found if c.state == state_code(state)]
    rows = [
        {
            "rule": c.rule,
            "status": c.status,
            "policy_id": c.policy_id,
            "state": c.state,
            "agreement_id": c.agreement_id,
            "county_fips": c.county_fips,
            "jurisdiction": c.jurisdiction,
            "explanation": c.explanation,
        }
        for c in found
    ]
    counts: dict[str, int] = {}
    for r in rows:
        key = f"{r['rule']}:{r['status']}"
        counts[key] = counts.get(key, 0) + 1
    return {"as_of": day.isoformat(), "counts": dict(sorted(counts.items())), "conflicts": rows}
