"""CLI commands for places: lookup, coverage, unmatched geography."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from g287.enrich.powers import POWERS
from g287.errors import G287Error
from g287.interfaces import output
from g287.interfaces.cli_common import (
    App,
    exit_code,
    handle_errors,
    json_option,
    parse_day,
    pass_app,
)
from g287.model.states import state_code
from g287.query import coverage as cov
from g287.query import places as p
from g287.query.claims import DEFAULT_FILE, QUERIES, Claim, load_claims
from g287.query.claims import check as check_claim

GROUP_TITLES = {
    "state": "State agencies (cover the whole state)",
    "county": "The county's sheriff and county agencies",
    "city": "The city's own police",
    "part_of_county": "Regional, district, campus and port agencies covering part of the county",
    "other_cities_in_county": "Other cities in the county with their own agreements",
}


@click.command("lookup")
@click.option("--county", help="County name (with --state).")
@click.option("--city", help="City or town name (with --state).")
@click.option("--state", help="Two-letter state code.")
@click.option("--fips", help="Five-digit county FIPS code.")
@click.option("--lat", type=float, help="Latitude (with --lon).")
@click.option("--lon", type=float, help="Longitude (with --lat).")
@click.option("--as-of", "as_of", help="As it stood on this date (YYYY-MM-DD).")
@json_option
@pass_app
@handle_errors
def lookup_cmd(
    app: App,
    county: str | None,
    city: str | None,
    state: str | None,
    fips: str | None,
    lat: float | None,
    lon: float | None,
    as_of: str | None,
    as_json: bool,
) -> None:
    """Which agreements cover a county, city or point, with their powers and MOA links."""
    with app.db.connect() as conn:
        result = p.lookup(
            conn,
            county=county,
            state=state,
            fips=fips,
            city=city,
            lat=lat,
            lon=lon,
            as_of=parse_day(as_of),
        )
    if as_json:
        output.emit_json(result)
        return
    place = result["place"]
    where = place["city"]["name"] + ", " if place["city"] else ""
    click.echo(
        f"{where}{place['county']} ({place['county_fips']}), {place['state']}"
        + (
            f" as of {result['as_of']} ({result['publication']['label']})"
            if result["as_of"]
            else ""
        )
    )
    for group, rows in result["covering"].items():
        if not rows:
            continue
        output.table(
            rows,
            [
                ("name", "agency"),
                ("model", "model"),
                ("signed", "signed"),
                ("status", "status"),
                ("moa_url", "MOA"),
            ],
            title=GROUP_TITLES[group],
        )
    if result["pending"]:
        output.table(
            result["pending"],
            [
                ("name", "agency"),
                ("model", "model"),
                ("first_listed", "pending since"),
                ("status", "status"),
                ("group", "covers"),
            ],
            title=f"Requests on ICE's pending list ({result['pending_publication']['label']})",
        )
    models = sorted({r["model"] for rows in result["covering"].values() for r in rows})
    for m in models:
        click.echo(f"{m}: {POWERS[m].summary}" if m in POWERS else m)


@click.command("coverage")
@click.option("--as-of", "as_of", help="As it stood on this date (YYYY-MM-DD).")
@click.option("--series", is_flag=True, help="Coverage on every list's date: change over time.")
@click.option("--state", help="One state (two-letter code): its figures only.")
@click.option("--monthly", is_flag=True, help="--series: the last list of each month only.")
@json_option
@pass_app
@handle_errors
def coverage_cmd(
    app: App, as_of: str | None, series: bool, state: str | None, monthly: bool, as_json: bool
) -> None:
    """Counties and people covered by an agreement (by model and state), and over time."""
    if series:
        with app.db.connect() as conn:
            rows = cov.coverage_series(conn, state=state, monthly=monthly)
        if as_json:
            output.emit_json(rows)
        else:
            output.table(
                rows,
                [
                    ("date", "date"),
                    ("publication", "list"),
                    ("counties_any_model", "counties"),
                    ("counties_by_model", "by model"),
                    ("population_any_model", "people covered"),
                    ("population_any_model_share", "share"),
                    ("population_tfm", "people under TFM"),
                    ("population_tfm_share", "TFM share"),
                ],
            )
        return
    with app.db.connect() as conn:
        result = cov.coverage(conn, as_of=parse_day(as_of))
    if state:
        code = state_code(state)
        result["by_state"] = {k: v for k, v in result["by_state"].items() if k == code}
    if as_json:
        output.emit_json(result)
        return
    click.echo(
        f"Counties with a whole-county or statewide agreement: {result['counties_any_model']}"
        + " ("
        + ", ".join(f"{k} {v}" for k, v in result["counties_by_model"].items())
        + ")"
    )
    click.echo(
        f"People in counties under Task Force Model coverage: {result['population_tfm']:,}"
        f" of {result['population_total']:,} ({result['population_tfm_share']:.1%})"
    )
    click.echo(
        f"People in counties with any whole-county or statewide agreement: "
        f"{result['population_any_model']:,} ({result['population_any_model_share']:.1%})"
    )
    click.echo(f"Method: {result['method']}")
    rows = [{"state": s, **v} for s, v in result["by_state"].items()]
    output.table(
        rows,
        [
            ("state", "state"),
            ("counties", "counties"),
            ("counties_any_model", "covered"),
            ("counties_tfm", "TFM"),
            ("counties_own_agency", "own sheriff"),
            ("population_any_model_share", "people covered"),
            ("population_tfm", "people under TFM"),
            ("state_agency_tfm", "statewide TFM"),
        ],
    )


@click.group("geo")
def geo_group() -> None:
    """Geography of agencies: what could not be placed."""


@geo_group.command("unmatched")
@json_option
@pass_app
@handle_errors
def geo_unmatched(app: App, as_json: bool) -> None:
    """Agencies with no county found, each with the reason (never dropped silently)."""
    with app.db.connect() as conn:
        rows = p.unmatched_agencies(conn)
    if as_json:
        output.emit_json(rows)
    else:
        output.table(
            rows,
            [
                ("state", "st"),
                ("name", "agency"),
                ("level", "level"),
                ("ice_county", "ICE county"),
                ("unmatched_reason", "reason"),
            ],
        )


@click.command("claim")
@click.argument("query", required=False, type=click.Choice(list(QUERIES)), metavar="[QUERY]")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file of claims to check (statement, query, params, expected, source).",
)
@click.option("--domain", is_flag=True, help="Check the bundled public figures (data/claims).")
@click.option("--as-of", "as_of", help="Date the claim speaks of (YYYY-MM-DD).")
@click.option("--model", help="Model code, for active_agreements or model_share.")
@click.option("--state", help="Two-letter state code, for active_agreements.")
@click.option("--year", type=int, help="Signing year, for signed_in_year.")
@click.option("--ever", is_flag=True, help="signed_in_year: ever listed, not still listed.")
@click.option("--from", "from_day", help="growth: the earlier date.")
@click.option("--to", "to_day", help="growth: the later date.")
@click.option("--expected", type=float, help="The published figure to check.")
@json_option
@pass_app
@handle_errors
def claim_cmd(
    app: App,
    query: str | None,
    path: Path | None,
    domain: bool,
    as_of: str | None,
    model: str | None,
    state: str | None,
    year: int | None,
    ever: bool,
    from_day: str | None,
    to_day: str | None,
    expected: float | None,
    as_json: bool,
) -> None:
    """Check published figures: agree / disagree / cannot tell, with the ICE lists as evidence.

    QUERY is one of:
    active_agreements, states, signed_in_year, model_share, growth, pending.

    Exits 1 if any claim DISAGREEs, 0 otherwise (agree or cannot tell)."""
    if path or domain:
        claims = load_claims(path or DEFAULT_FILE)
    elif query:
        params = {
            k: v
            for k, v in {
                "as_of": as_of,
                "model": model,
                "state": state,
                "year": year,
                "ever": ever or None,
                "from": from_day,
                "to": to_day,
            }.items()
            if v is not None
        }
        claims = [Claim(f"{query} {params}", query, params, expected)]
    else:
        raise click.UsageError("give a QUERY, --file FILE or --domain")
    with app.db.connect() as conn:
        results = [check_claim(conn, c) for c in claims]
    if as_json:
        output.emit_json([r.as_dict() for r in results])
    else:
        _print_claims(results)
    if any(r.verdict == "disagree" for r in results):
        sys.exit(1)


def _print_claims(results: list[Any]) -> None:
    for r in results:
        shown = "" if r.value is None else f"{r.value:g}"
        click.echo(
            f"{r.verdict.upper():12} {r.claim.statement}: g287 {shown or '-'}"
            f" (claimed {'-' if r.claim.expected is None else f'{r.claim.expected:g}'});"
            f" {r.explanation}"
        )
        for e in r.evidence:
            click.echo(
                f"{'':13}evidence: {e['publication']} {e['published_date']} "
                f"{e['file_name']} sha256 {e['sha256'][:16]}..."
            )


@click.group("policy", invoke_without_command=True)
@click.option("--state", help="Two-letter state code.")
@click.option("--as-of", "as_of", help="Policy in force on this date (default today).")
@json_option
@click.pass_context
def policy_group(ctx: click.Context, state: str | None, as_of: str | None, as_json: bool) -> None:
    """State law on 287(g) as of a date: mandates, limits, bans, with sources."""
    if ctx.invoked_subcommand is not None:
        return
    from g287.query.policy import state_policies

    try:
        rows = state_policies(state, parse_day(as_of))
    except G287Error as exc:
        output.error(str(exc))
        raise SystemExit(exit_code(exc)) from None
    if as_json:
        output.emit_json(rows)
        return
    shown = [r for r in rows if state or r["stance"] != "none"]
    output.table(
        shown,
        [("state", "state"), ("stance", "stance"), ("explanation", "why")],
        title=f"State policy as of {rows[0]['as_of'] if rows else ''}",
    )


@policy_group.command("conflicts")
@click.option("--state", help="Only this state.")
@click.option("--as-of", "as_of", help="On this date (default: the newest list).")
@json_option
@pass_app
@handle_errors
def policy_conflicts(app: App, state: str | None, as_of: str | None, as_json: bool) -> None:
    """Agreements active where state law bans them; mandated jurisdictions with none."""
    from g287.query.policy import conflicts

    with app.db.connect() as conn:
        result = conflicts(conn, as_of=parse_day(as_of), state=state)
    if as_json:
        output.emit_json(result)
        return
    click.echo(
        f"As of {result['as_of']}: " + ", ".join(f"{k} {v}" for k, v in result["counts"].items())
    )
    output.table(
        result["conflicts"],
        [
            ("status", "status"),
            ("rule", "rule"),
            ("state", "st"),
            ("agreement_id", "agreement"),
            ("jurisdiction", "jurisdiction"),
            ("explanation", "why"),
        ],
    )


COMMANDS = (lookup_cmd, coverage_cmd, geo_group, claim_cmd, policy_group)
