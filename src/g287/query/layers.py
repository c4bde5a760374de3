"""The map's layers on a date, and the rows of ICE's lists behind one agreement.

``county_layers`` gives each county its strongest *county-wide* model (a sheriff's or a
state agency's agreement), which part-county bodies cover it, and the state-agency models,
with figures equal to ``search_agreements`` on the same date; ``agreement_sources`` gives
the placed rows (list, date, file, sha256, Excel row, raw cells) behind an agreement.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from g287.query.catalog import search_agreements
from g287.query.places import MODEL_STRENGTH, WHOLE_COUNTY_LEVELS
from g287.query.publications import resolve_publication
from g287.query.records import _jsonable
from g287.store.schema import (
    agency_counties,
    content_agreements,
    publication_rows,
    publications,
    row_contents,
)


def _stronger(a: str | None, b: str) -> str:
    return b if a is None or MODEL_STRENGTH.get(b, 0) > MODEL_STRENGTH.get(a, 0) else a


def county_layers(conn: Connection, as_of: date | None = None) -> dict[str, Any]:
    """The map on a date: for each county its strongest model held by an agency whose
    jurisdiction is the whole county (``whole``) and by agencies covering part of it
    (``part``: a city, campus, port, district); for each state its state agencies'
    strongest model; and the figures of that list (equal to :func:`search_agreements`)."""
    listed = search_agreements(conn, as_of=as_of, status=None if as_of else "active")
    rows = listed["data"]
    if as_of is None:
        newest = resolve_publication(conn, "latest")
        listed["publication"] = {k: newest[k] for k in ("id", "label", "published_date")}
    ids = {r["agency_id"] for r in rows}
    fips_of: dict[str, list[str]] = defaultdict(list)
    if ids:
        for agency_id, code in conn.execute(
            select(agency_counties.c.agency_id, agency_counties.c.county_fips).where(
                agency_counties.c.agency_id.in_(ids)
            )
        ):
            fips_of[agency_id].append(code)
    whole: dict[str, str] = {}
    part: dict[str, str] = {}
    agreements_in: dict[str, int] = defaultdict(int)
    state_agencies: dict[str, str] = {}
    by_model: dict[str, int] = defaultdict(int)
    for r in rows:
        model, level = r["model"], r["level"] or "other"
        by_model[model] += 1
        if level == "state":
            state_agencies[r["state"]] = _stronger(state_agencies.get(r["state"]), model)
            continue
        target = whole if level in WHOLE_COUNTY_LEVELS else part
        for code in fips_of.get(r["agency_id"], []):
            target[code] = _stronger(target.get(code), model)
            agreements_in[code] += 1
    return {
        "as_of": listed["as_of"],
        "publication": listed["publication"],
        "figures": {
            "agreements": listed["count"],
            "by_model": dict(sorted(by_model.items())),
            "states": len({r["state"] for r in rows}),
            "agencies": len(ids),
            "counties_whole": len(whole),
        },
        "whole": whole,
        "part": {k: v for k, v in part.items() if k not in whole},
        "part_under_whole": {k: v for k, v in part.items() if k in whole},
        "agreements_in": dict(agreements_in),
        "state_agencies": state_agencies,
    }


def agreement_sources(conn: Connection, agreement_id: str) -> list[dict[str, Any]]:
    """Every row of ICE's lists resolved to this agreement, in list order: the list (id,
    label, date), the Excel row number and the row's cells as ICE printed them."""
    q = (
        select(
            publications.c.id.label("publication_id"),
            publications.c.label.label("publication"),
            publications.c.published_date,
            publications.c.seq,
            publication_rows.c.row_number,
            publication_rows.c.hidden,
            publication_rows.c.content_id,
            row_contents.c.state_raw,
            row_contents.c.agency_raw,
            row_contents.c.type_raw,
            row_contents.c.county_raw,
            row_contents.c.support_raw,
            row_contents.c.signed_raw,
            row_contents.c.signed,
            row_contents.c.moa_raw,
            row_contents.c.moa_url,
            row_contents.c.addendum_url,
        )
        .select_from(
            content_agreements.join(
                publication_rows, publication_rows.c.content_id == content_agreements.c.content_id
            )
            .join(publications, publications.c.id == publication_rows.c.publication_id)
            .join(row_contents, row_contents.c.id == content_agreements.c.content_id)
        )
        .where(content_agreements.c.agreement_id == agreement_id)
        .order_by(publications.c.seq, publication_rows.c.row_number)
    )
    return [_jsonable(r) for r in conn.execute(q).mappings()]


def source_runs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows grouped into runs of consecutive lists printing the same cells."""
    runs: list[dict[str, Any]] = []
    for r in rows:
        last = runs[-1] if runs else None
        if last is not None and last["content_id"] == r["content_id"]:
            last["lists"].append(r)
            continue
        runs.append({**r, "lists": [r]})
    for run in runs:
        run["first"], run["last"] = run["lists"][0], run["lists"][-1]
    return runs
