"""CLI command writing the downloadable datasets to files (as the site's /api/downloads)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from g287.errors import InvalidQuery
from g287.interfaces import output
from g287.interfaces.cli_common import App, handle_errors, json_option, parse_day, pass_app
from g287.interfaces.exports import build_dataset, write_datapackage, write_dataset
from g287.interfaces.exports_spec import COLUMNS, FORMATS


@click.command("export")
@click.argument("dataset", type=click.Choice(list(COLUMNS)))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="csv", show_default=True)
@click.option("--as-of", help="agreements only: those on the newest list published by then.")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(),
    help="File or folder to write (default: the dataset's own name, here). A folder that "
    "does not exist yet is made when the name ends with /.",
)
@json_option
@pass_app
@handle_errors
def export_cmd(
    app: App, dataset: str, fmt: str, as_of: str | None, out: str | None, as_json: bool
) -> None:
    """Write a dataset (agreements, agencies, publications, rows, changes) as CSV, XLSX,
    Parquet, GeoJSON, JSON, Stata or SPSS, stating its as-of date, version and citation
    (for CSV in a NAME.datapackage.json written beside it)."""
    with app.db.connect() as conn:
        ds = build_dataset(conn, dataset, as_of=parse_day(as_of), geometry=fmt == "geojson")
        target = _target(out, ds.file_name(fmt))
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


def _target(out: str | None, name: str) -> Path:
    """The file to write: ``out`` itself, or ``name`` inside ``out`` when it is a folder
    (made when ``out`` ends with ``/``); never a file named like a missing folder."""
    if out is None:
        return Path(name)
    path = Path(out).expanduser()
    if out.endswith(("/", os.sep)):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            raise InvalidQuery(f"cannot make the folder {out}: {reason}") from None
    if path.is_dir():
        return path / name
    if not path.parent.is_dir():
        raise InvalidQuery(
            f"the folder {path.parent} does not exist (end the name with / to make it)"
        )
    return path


COMMANDS = (export_cmd,)
