"""Commands over the stored lists: import, rebuild, publications, rows, issues, files,
config and the demo."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from g287.acquire.sources import discover
from g287.app.importer import ImportResult
from g287.app.rebuild import rebuild as rebuild_from_archive
from g287.crash import crash_point
from g287.errors import InvalidQuery
from g287.interfaces import output
from g287.interfaces.cli_common import App, handle_errors, json_option, pass_app, require_web_extra
from g287.query import publications as q
from g287.query.issues import issue_summary, list_issues
from g287.query.publication_stats import list_publications
from g287.store.database import Database
from g287.version import __version__

# --- import ------------------------------------------------------------------


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[ImportResult], None]]:
    if not enabled:
        yield lambda _r: None
        return
    with Progress(
        TextColumn("[bold]importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=output.console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=total)

        def advance(result: ImportResult) -> None:
            bar.update(task, advance=1, description=result.name)

        yield advance


def _summarize(results: list[ImportResult], as_json: bool) -> None:
    tally = Counter(r.outcome for r in results)
    if as_json:
        output.emit_json(
            {
                "summary": {
                    k: tally.get(k, 0) for k in ("accepted", "duplicate", "unchanged", "rejected")
                },
                "files": [r.as_dict() for r in results],
            }
        )
    else:
        for r in results:
            if r.outcome == "rejected":
                output.error(f"{r.source}: {r.reason}")
        click.echo(
            f"{len(results)} file(s): {tally.get('accepted', 0)} accepted, "
            f"{tally.get('duplicate', 0) + tally.get('unchanged', 0)} already held, "
            f"{tally.get('rejected', 0)} rejected"
        )


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--seen-at", help="First-seen time (ISO 8601, UTC) for files no manifest dates.")
@json_option
@pass_app
@handle_errors
def import_cmd(app: App, paths: tuple[Path, ...], seen_at: str | None, as_json: bool) -> None:
    """Archive and import workbooks: files, folders (recursively) or manifest CSVs.

    A folder's manifest.csv (columns folder, file_name, first_seen_utc, sha256)
    supplies when each file was first seen. Exits 1 if any file was rejected.
    Re-running an interrupted import repairs what it left unresolved.
    """
    from g287.store.archive import parse_utc

    now = parse_utc(seen_at) if seen_at else datetime.now(UTC)
    items = list(discover(paths, now=now))
    importer = app.importer
    results: list[ImportResult] = []
    with _progress(len(items), output.stderr_is_tty() and not as_json) as advance:
        for item in items:
            result = importer.import_file(item)
            results.append(result)
            advance(result)
    crash_point("import-before-resolve")
    importer.ensure_derived()  # new lists, or what an interrupted import left unresolved
    _summarize(results, as_json)
    if any(r.outcome == "rejected" for r in results):
        sys.exit(1)


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_app
@handle_errors
def rebuild(app: App, yes: bool, as_json: bool) -> None:
    """Rebuild the database from the raw archive; the result is identical.

    The new state is built beside the old one and swapped in at the end, so an
    interrupted rebuild leaves the database as it was.
    """
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidQuery(
                "rebuild replaces the database: confirm with --yes (no terminal to ask)"
            )
        click.confirm(
            f"Rebuild {app.db.safe_url} from {app.importer.archive.location}?", abort=True
        )
    results = rebuild_from_archive(app.importer)
    _summarize(results, as_json)


# --- listings ----------------------------------------------------------------


@click.command("publications")
@click.option("--kind", type=click.Choice(["participating", "pending"]), help="Only this kind.")
@json_option
@pass_app
@handle_errors
def publications_cmd(app: App, kind: str | None, as_json: bool) -> None:
    """List publications in order, with rows, counts by model and TYPE, states and issues."""
    with app.db.connect() as conn:
        pubs = list_publications(conn, kind)
    if as_json:
        output.emit_json(pubs)
        return
    output.table(
        pubs,
        [
            ("label", "publication"),
            ("id", "id"),
            ("published_date", "date"),
            ("date_source", "dated by"),
            ("row_count", "rows"),
            ("hidden_rows", "hidden"),
            ("by_model", "by model"),
            ("states", "states"),
            ("issues", "issues"),
        ],
    )


@click.command("rows")
@click.argument("publication")
@click.option("--state", help="Two-letter state code.")
@click.option(
    "--model",
    type=click.Choice(["TFM", "WSO", "JEM", "TTF", "JTF"], case_sensitive=False),
    help="Only rows of this model (TTF and JTF are the pre-2025 roster's task force and "
    "jail task force).",
)
@click.option("--search", "text", help="Agency name contains this text.")
@click.option(
    "--hidden/--visible", default=None, help="Only rows hidden (or not) by a saved filter."
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@json_option
@pass_app
@handle_errors
def rows_cmd(
    app: App,
    publication: str,
    state: str | None,
    model: str | None,
    text: str | None,
    hidden: bool | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """The normalized rows of one publication (id, label such as 'part 07072025pm', or 'latest')."""
    with app.db.connect() as conn:
        pub, rows = q.publication_rows(
            conn, publication, state=state, model=model, text=text, hidden=hidden, limit=limit
        )
    if as_json:
        output.emit_json({"publication": pub, "rows": rows})
        return
    output.table(
        rows,
        [
            ("row_number", "row"),
            ("state", "st"),
            ("agency", "agency"),
            ("type", "type"),
            ("county", "county"),
            ("model", "model"),
            ("signed", "signed"),
            ("moa_status", "MOA"),
            ("hidden", "hidden"),
        ],
        title=f"{pub['label']} ({pub['id']}): {len(rows)} row(s)",
    )


@click.command("issues")
@click.option("--publication", help="Only this publication.")
@click.option("--kind", help="Only this issue kind (see --summary for the kinds).")
@click.option(
    "--severity",
    type=click.Choice(["info", "warning", "error"]),
    default="warning",
    show_default=True,
    help="Lowest severity to list.",
)
@click.option("--summary", is_flag=True, help="Counts by kind instead of single issues.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many issues.")
@json_option
@pass_app
@handle_errors
def issues_cmd(
    app: App,
    publication: str | None,
    kind: str | None,
    severity: str,
    summary: bool,
    limit: int | None,
    as_json: bool,
) -> None:
    """Data problems found in ICE's sheets: publication, row, column, raw value, kind, note."""
    with app.db.connect() as conn:
        if summary:
            rows = issue_summary(conn, publication=publication)
            cols = [
                ("kind", "kind"),
                ("severity", "severity"),
                ("count", "count"),
                ("publications", "lists"),
                ("description", "what"),
            ]
        else:
            rows = list_issues(
                conn, publication=publication, kind=kind, severity=severity, limit=limit
            )
            cols = [
                ("publication", "publication"),
                ("row_number", "row"),
                ("column", "column"),
                ("raw_value", "raw value"),
                ("kind", "kind"),
                ("note", "note"),
            ]
    if as_json:
        output.emit_json(rows)
    else:
        output.table(rows, cols)


@click.command("files")
@click.option("--status", type=click.Choice(["accepted", "rejected"]), help="Only this outcome.")
@json_option
@pass_app
@handle_errors
def files_cmd(app: App, status: str | None, as_json: bool) -> None:
    """The raw archive: every file by sha256, with name, source, first seen, kind and outcome."""
    with app.db.connect() as conn:
        rows = q.list_files(conn, status=status)
    if as_json:
        output.emit_json(rows)
        return
    for r in rows:
        r["sha"] = r["sha256"][:12]
    output.table(
        rows,
        [
            ("sha", "sha256"),
            ("first_name", "name"),
            ("first_seen", "first seen"),
            ("kind", "kind"),
            ("size", "bytes"),
            ("status", "status"),
            ("reason", "reason"),
        ],
    )


@click.command("config")
@json_option
@pass_app
@handle_errors
def config_cmd(app: App, as_json: bool) -> None:
    """Where g287 keeps its data, and the settings that change it."""
    from g287.config import SETTINGS

    s = app.settings
    info = {
        "version": __version__,
        "data_dir": str(s.data_dir),
        "database_url": Database(s.database_url).safe_url,
        "archive_dir": str(s.archive_dir),
        "archive_url": s.archive_url,
        "settings": [{"name": x.name, "default": x.default, "help": x.help} for x in SETTINGS],
    }
    if as_json:
        output.emit_json(info)
    else:
        for key in ("version", "data_dir", "database_url", "archive_dir", "archive_url"):
            if info[key] is not None:
                click.echo(f"{key:13} {info[key]}")


# --- demo --------------------------------------------------------------------


def load_sample(app: App) -> list[ImportResult]:
    """Import the bundled real ICE workbooks and MOA PDFs (again: nothing changes)."""
    from datetime import UTC, datetime

    from g287.app.moa_library import import_moa
    from g287.sample import moa_dir, sheets_dir

    results = app.importer.import_paths([sheets_dir()])
    for pdf in sorted(moa_dir().glob("*.pdf")):
        import_moa(
            app.importer,
            pdf.read_bytes(),
            name=pdf.name,
            source=str(pdf),
            seen_at=datetime(2025, 7, 8, tzinfo=UTC),
        )
    return results


@click.command()
@click.option("--serve", is_flag=True, help="Then serve the web site (on 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8287, show_default=True,
    help="The port for --serve (env G287_PORT).", envvar="G287_PORT",
)  # fmt: skip
@json_option
@pass_app
@handle_errors
def demo(app: App, serve: bool, port: int, as_json: bool) -> None:
    """Import the bundled real ICE workbooks (May-July 2025) and print the summary."""
    from g287.query.summary import summary

    if serve:
        require_web_extra()

    results = load_sample(app)
    with app.db.connect() as conn:
        report = summary(conn)
    if as_json:
        output.emit_json({"imported": Counter(r.outcome for r in results), **report})
        return
    _summarize(results, False)
    from g287.query.summary import render_summary

    click.echo(render_summary(report, app.settings))
    if serve:
        ctx = click.get_current_context()
        root = ctx.find_root().command
        assert isinstance(root, click.Group)
        serve_cmd = root.get_command(ctx, "serve")
        assert serve_cmd is not None
        ctx.invoke(serve_cmd, port=port)


COMMANDS = (
    import_cmd,
    rebuild,
    publications_cmd,
    rows_cmd,
    issues_cmd,
    files_cmd,
    config_cmd,
    demo,
)
