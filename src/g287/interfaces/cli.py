"""The ``g287`` command: a thin layer over the library. Each ``cli_*`` module holds a
family of commands and lists them in ``COMMANDS``; they are added here.

Exit codes (:data:`g287.interfaces.cli_common.EXIT_CODES`): 0 success; 1 some input
was rejected or a check failed; 2 bad usage or query; 3 configuration or database
error; 4 not found.
"""

from __future__ import annotations

import sys

import click

from g287.errors import G287Error
from g287.interfaces import (
    cli_archive,
    cli_backfill,
    cli_export,
    cli_feeds,
    cli_history,
    cli_lists,
    cli_moa,
    cli_places,
    cli_simulate,
    cli_update,
    cli_web,
    output,
)
from g287.interfaces.cli_common import STALE_OK, App
from g287.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="g287")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="G287_DATA_DIR",
    help="Folder for the archive and the default SQLite database [env G287_DATA_DIR].",
)
@click.option(
    "--db",
    "database_url",
    envvar="G287_DATABASE_URL",
    help="Database URL, e.g. postgresql://host/db [env G287_DATABASE_URL].",
)
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, database_url: str | None) -> None:
    """g287: ICE's 287(g) agreements, archived, read and reconstructed through time.

    \b
    Exit codes:
      0  success
      1  some input was rejected (the rest was imported), a QA check failed,
         or a claim disagrees
      2  bad usage or query
      3  configuration or database error (including a derived history that does
         not match the stored lists: re-run the import or `g287 rebuild`)
      4  not found
    """
    app = App(
        data_dir=data_dir,
        database_url=database_url,
        reads_history=ctx.invoked_subcommand not in STALE_OK,
    )
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    """Console-script entry point: one-line errors and meaningful exit codes."""
    try:
        cli.main(standalone_mode=False)
    except G287Error as exc:
        output.error(str(exc))
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        output.error("aborted")
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        output.error("interrupted")
        sys.exit(130)


for _family in (
    cli_lists,
    cli_history,
    cli_places,
    cli_export,
    cli_feeds,
    cli_moa,
    cli_update,
    cli_backfill,
    cli_archive,
    cli_simulate,
    cli_web,
):
    for _command in _family.COMMANDS:
        cli.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    main()
