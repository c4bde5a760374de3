"""CLI command copying the raw archive elsewhere (a local folder into a bucket, say)."""

from __future__ import annotations

from pathlib import Path

import click

from g287.interfaces import output
from g287.interfaces.cli_common import App, handle_errors, json_option, pass_app
from g287.store.archive import Archive, RawArchive, copy_archive
from g287.store.archives import open_archive


@click.command("copy-archive")
@click.argument("target")
@json_option
@pass_app
@handle_errors
def copy_archive_cmd(app: App, target: str, as_json: bool) -> None:
    """Copy the raw archive (every file, its sightings in order, the MOA fetch log and OCR
    cache) into TARGET, an s3://bucket/prefix URL or a folder. Copying again adds only
    what is missing. To move to object storage: copy, then set G287_ARCHIVE_URL."""
    source = open_archive(app.settings)
    destination: Archive
    if target.startswith("s3://"):
        from g287.store.archive_s3 import S3Archive

        destination = S3Archive(
            target, local=app.settings.archive_dir, endpoint_url=app.settings.s3_endpoint_url
        )
    else:
        destination = RawArchive(Path(target).expanduser())
    report = copy_archive(source, destination)
    if as_json:
        output.emit_json(
            {"source": source.location, "target": destination.location, **report.as_dict()}
        )
        return
    click.echo(
        f"{source.location} -> {destination.location}: {report.objects} file(s) copied, "
        f"{report.present} already there, {report.sightings} sighting(s) added, "
        f"{report.log_records} log record(s), {report.side_files} OCR cache file(s)"
    )


COMMANDS = (copy_archive_cmd,)
