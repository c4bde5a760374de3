"""CLI command to serve the web site and API."""

from __future__ import annotations

import click

from g287.errors import Locked
from g287.interfaces.cli_common import App, handle_errors, pass_app, require_web_extra


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8287, show_default=True)
@click.option(
    "--workers",
    type=int,
    default=1,
    show_default=True,
    help="Worker processes (use several with PostgreSQL in production).",
)
@click.option(
    "--empty",
    is_flag=True,
    help="Serve an empty database as it is (by default, outside production mode, an "
    "empty database first gets the bundled sample lists).",
)
@pass_app
@handle_errors
def serve_cmd(app: App, host: str, port: int, workers: int, empty: bool) -> None:
    """Serve the web site and the JSON API (G287_MODE=production needs G287_ADMIN_TOKEN;
    so does any --host other than this machine's, such as 0.0.0.0).

    On a fresh install (no list imported yet, not in production mode) it first imports
    the bundled real sample lists, so the site has something to show."""
    import os

    require_web_extra()  # before anything is imported or migrated
    import uvicorn
    from sqlalchemy import func, select

    from g287.interfaces.cli_lists import load_sample
    from g287.interfaces.web.settings import WebSettings
    from g287.store.schema import publications

    web = WebSettings.from_env()  # refuse unsafe production settings before binding
    web.check_host(host)
    settings = app.settings
    os.environ["G287_DATABASE_URL"] = settings.database_url
    os.environ["G287_DATA_DIR"] = str(settings.data_dir)
    app.importer.db.migrate()
    with app.db.connect() as conn:
        held = conn.execute(select(func.count()).select_from(publications)).scalar_one()
    if not held and not empty and web.mode != "production":
        click.echo("no list imported yet: loading the bundled sample (May-July 2025) first")
        load_sample(app)
    try:
        app.importer.ensure_derived()  # repair what an interrupted import left, before serving
    except Locked as exc:  # a writer is at work: it resolves; readers get the last history
        click.echo(f"note: {exc}; serving the last committed history meanwhile", err=True)
    click.echo(f"g287 on http://{host}:{port}/ (API docs at /api/docs); Ctrl-C to stop")
    uvicorn.run(
        "g287.interfaces.web.asgi:application",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        factory=False,
        proxy_headers=True,
    )


COMMANDS = (serve_cmd,)
