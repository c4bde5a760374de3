"""Population and counties covered by 287(g) agreements, by state and model, as of any day
and over time (the read model behind `g287 coverage`, `/api/coverage` and the coverage pages)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    select,
)

from g287.enrich.geo import counties as all_counties
from g287.model.states import state_code
from g287.query.places import WHOLE_COUNTY_LEVELS, _active_on
from g287.store.schema import (
    agency_counties,
    agency_places,
    agreements,
)


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
