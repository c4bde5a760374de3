"""Who covers a place (county, city or point), with which powers, on any date; coverage figures.

An agreement *covers* a county when its agency's jurisdiction includes the county:
a state agency covers every county of its state; a sheriff or county agency, a
regional, judicial or constable district, a campus or port covers the counties in
its jurisdiction (a part of them, for the last five); a municipal police department
covers its city (reported for a city lookup, and listed separately for a county).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    and_,
    bindparam,
    select,
    union,
)

from g287.enrich.geo import counties as all_counties
from g287.enrich.geo import county as county_info
from g287.enrich.geo import county_at, match_city, match_county
from g287.enrich.powers import summary as powers_summary
from g287.errors import InvalidQuery, NotFound
from g287.model.states import state_code
from g287.query.history import on_list, publication_as_of
from g287.query.publications import records, resolve_publication
from g287.store.schema import (
    agencies,
    agency_counties,
    agency_places,
    agreements,
    content_pending,
    pending_requests,
    publication_rows,
)

MODEL_STRENGTH = {"TFM": 3, "TTF": 3, "JTF": 3, "JEM": 2, "WSO": 1}
WHOLE_COUNTY_LEVELS = ("county",)
PENDING_GROUP_ORDER = ("city", "county", "state", "part_of_county", "other_cities_in_county")
PART_COUNTY_LEVELS = (
    "regional",
    "judicial_district",
    "constable_district",
    "campus",
    "port",
    "corrections_facility",
    "tribal",
    "other",
)


def _target(
    *,
    county: str | None,
    state: str | None,
    fips: str | None,
    city: str | None,
    lat: float | None,
    lon: float | None,
) -> dict[str, Any]:
    """Resolve what the user asked for to a county FIPS (and a city, if any)."""
    if state:
        state = state_code(state)
    if fips:
        found = county_info(fips)
        if found is None:
            raise NotFound(f"no county has FIPS code {fips!r}")
        return {
            "county_fips": found.fips,
            "county": found.name,
            "state": found.state,
            "city": None,
            "how": "fips",
        }
    if lat is not None and lon is not None:
        code = county_at(lat, lon)
        if code is None:
            raise NotFound(f"the point {lat}, {lon} is in no U.S. county")
        found = county_info(code)
        return {
            "county_fips": code,
            "county": found.name if found else code,
            "state": found.state if found else None,
            "city": None,
            "how": "point",
            "point": [lat, lon],
        }
    if city:
        if not state:
            raise InvalidQuery("a city lookup needs a state")
        place = match_city(state, city)
        if place is None:
            raise NotFound(f"no city {city!r} in {state}")
        found = county_info(place.county_fips)
        return {
            "county_fips": place.county_fips,
            "county": found.name if found else None,
            "state": state,
            "how": "city",
            "city": {"id": place.id, "name": place.name, "lat": place.lat, "lng": place.lng},
        }
    if county:
        if not state:
            raise InvalidQuery("a county lookup needs a state")
        match = match_county(state, county)
        if match is None or match.single is None:
            raise NotFound(f"no county {county!r} in {state}")
        found = county_info(match.single)
        return {
            "county_fips": match.single,
            "county": found.name if found else county,
            "state": state,
            "city": None,
            "how": f"county:{match.how}",
        }
    raise InvalidQuery("give county and state, fips, city and state, or lat and lon")


def _active_on(conn: Connection, as_of: date | None) -> tuple[Any, dict[str, Any] | None]:
    """A subquery of the agreement ids active now, or on the newest list by ``as_of``."""
    if as_of is None:
        return select(agreements.c.id).where(agreements.c.status == "active"), None
    pub = publication_as_of(conn, as_of)
    return on_list(pub["id"]), pub


def _covering_agencies(name: str) -> Subquery:
    """The ids of the agencies that may cover one county (``county_fips`` bound at
    execution): its own agencies and every state-level agency."""
    return union(
        select(agency_counties.c.agency_id).where(
            agency_counties.c.county_fips == bindparam("county_fips")
        ),
        select(agency_places.c.agency_id).where(agency_places.c.level == "state"),
    ).subquery(name)


@functools.cache
def _lookup_query(as_of: bool) -> Select[Any]:
    """The agreements of one state that cover one county (values bound at execution):
    those active now, or (``as_of``) those printed on one list; built once."""
    current: ColumnElement[bool]
    if as_of:
        current = agreements.c.id.in_(on_list(bindparam("publication_id")))
    else:
        current = agreements.c.status == "active"
    # the agencies that may cover the county (its own, and every state-level agency),
    # then their agreements: read through the agency index, not every agreement of a state
    ids = _covering_agencies("ids")
    return (
        select(
            agreements, agency_places.c.level, agency_places.c.place_id, agency_places.c.place_name
        )
        .select_from(
            ids.join(agreements, agreements.c.agency_id == ids.c.agency_id).join(
                agency_places, agency_places.c.agency_id == agreements.c.agency_id
            )
        )
        .where(current)
        .where(agreements.c.state == bindparam("state"))
        .order_by(agreements.c.agency_id, agreements.c.model, agreements.c.signed)
    )


@functools.cache
def _pending_query(as_of: bool) -> Select[Any]:
    """The pending requests of one state whose agency covers one county (values bound at
    execution): those still waiting on ICE's newest pending list, or (``as_of``) those
    printed on one pending list; built once."""
    current: ColumnElement[bool]
    if as_of:
        printed = (
            select(content_pending.c.pending_id)
            .join(publication_rows, publication_rows.c.content_id == content_pending.c.content_id)
            .where(publication_rows.c.publication_id == bindparam("pending_publication_id"))
        )
        current = pending_requests.c.id.in_(printed)
    else:
        current = pending_requests.c.status == "waiting"
    ids = _covering_agencies("pending_ids")
    return (
        select(
            pending_requests,
            agency_places.c.level,
            agency_places.c.place_id,
            agency_places.c.place_name,
        )
        .select_from(
            ids.join(pending_requests, pending_requests.c.agency_id == ids.c.agency_id).join(
                agency_places, agency_places.c.agency_id == pending_requests.c.agency_id
            )
        )
        .where(current)
        .where(pending_requests.c.state == bindparam("state"))
        .order_by(pending_requests.c.agency_id, pending_requests.c.model, pending_requests.c.id)
    )


def _group(level: str | None, place_id: str | None, city_id: str | None, city_county: bool) -> str:
    """How an agency at ``level`` covers the place looked up (a key of ``covering``)."""
    if level == "state":
        return "state"
    if level in WHOLE_COUNTY_LEVELS:
        return "county"
    if level == "municipal":
        own = (city_id and place_id == city_id) or city_county
        return "city" if own else "other_cities_in_county"
    return "part_of_county"


def lookup(
    conn: Connection,
    *,
    county: str | None = None,
    state: str | None = None,
    fips: str | None = None,
    city: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """Every agreement covering a place, grouped by how it covers it, with powers and links;
    and the requests on ICE's pending list from agencies that would cover it (``pending``,
    each with its ``group``: still waiting now, or printed on the newest pending list by
    ``as_of``)."""
    target = _target(county=county, state=state, fips=fips, city=city, lat=lat, lon=lon)
    st, code = target["state"], target["county_fips"]
    pub = publication_as_of(conn, as_of) if as_of is not None else None
    params = {"state": st, "county_fips": code}
    if pub is not None:
        params["publication_id"] = pub["id"]
    q = _lookup_query(pub is not None)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    city_id = target["city"]["id"] if target["city"] else None
    info = county_info(code)
    city_county = bool(info and info.is_independent_city)  # the county is itself a city
    for item in records(conn.execute(q, params)):
        item["powers"] = powers_summary(item["model"])
        groups[_group(item["level"], item["place_id"], city_id, city_county)].append(item)
    try:  # no pending list (yet, or by that date): nothing was pending
        pending_pub = (
            publication_as_of(conn, as_of, kind="pending")
            if as_of is not None
            else resolve_publication(conn, "latest-pending")
        )
    except NotFound:
        pending_pub = None
    pending = []
    if pending_pub is not None:
        pq = _pending_query(as_of is not None)
        pparams = dict(params)
        if as_of is not None:
            pparams["pending_publication_id"] = pending_pub["id"]
        for item in records(conn.execute(pq, pparams)):
            item["group"] = _group(item["level"], item["place_id"], city_id, city_county)
            pending.append(item)
    pending.sort(key=lambda r: (PENDING_GROUP_ORDER.index(r["group"]), r["name"], r["model"]))
    return {
        "place": target,
        "as_of": as_of.isoformat() if as_of else None,
        "publication": {k: pub[k] for k in ("id", "label", "published_date")} if pub else None,
        "covering": {
            g: groups.get(g, [])
            for g in ("state", "county", "city", "part_of_county", "other_cities_in_county")
        },
        "count": sum(len(v) for g, v in groups.items() if g != "other_cities_in_county"),
        "pending_publication": (
            {k: pending_pub[k] for k in ("id", "label", "published_date")} if pending_pub else None
        ),
        "pending": pending,
    }


def coverage(conn: Connection, *, as_of: date | None = None) -> dict[str, Any]:
    """Counties with an active agreement by model; people living under Task Force coverage.

    A county counts as covered by a model when an agency whose jurisdiction is the whole
    county (a sheriff or county agency) or the whole state (a state agency) holds an
    active agreement of that model. Municipal, regional, district, campus and port
    agreements cover part of a county: they are counted separately, never as the county.
    """
    active, pub = _active_on(conn, as_of)
    rows = conn.execute(
        select(
            agreements.c.agency_id, agreements.c.model, agreements.c.state, agency_places.c.level
        )
        .join(agency_places, agency_places.c.agency_id == agreements.c.agency_id)
        .where(agreements.c.id.in_(active))
    ).all()
    agency_fips: dict[str, list[str]] = defaultdict(list)
    for agency_id, code in conn.execute(
        select(agency_counties.c.agency_id, agency_counties.c.county_fips)
    ):
        agency_fips[agency_id].append(code)
    counties_by_state: dict[str, list[str]] = defaultdict(list)
    for c in all_counties():
        counties_by_state[c.state].append(c.fips)
    whole: dict[str, set[str]] = defaultdict(set)  # model -> county fips
    partial: dict[str, set[str]] = defaultdict(set)
    state_wide: dict[str, set[str]] = defaultdict(set)  # model -> states
    municipal: dict[str, int] = defaultdict(int)
    own_agency: set[str] = set()  # counties whose own sheriff or county agency takes part
    agencies_by_level: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for agency_id, model, state, level in rows:
        agencies_by_level[state][level or "other"].add(agency_id)
        if level == "state":
            state_wide[model].add(state)
            whole[model].update(counties_by_state.get(state, []))
        elif level in WHOLE_COUNTY_LEVELS:
            whole[model].update(agency_fips.get(agency_id, []))
            own_agency.update(agency_fips.get(agency_id, []))
        else:
            partial[model].update(agency_fips.get(agency_id, []))
            if level == "municipal":
                municipal[model] += 1
    population = {c.fips: c.population_2025 or 0 for c in all_counties()}
    total_pop = sum(population.values())
    any_model = set().union(*whole.values()) if whole else set()
    models = sorted(whole)
    tfm_set = whole.get("TFM", set())
    by_state: dict[str, dict[str, Any]] = {}
    for state, fips_list in sorted(counties_by_state.items()):
        row: dict[str, Any] = {
            "counties": len(fips_list),
            "counties_any_model": 0,
            "counties_tfm": 0,
            "population": 0,
            "population_tfm": 0,
            "state_agency_tfm": state in state_wide.get("TFM", set()),
            "counties_by_model": dict.fromkeys(models, 0),
            "counties_own_agency": 0,
            "population_own_agency": 0,
            "population_own_agency_share": 0.0,
            "population_any_model": 0,
            "population_any_model_share": 0.0,
            "population_by_model": dict.fromkeys(models, 0),
            "state_agency_models": sorted(m for m, v in state_wide.items() if state in v),
            "agencies_by_level": {
                level: len(ids) for level, ids in sorted(agencies_by_level[state].items())
            },
        }
        for f in fips_list:  # one pass over the state's counties
            pop = population.get(f, 0)
            row["population"] += pop
            if f in own_agency:
                row["counties_own_agency"] += 1
                row["population_own_agency"] += pop
            if f not in any_model:
                continue
            row["counties_any_model"] += 1
            row["population_any_model"] += pop
            if f in tfm_set:
                row["counties_tfm"] += 1
                row["population_tfm"] += pop
            for m in models:
                if f in whole[m]:
                    row["counties_by_model"][m] += 1
                    row["population_by_model"][m] += pop
        if row["population"]:
            row["population_any_model_share"] = round(
                row["population_any_model"] / row["population"], 4
            )
            row["population_own_agency_share"] = round(
                row["population_own_agency"] / row["population"], 4
            )
        by_state[state] = row
    tfm_pop = sum(population.get(f, 0) for f in whole.get("TFM", set()))
    any_pop = sum(population.get(f, 0) for f in any_model)
    own_pop = sum(population.get(f, 0) for f in own_agency)
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "publication": {k: pub[k] for k in ("id", "label", "published_date")} if pub else None,
        "counties_any_model": len(any_model),
        "counties_by_model": {m: len(v) for m, v in sorted(whole.items())},
        "counties_part_covered_by_model": {
            m: len(v - whole.get(m, set())) for m, v in sorted(partial.items())
        },
        "municipal_agreements_by_model": dict(sorted(municipal.items())),
        "states_with_state_agency_by_model": {m: sorted(v) for m, v in sorted(state_wide.items())},
        "population_tfm": tfm_pop,
        "population_total": total_pop,
        "population_tfm_share": round(tfm_pop / total_pop, 4) if total_pop else 0.0,
        "population_any_model": any_pop,
        "population_any_model_share": round(any_pop / total_pop, 4) if total_pop else 0.0,
        "population_by_model": {
            m: sum(population.get(f, 0) for f in v) for m, v in sorted(whole.items())
        },
        "counties_own_agency": len(own_agency),
        "population_own_agency": own_pop,
        "population_own_agency_share": round(own_pop / total_pop, 4) if total_pop else 0.0,
        "by_state": {
            s: v
            for s, v in by_state.items()
            if v["counties_any_model"] or any(s in v2 for v2 in state_wide.values())
        },
        "method": " ".join((coverage.__doc__ or "").split("\n\n")[1].split()),
        "population_source": "Census Bureau PEP vintage 2025 county estimates (2025)",
    }


def county_models(conn: Connection, *, as_of: date | None = None) -> dict[str, dict[str, Any]]:
    """For the map: each county's strongest whole-county model and its agreement ids."""
    active, _pub = _active_on(conn, as_of)
    rows = conn.execute(
        select(
            agreements.c.id,
            agreements.c.agency_id,
            agreements.c.model,
            agreements.c.state,
            agency_places.c.level,
        )
        .join(agency_places, agency_places.c.agency_id == agreements.c.agency_id)
        .where(agreements.c.id.in_(active))
    ).all()
    fips_of: dict[str, list[str]] = defaultdict(list)
    for agency_id, code in conn.execute(
        select(agency_counties.c.agency_id, agency_counties.c.county_fips)
    ):
        fips_of[agency_id].append(code)
    out: dict[str, dict[str, Any]] = {}
    for agreement_id, agency_id, model, _state, level in rows:
        if level == "state":
            continue  # shown as a state layer
        for code in fips_of.get(agency_id, []):
            entry = out.setdefault(
                code, {"model": None, "strength": 0, "agreements": [], "whole": False}
            )
            entry["agreements"].append(agreement_id)
            if level in WHOLE_COUNTY_LEVELS:
                entry["whole"] = True
            if MODEL_STRENGTH.get(model, 0) > entry["strength"]:
                entry["model"], entry["strength"] = model, MODEL_STRENGTH.get(model, 0)
    return out


def unmatched_agencies(conn: Connection) -> list[dict[str, Any]]:
    """Agencies with no county found (state agencies cover their state and are not listed)."""
    q = (
        select(
            agencies.c.id,
            agencies.c.state,
            agencies.c.name,
            agencies.c.agreements,
            agency_places.c.level,
            agency_places.c.rule,
            agency_places.c.ice_type,
            agency_places.c.ice_county,
            agency_places.c.unmatched_reason,
        )
        .join(agency_places, agency_places.c.agency_id == agencies.c.id)
        .where(and_(agency_places.c.unmatched_reason.is_not(None)))
        .order_by(agencies.c.state, agencies.c.name)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def agency_place(conn: Connection, agency_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(agency_places).where(agency_places.c.agency_id == agency_id))
        .mappings()
        .first()
    )
    if row is None:
        return None
    out = dict(row)
    out["notes"] = json.loads(out["notes"])
    out["counties"] = [
        r[0]
        for r in conn.execute(
            select(agency_counties.c.county_fips).where(agency_counties.c.agency_id == agency_id)
        )
    ]
    return out


def coverage_series(
    conn: Connection, *, state: str | None = None, monthly: bool = False
) -> list[dict[str, Any]]:
    """Coverage on each participating list's date: how it changed over time (nationally,
    or in one ``state``: its counties and people covered, whole-county or statewide).
    ``monthly``: only the last list date of each month (each date costs a coverage count)."""
    from g287.store.schema import publications

    code = state_code(state) if state else None
    rows = []
    dates = conn.execute(
        select(publications.c.published_date, publications.c.label)
        .where(publications.c.kind == "participating")
        .order_by(publications.c.seq)
    ).all()
    days = list(dict.fromkeys(day for day, _label in dates))
    if monthly:
        last_of_month = {(d.year, d.month): d for d in days}
        days = [d for d in days if last_of_month[(d.year, d.month)] == d]
    labels = dict(reversed([tuple(r) for r in dates]))  # the first label of each day
    for day in days:
        label = labels[day]
        c = coverage(conn, as_of=day)
        row: dict[str, Any] = {
            "date": day.isoformat(),
            "publication": c["publication"]["label"] if c["publication"] else label,
        }
        if code is None:
            row |= {
                "counties_any_model": c["counties_any_model"],
                "counties_by_model": c["counties_by_model"],
                "population_tfm": c["population_tfm"],
                "population_tfm_share": c["population_tfm_share"],
                "population_any_model": c["population_any_model"],
                "population_any_model_share": c["population_any_model_share"],
            }
        else:
            st = c["by_state"].get(code) or {}
            row |= {
                "counties_any_model": st.get("counties_any_model", 0),
                "counties_by_model": st.get("counties_by_model", {}),
                "population_tfm": st.get("population_tfm", 0),
                "population_tfm_share": (
                    round(st["population_tfm"] / st["population"], 4)
                    if st.get("population")
                    else 0.0
                ),
                "population_any_model": st.get("population_any_model", 0),
                "population_any_model_share": st.get("population_any_model_share", 0.0),
            }
        rows.append(row)
    return rows


def agency_jurisdictions(conn: Connection) -> list[dict[str, Any]]:
    """Every agency's jurisdiction: state, level, place point, counties (FIPS), and why
    nothing was found when nothing was (for maps and GeoJSON)."""
    counties_of: dict[str, list[str]] = defaultdict(list)
    for agency_id, code in conn.execute(
        select(agency_counties.c.agency_id, agency_counties.c.county_fips).order_by(
            agency_counties.c.agency_id, agency_counties.c.county_fips
        )
    ):
        counties_of[agency_id].append(code)
    q = (
        select(
            agencies.c.id,
            agencies.c.state,
            agency_places.c.level,
            agency_places.c.place_lat,
            agency_places.c.place_lng,
            agency_places.c.unmatched_reason,
        )
        .select_from(agencies.outerjoin(agency_places, agency_places.c.agency_id == agencies.c.id))
        .order_by(agencies.c.id)
    )
    return [
        {
            "agency_id": r.id,
            "state": r.state,
            "level": r.level,
            "place_lat": r.place_lat,
            "place_lng": r.place_lng,
            "unmatched_reason": r.unmatched_reason,
            "counties": counties_of.get(r.id, []),
        }
        for r in conn.execute(q)
    ]
