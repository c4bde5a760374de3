"""CLI command writing the downloadable datasets to files (as the site's /api/downloads)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from g287.interfaces import output
from g287.interfaces.cli import App, cli, handle_errors, json_option, pass_app
from g287.interfaces.cli_history import parse_day
from g287.interfaces.exports import FORMATS, build_dataset, write_datapackage, write_dataset
from g287.interfaces.exports_spec import COLUMNS


@cli.command("export")
@click.argument("dataset", type=click.Choice(list(COLUMNS)))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="csv", show_default=True)
@click.option("--as-of", help="agreements only: those on the newest list published by then.")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    help="File or folder to write (default: the dataset's own name, here).",
)
@json_option
@pass_app
@handle_errors
def export_cmd(
    app: App, dataset: str, fmt: str, as_of: str | None, out: Path | None, as_json: bool
) -> None:
    """Write a dataset (agreements, agencies, publications, rows, changes) as CSV, XLSX,
    Parquet, GeoJSON, JSON, Stata or SPSS, stating its as-of date, version and citation
    (for CSV in a NAME.datapackage.json written beside it)."""
    with app.db.connect() as conn:
        ds = build_dataset(conn, dataset, as_of=parse_day(as_of), geometry=fmt == "geojson")
        target = out or Path(ds.file_name(fmt))
        if target.is_dir():
            target = target / ds.file_name(fmt)
        partial = target.with_name(f".{target.name}.partial")
        try:  # a failure leaves no half-written file under the real name
            write_dataset(ds, fmt, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        sidecar = write_datapackage(ds, fmt, target) if fmt == "csv" else None
    report = {
        "dataset": dataset,
        "format": fmt,
        "path": str(target),
        "datapackage": str(sidecar) if sidecar else None,
        "as_of": ds.as_of,
    }
    if as_json:
        output.emit_json(report)
    else:
        also = f"; citation in {sidecar.name}" if sidecar else ""
        click.echo(f"wrote {target} ({dataset}, {fmt}, as of {ds.as_of or 'no list'}{also})")
