"""CLI commands over the resolved history: status, agreements, agency, changes, events,
timeline, decisions, check."""

from __future__ import annotations

import sys

import click

from g287.interfaces import output
from g287.interfaces.cli_common import MODELS, App, handle_errors, json_option, parse_day, pass_app
from g287.model.models import MODEL_NAMES
from g287.query import catalog
from g287.query import history as h
from g287.query.changes import changes as net_changes
from g287.query.crosscheck import crosscheck, read_count_table
from g287.query.publications import held_line
from g287.resolve.changes import CHANGE_KINDS
from g287.resolve.qa import run_checks


@click.command("status")
@json_option
@pass_app
@handle_errors
def status_cmd(app: App, as_json: bool) -> None:
    """The program now: newest list, active agreements by model, state and type, pending."""
    with app.db.connect() as conn:
        report = h.status(conn)
    if as_json:
        output.emit_json(report)
        return
    latest = report["latest_publication"]
    for item in report["held"]:
        click.echo(held_line(item))
    click.echo(
        f"Newest participating list: {latest['label']} ({latest['published_date']}, "
        f"{latest['id']}), {latest['row_count']} rows"
    )
    click.echo(
        f"Active agreements: {report['active']} in {report['states']} states and territories"
    )
    for model, n in sorted(report["by_model"].items(), key=lambda kv: -kv[1]):
        click.echo(f"  {MODEL_NAMES.get(model, model):26} {n:5}")
    click.echo(
        "By jurisdiction type: " + ", ".join(f"{k} {v}" for k, v in report["by_type"].items())
    )
    a = report["agreements"]
    click.echo(
        f"All agreements ever listed: {sum(a.values())} ({a['active']} active, "
        f"{a['superseded']} superseded, {a['removed']} removed); {report['agencies']} agencies"
    )
    p = report["pending"]
    click.echo(
        f"Pending requests: {p['waiting']} waiting, {p['converted']} became agreements, "
        f"{p['withdrawn']} withdrawn"
    )
    top = sorted(report["by_state"].items(), key=lambda kv: -kv[1])[:10]
    click.echo("Top states: " + ", ".join(f"{s} {n}" for s, n in top))


@click.command("agreements")
@click.option("--state", help="Two-letter state code.")
@click.option("--model", type=MODELS, help="Model code.")
@click.option("--status", type=click.Choice(list(h.STATUSES)), help="Only this status.")
@click.option("--search", "text", help="Agency name or id contains this text.")
@click.option("--as-of", "as_of", help="The program as it stood on this date (YYYY-MM-DD).")
@click.option(
    "--sort",
    default="id",
    show_default=True,
    help="id, signed, state, name, first_listed or last_listed; prefix - to reverse.",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many.")
@json_option
@pass_app
@handle_errors
def agreements_cmd(
    app: App,
    state: str | None,
    model: str | None,
    status: str | None,
    text: str | None,
    as_of: str | None,
    sort: str,
    limit: int | None,
    offset: int,
    as_json: bool,
) -> None:
    """Agreements with their ids, status and listing window; --as-of for any past date."""
    with app.db.connect() as conn:
        result = catalog.search_agreements(
            conn,
            state=state,
            model=model,
            status=status,
            text=text,
            as_of=parse_day(as_of),
            sort=sort,
            limit=limit,
            offset=offset,
        )
    if as_json:
        output.emit_json(result)
        return
    title = f"{result['count']} agreement(s)"
    if result["publication"]:
        title += f" on {result['publication']['label']} ({result['publication']['published_date']})"
    output.table(
        result["data"],
        [
            ("id", "id"),
            ("name", "agency"),
            ("model", "model"),
            ("signed", "signed"),
            ("status", "status"),
            ("first_listed", "first listed"),
            ("last_listed", "last listed"),
        ],
        title=title,
    )


@click.command("agency")
@click.argument("name_or_id")
@json_option
@pass_app
@handle_errors
def agency_cmd(app: App, name_or_id: str, as_json: bool) -> None:
    """One agency's full history: names, agreements, pending requests and every change."""
    with app.db.connect() as conn:
        agency = h.agency_history(conn, name_or_id)
    if as_json:
        output.emit_json(agency)
        return
    click.echo(f"{agency['name']} ({agency['id']})")
    click.echo(f"Names printed: {', '.join(agency['spellings'])}")
    output.table(
        agency["agreement_list"],
        [
            ("id", "agreement"),
            ("status", "status"),
            ("signed", "signed"),
            ("first_listed", "first listed"),
            ("last_listed", "last listed"),
            ("removal_flag", "flag"),
            ("successor_id", "successor"),
        ],
    )
    if agency["pending_list"]:
        output.table(
            agency["pending_list"],
            [
                ("id", "pending request"),
                ("status", "status"),
                ("first_listed", "first"),
                ("last_listed", "last"),
                ("agreement_id", "became"),
            ],
        )
    output.table(
        agency["events"],
        [
            ("published_date", "date"),
            ("publication", "list"),
            ("kind", "change"),
            ("before", "before"),
            ("after", "after"),
        ],
    )


@click.command("changes")
@click.option("--from", "from_ref", help="The earlier participating list.")
@click.option("--to", "to_ref", help="The later list (default: the newest).")
@click.option("--since", help="From the newest list published on or before this date.")
@json_option
@pass_app
@handle_errors
def changes_cmd(
    app: App, from_ref: str | None, to_ref: str | None, since: str | None, as_json: bool
) -> None:
    """Net changes between two lists, or since a date: added, removed, renewed, re-dated..."""
    with app.db.connect() as conn:
        result = net_changes(conn, from_ref=from_ref, to_ref=to_ref, since=parse_day(since))
    if as_json:
        output.emit_json(result)
        return
    click.echo(
        f"From {result['from']['label']} ({result['from']['published_date']}) to "
        f"{result['to']['label']} ({result['to']['published_date']}): "
        + ", ".join(f"{k} {v}" for k, v in result["counts"].items())
    )
    output.table(
        result["changes"],
        [
            ("kind", "change"),
            ("state", "st"),
            ("name", "agency"),
            ("model", "model"),
            ("before", "before"),
            ("after", "after"),
        ],
    )


@click.command("events")
@click.option("--since", help="Only changes on lists published on or after this date.")
@click.option("--kind", type=click.Choice(CHANGE_KINDS), help="Only this kind of change.")
@click.option("--state", help="Two-letter state code.")
@click.option("--model", type=MODELS, help="Only changes to agreements of this model.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@json_option
@pass_app
@handle_errors
def events_cmd(
    app: App,
    since: str | None,
    kind: str | None,
    state: str | None,
    model: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """The change feed: every change between consecutive lists, newest first."""
    with app.db.connect() as conn:
        rows = catalog.events_page(
            conn, since=parse_day(since), kind=kind, state=state, model=model, limit=limit
        )["data"]
    if as_json:
        output.emit_json(rows)
        return
    output.table(
        rows,
        [
            ("published_date", "date"),
            ("publication", "list"),
            ("kind", "change"),
            ("state", "st"),
            ("name", "agency"),
            ("model", "model"),
            ("before", "before"),
            ("after", "after"),
        ],
    )


@click.command("timeline")
@json_option
@pass_app
@handle_errors
def timeline_cmd(app: App, as_json: bool) -> None:
    """Agreements on each list by model, and agreements by signing month."""
    with app.db.connect() as conn:
        series = h.timeline_series(conn)
    if as_json:
        output.emit_json(series)
        return
    output.table(
        series["lists"],
        [
            ("published_date", "date"),
            ("label", "list"),
            ("by_model", "by model"),
            ("total", "total"),
        ],
        title="Agreements on each participating list",
    )
    output.table(
        series["signed_by_month"][-24:],
        [("month", "signed"), ("total", "agreements"), ("active", "still active")],
        title="Agreements by signing month (last 24 months)",
    )


@click.command("decisions")
@click.option(
    "--rule", help="Only this rule (typo, modifier, rename, relabel, date_corrected, ...)."
)
@click.option(
    "--candidates",
    "show_candidates",
    is_flag=True,
    help="Near-misses the rules declined, for review.",
)
@json_option
@pass_app
@handle_errors
def decisions_cmd(app: App, rule: str | None, show_candidates: bool, as_json: bool) -> None:
    """Every merge and correction resolution made, with the rule and evidence."""
    with app.db.connect() as conn:
        rows = h.list_candidates(conn) if show_candidates else h.list_decisions(conn, rule)
    if as_json:
        output.emit_json(rows)
    elif show_candidates:
        output.table(
            rows,
            [
                ("kind", "kind"),
                ("a", "a"),
                ("b", "b"),
                ("suggestion", "suggest"),
                ("detail", "detail"),
            ],
        )
    else:
        output.table(rows, [("rule", "rule"), ("subject", "subject"), ("detail", "detail")])


@click.command("accept")
@click.argument("publication")
@click.option("--note", default="", help="Why you accept it (kept with the verdict).")
@json_option
@pass_app
@handle_errors
def accept_cmd(app: App, publication: str, note: str, as_json: bool) -> None:
    """Accept a list held as suspect: it becomes part of the history (removals, events).

    A list that lacks most of the previous list's agreements is held (see `g287 status`)
    until a later list confirms it or someone accepts it here; the verdict is kept
    across `g287 rebuild`."""
    item = app.importer.accept(publication, note)
    if as_json:
        output.emit_json(item)
    else:
        click.echo(f"accepted {item['file_name']} ({item['label']}): it is now part of the history")


@click.command("check")
@click.option(
    "--against",
    "against",
    type=click.Path(dir_okay=False),
    help="Also compare each list's counts with this per-file count table (CSV keyed by "
    "label, e.g. tests/data/publication_counts.csv); every difference is a failure.",
)
@json_option
@pass_app
@handle_errors
def check_cmd(app: App, against: str | None, as_json: bool) -> None:
    """QA invariants of the resolved history; exits 1 if any fails.

    With --against, also every difference between the stored lists and an
    independently made count table (rows, models, TYPEs, states, MOA links ...),
    one line each naming the list and the column."""
    table = read_count_table(against) if against else None
    with app.db.connect() as conn:
        checks = run_checks(conn)
        compared = crosscheck(conn, table) if table else None
    if as_json:
        if compared is None:
            output.emit_json([c.as_dict() for c in checks])
        else:
            output.emit_json(
                {"checks": [c.as_dict() for c in checks], "against": compared.as_dict()}
            )
    else:
        for c in checks:
            mark = "pass" if c.passed else "FAIL"
            click.echo(f"{mark}  {c.name}: {c.value} (expected {c.expected}) {c.detail}".rstrip())
        if compared is not None:
            mark = "pass" if compared.passed else "FAIL"
            n = len(compared.differences)
            click.echo(
                f"{mark}  against {compared.source}: {compared.lists} lists, "
                f"{len(compared.columns)} columns, {n} difference{'' if n == 1 else 's'}"
            )
            if compared.ignored:
                click.echo(f"      not compared (unknown columns): {', '.join(compared.ignored)}")
            for d in compared.differences:
                click.echo(f"DIFF  {d.message}")
    if not all(c.passed for c in checks) or (compared is not None and not compared.passed):
        sys.exit(1)


COMMANDS = (
    status_cmd,
    agreements_cmd,
    agency_cmd,
    changes_cmd,
    events_cmd,
    timeline_cmd,
    decisions_cmd,
    accept_cmd,
    check_cmd,
)
