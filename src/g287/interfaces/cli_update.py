"""CLI commands that fetch from ICE: ``update`` (once, or ``--watch``) and ``import-page``."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from g287.acquire.http import FetchPolicy
from g287.app.page_import import PageImport, import_page
from g287.app.update import DEFAULT_PAGE, parse_interval, update, watch
from g287.app.update_state import UpdateReport
from g287.errors import G287Error, InvalidQuery
from g287.interfaces import output
from g287.interfaces.cli_common import App, handle_errors, json_option, pass_app
from g287.read.page import capture_time
from g287.store.archive import format_utc, parse_utc

MIN_INTERVAL = 60.0  # seconds: never ask ICE more often than once a minute


def _show(report: UpdateReport, as_json: bool) -> None:
    if as_json:
        output.emit_json(report.as_dict())
        return
    for line in report.lines():
        click.echo(line)


@click.command("update")
@click.option(
    "--url",
    "page_url",
    default=DEFAULT_PAGE,
    show_default=True,
    metavar="URL",
    help="The 287(g) page whose workbook links are followed.",
)
@click.option(
    "--watch", "keep_watching", is_flag=True, help="Repeat every --interval until Ctrl-C."
)
@click.option(
    "--interval",
    default="1h",
    show_default=True,
    help="Time between runs with --watch: 90s, 30m, 1h, 1h30m (at least 1m).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for ICE's server at each step.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=4,
    show_default=True,
    help="Retries on timeouts, 429 and 5xx, with exponential backoff.",
)
@click.option("--moas", is_flag=True, help="Then download MOA PDFs linked for the first time.")
@click.option(
    "--deliver/--no-deliver",
    default=True,
    show_default=True,
    help="Then send new change events to the configured webhooks.",
)
@json_option
@pass_app
@handle_errors
def update_cmd(
    app: App,
    page_url: str,
    keep_watching: bool,
    interval: str,
    timeout: float,
    retries: int,
    moas: bool,
    deliver: bool,
    as_json: bool,
) -> None:
    """Fetch ICE's 287(g) page, download the workbooks that changed, import them, report.

    Workbook links are read from the page. Conditional requests skip unchanged
    files; new bytes are archived and imported, even a page served in place of a
    workbook (kept as rejected evidence). One line per workbook, then what changed.
    Exits 1 if a workbook failed or was rejected, 3 if another update is running.
    """
    policy = FetchPolicy(timeout=timeout, retries=retries)
    importer = app.importer

    def run() -> UpdateReport:
        report = update(importer, base_url=page_url, policy=policy)
        _after(app, moas=moas, deliver=deliver)
        return report

    if not keep_watching:
        report = run()
        _show(report, as_json)
        if not as_json:
            _say_held(app)
        if not report.ok:
            sys.exit(1)
        return
    seconds = parse_interval(interval)
    if seconds < MIN_INTERVAL:
        raise InvalidQuery(f"--interval {interval} is shorter than a minute")

    def on_report(report: UpdateReport) -> None:
        if as_json:
            click.echo(json.dumps(report.as_dict(), default=str, ensure_ascii=False))
        else:
            for line in report.lines():
                click.echo(line)
            _say_held(app)

    def on_error(exc: G287Error) -> None:
        output.error(f"{format_utc(datetime.now(UTC))} {exc}")

    try:
        watch(
            run,
            seconds,
            on_report=on_report,
            on_error=on_error,
        )
    except KeyboardInterrupt:
        output.error("stopped")


def _say_held(app: App) -> None:
    """One line per list held as suspect, naming its file (they are not the newest list)."""
    from g287.query.publications import held

    with app.db.connect() as conn:
        for item in held(conn):
            click.echo(item["message"])


def _after(app: App, *, moas: bool, deliver: bool) -> None:
    """After an update: new MOA PDFs (optional) and webhook deliveries (never twice)."""
    if moas:
        from g287.app.moa_fetching import fetch_moas

        fetch_moas(app.importer)
    if deliver:
        from g287.interfaces.webhooks import Webhooks
        from g287.query.catalog import events_page

        hooks = Webhooks(app.settings.data_dir)
        if hooks.subscriptions():
            with app.db.connect() as conn:
                events = events_page(conn)["data"]
            for sub_id, event_id, reason in hooks.deliver(events).failed:
                output.error(f"webhook {sub_id}: {event_id}: {reason}")


def _page_source(path: Path, url: str | None, captured_at: str | None) -> tuple[str, datetime]:
    stamp = capture_time(path.name)
    if url is None:
        url = (
            f"https://web.archive.org/web/{stamp:%Y%m%d%H%M%S}/{DEFAULT_PAGE}"
            if stamp
            else DEFAULT_PAGE
        )
    if captured_at is not None:
        try:
            return url, parse_utc(captured_at)
        except ValueError:
            raise InvalidQuery(f"--captured-at {captured_at!r} is not ISO 8601") from None
    when = capture_time(url) or stamp
    if when is None:
        raise InvalidQuery(
            f"{path}: give --captured-at (no 14-digit capture time in the URL or file name)"
        )
    return url, when


@click.command("import-page")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--url",
    help="Where the copy was captured (default: the Wayback URL a 14-digit file name implies).",
)
@click.option(
    "--captured-at",
    help="Capture time, ISO 8601 UTC (default: the 14-digit timestamp in the URL or file name).",
)
@click.option("--fetch", is_flag=True, help="Also download the workbooks a 2025+ page links.")
@json_option
@pass_app
@handle_errors
def import_page_cmd(
    app: App,
    paths: tuple[Path, ...],
    url: str | None,
    captured_at: str | None,
    fetch: bool,
    as_json: bool,
) -> None:
    """Import archived copies of ICE's 287(g) page (e.g. saved from the Wayback Machine).

    Each page is archived; a pre-2025 page's roster table is imported as a
    participating list dated by the capture (participatingAgencies<MMDDYYYY>.xlsx);
    a 2025+ page's workbook links are listed (and fetched with --fetch).
    Exits 1 if a roster or a fetched workbook was rejected.
    """
    importer = app.importer
    reports: list[PageImport] = []
    for path in paths:
        page_url, when = _page_source(path, url, captured_at)
        try:
            html = path.read_bytes()
        except OSError as exc:
            raise InvalidQuery(f"{path}: cannot read: {exc.strerror}") from None
        reports.append(
            import_page(importer, html, url=page_url, captured_at=when, fetch=fetch, resolve=False)
        )
    importer.ensure_derived()
    if as_json:
        output.emit_json([p.as_dict() for p in reports])
    else:
        for report in reports:
            for line in report.lines():
                click.echo(line)
    if not all(p.ok for p in reports):
        sys.exit(1)


COMMANDS = (update_cmd, import_page_cmd)
