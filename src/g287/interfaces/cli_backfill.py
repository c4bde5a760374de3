"""CLI command ``backfill``: recover past lists from the Wayback Machine or a git archive."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import click

from g287.acquire.http import FetchPolicy
from g287.acquire.wayback import DEFAULT_WAYBACK
from g287.app.backfill import backfill
from g287.errors import InvalidQuery
from g287.interfaces import output
from g287.interfaces.cli_common import App, handle_errors, json_option, pass_app


class _Item(Protocol):
    def line(self) -> str: ...


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f", ETA {hours}h{minutes:02d}m" if hours else f", ETA {minutes}m{secs:02d}s"


@click.command("backfill")
@click.option(
    "--wayback",
    default=DEFAULT_WAYBACK,
    show_default=True,
    metavar="URL",
    help="The Wayback Machine (or a stand-in) whose CDX index and captures are read.",
)
@click.option(
    "--git",
    "git_path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Read a local git clone of a community archive instead of the Wayback Machine.",
)
@click.option("--since", metavar="TIMESTAMP", help="Only captures from then on (2025, 20250601).")
@click.option("--until", metavar="TIMESTAMP", help="Only captures until then (inclusive).")
@click.option("--dry-run", is_flag=True, help="List what would be fetched; fetch nothing.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds between requests to the archive.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the archive at each step.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=4,
    show_default=True,
    help="Retries on timeouts, 429 (honouring Retry-After) and 5xx, with backoff.",
)
@json_option
@pass_app
@handle_errors
def backfill_cmd(
    app: App,
    wayback: str,
    git_path: Path | None,
    since: str | None,
    until: str | None,
    dry_run: bool,
    interval: float,
    timeout: float,
    retries: int,
    as_json: bool,
) -> None:
    """Recover past lists: every capture of ICE's 287(g) page and workbooks in the
    Wayback Machine (or every version of every ICE workbook in a git archive, --git).

    Identical content is fetched once and dated by its earliest capture; each
    capture is recorded as a sighting citing its URL (or repository, commit and
    path). Reruns fetch only what is missing. One line per distinct content, then
    a summary. Exits 0 even when some captures are rejected (they are archived as
    evidence); 1 if the archive could not be reached at all.
    """

    def progress(item: _Item, done: int, total: int, eta: float | None) -> None:
        if not as_json:
            click.echo(f"[{done}/{total}{_eta(eta)}] {item.line()}")

    if git_path is not None:
        from g287.app.gitarchive import backfill_git

        if since or until:
            raise InvalidQuery("--since and --until apply to the Wayback Machine, not --git")

        git_report = backfill_git(app.importer, git_path, dry_run=dry_run, on_item=progress)
        if as_json:
            output.emit_json(git_report.as_dict())
        else:
            for line in git_report.summary():
                click.echo(line)
        return
    policy = FetchPolicy(timeout=timeout, retries=retries)
    report = backfill(
        app.importer,
        wayback=wayback,
        since=since,
        until=until,
        dry_run=dry_run,
        interval=interval,
        policy=policy,
        on_item=progress,
    )
    if as_json:
        output.emit_json(report.as_dict())
        return
    for line in report.summary():
        click.echo(line)


COMMANDS = (backfill_cmd,)
