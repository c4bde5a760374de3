"""CLI commands for the change feed and webhooks."""

from __future__ import annotations

import sys

import click

from g287.interfaces import output
from g287.interfaces.cli_common import MODELS, App, handle_errors, json_option, parse_day, pass_app
from g287.interfaces.feeds import atom_feed, feed_title, json_feed
from g287.interfaces.webhooks import Webhooks
from g287.query import catalog
from g287.query import history as h
from g287.query.trends import with_places
from g287.resolve.changes import CHANGE_KINDS


@click.command("feed")
@click.option(
    "--format", "fmt", type=click.Choice(["atom", "json"]), default="atom", show_default=True
)
@click.option("--state", help="Only changes in this state (two-letter code).")
@click.option("--model", type=MODELS, help="Only changes to agreements of this model.")
@click.option("--since", help="Only lists published on or after this date.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--site-url", default="", help="Base URL of a g287 site, for entry links.")
@pass_app
@handle_errors
def feed_cmd(
    app: App,
    fmt: str,
    state: str | None,
    model: str | None,
    since: str | None,
    limit: int,
    site_url: str,
) -> None:
    """The change feed as Atom or JSON Feed, newest first (write it to a file or serve it)."""
    with app.db.connect() as conn:
        events = catalog.events_page(
            conn, since=parse_day(since), state=state, model=model, limit=limit
        )["data"]
    title = feed_title(state, model)
    if fmt == "atom":
        click.echo(atom_feed(events, title=title, site_url=site_url), nl=False)
    else:
        output.emit_json(json_feed(events, title=title, site_url=site_url))


@click.group("webhooks")
def webhooks_group() -> None:
    """Deliver change events to webhooks (signed with HMAC-SHA256, never sent twice)."""


@webhooks_group.command("add")
@click.argument("url")
@click.option("--secret", default="", help="Shared secret for the signature.")
@click.option("--secret-env", default="", help="Read the secret from this environment variable.")
@click.option("--state", "states", multiple=True, help="Only this state (repeatable).")
@click.option("--model", "models", multiple=True, type=MODELS, help="Only this model (repeatable).")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(CHANGE_KINDS),
    help="Only this kind of change (repeatable).",
)
@click.option(
    "--county",
    "counties",
    multiple=True,
    help="Only changes for agencies covering this county (5-digit FIPS; repeatable).",
)
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    help="Only changes for this agency (id or name; repeatable).",
)
@click.option("--since", help="Deliver changes on lists published from this date (default today).")
@json_option
@pass_app
@handle_errors
def webhooks_add(
    app: App,
    url: str,
    secret: str,
    secret_env: str,
    states: tuple[str, ...],
    models: tuple[str, ...],
    kinds: tuple[str, ...],
    counties: tuple[str, ...],
    agencies: tuple[str, ...],
    since: str | None,
    as_json: bool,
) -> None:
    """Subscribe URL to change events."""
    agency_ids: list[str] = []
    if agencies:
        with app.db.connect() as conn:
            agency_ids = [h.find_agency(conn, ref)["id"] for ref in agencies]
    sub = Webhooks(app.settings.data_dir).add(
        url,
        secret=secret,
        secret_env=secret_env,
        states=states,
        models=models,
        kinds=kinds,
        since=parse_day(since),
        counties=counties,
        agencies=agency_ids,
    )
    if as_json:
        output.emit_json({"id": sub.id, "url": sub.url, "since": sub.since})
    else:
        click.echo(f"{sub.id} {sub.url} (changes on lists from {sub.since})")


@webhooks_group.command("list")
@json_option
@pass_app
@handle_errors
def webhooks_list(app: App, as_json: bool) -> None:
    """The subscriptions (secrets are not shown)."""
    subs = [
        {
            "id": s.id,
            "url": s.url,
            "states": ",".join(s.states),
            "models": ",".join(s.models),
            "kinds": ",".join(s.kinds),
            "counties": ",".join(s.counties),
            "agencies": ",".join(s.agencies),
            "since": s.since,
        }
        for s in Webhooks(app.settings.data_dir).subscriptions()
    ]
    if as_json:
        output.emit_json(subs)
    else:
        output.table(
            subs,
            [
                (k, k)
                for k in ("id", "url", "states", "models", "kinds", "counties", "agencies", "since")
            ],
        )


@webhooks_group.command("remove")
@click.argument("subscription_id")
@pass_app
@handle_errors
def webhooks_remove(app: App, subscription_id: str) -> None:
    """Unsubscribe one webhook by id."""
    Webhooks(app.settings.data_dir).remove(subscription_id)
    click.echo(f"removed {subscription_id}")


@webhooks_group.command("deliver")
@json_option
@pass_app
@handle_errors
def webhooks_deliver(app: App, as_json: bool) -> None:
    """Send every event not yet delivered; exits 1 if a delivery failed (it is retried next run)."""
    with app.db.connect() as conn:
        events = with_places(conn, catalog.events_page(conn)["data"])
    report = Webhooks(app.settings.data_dir).deliver(events)
    if as_json:
        output.emit_json(
            {
                "delivered": len(report.delivered),
                "failed": report.failed,
                "already_delivered": report.skipped,
            }
        )
    else:
        click.echo(
            f"{len(report.delivered)} delivered, {len(report.failed)} failed, "
            f"{report.skipped} already delivered"
        )
        for sub_id, event_id, reason in report.failed:
            output.error(f"{sub_id}: {event_id}: {reason}")
    if report.failed:
        sys.exit(1)


COMMANDS = (feed_cmd, webhooks_group)
