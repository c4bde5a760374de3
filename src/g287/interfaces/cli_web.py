"""CLI command to serve the web site and API."""

from __future__ import annotations

import click

from g287.interfaces.cli import App, cli, handle_errors, pass_app


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8287, show_default=True)
@click.option(
    "--workers",
    type=int,
    default=1,
    show_default=True,
    help="Worker processes (use several with PostgreSQL in production).",
)
@pass_app
@handle_errors
def serve_cmd(app: App, host: str, port: int, workers: int) -> None:
    """Serve the web site and the JSON API (G287_MODE=production needs G287_ADMIN_TOKEN)."""
    import os

    import uvicorn

    from g287.interfaces.web.settings import WebSettings

    WebSettings.from_env()  # refuse unsafe production settings before binding
    settings = app.settings
    os.environ["G287_DATABASE_URL"] = settings.database_url
    os.environ["G287_DATA_DIR"] = str(settings.data_dir)
    app.importer.db.migrate()
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
