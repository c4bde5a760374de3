"""CLI commands for the simulator: write a simulated history; score the database against it."""

from __future__ import annotations

from pathlib import Path

import click

from g287.interfaces import output
from g287.interfaces.cli_common import App, handle_errors, json_option, pass_app


@click.command("simulate")
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--publications",
    type=click.IntRange(min=2),
    default=60,
    show_default=True,
    help="Participating lists to write.",
)
@click.option(
    "--agreements",
    type=click.IntRange(min=3),
    default=400,
    show_default=True,
    help="Approximate size of the final participating list.",
)
@click.option("--no-pending", is_flag=True, help="Write participating lists only.")
@click.option(
    "--hard",
    is_flag=True,
    help="Also stage every hard case (co-listed nested names, chained renames, an "
    "uncorrected impossible year, duplicates, unreadable and wrong states, a truncated list).",
)
@json_option
@handle_errors
def simulate_cmd(
    out_dir: Path,
    seed: int,
    publications: int,
    agreements: int,
    no_pending: bool,
    hard: bool,
    as_json: bool,
) -> None:
    """Write realistic ICE-style workbooks from a seeded history, and that true history.

    Then: g287 score OUT_DIR (it imports the lists into OUT_DIR/workspace, never into
    your database, and scores them against OUT_DIR/truth).
    """
    from g287.simulate import simulate

    summary = simulate(
        out_dir,
        seed=seed,
        publications=publications,
        agreements=agreements,
        pending=not no_pending,
        hard=hard,
    )
    if as_json:
        output.emit_json(summary.as_dict())
    else:
        click.echo(f"wrote {out_dir}/sheets and {out_dir}/truth; next: g287 score {out_dir}")
        click.echo(str(summary))


@click.command("score")
@click.argument("sim_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--worst", type=click.IntRange(min=0), default=10, show_default=True,
    help="How many inexact agreements to print with their rows.",
)  # fmt: skip
@click.option(
    "--use-database", is_flag=True,
    help="Score the configured database (--db) instead of the simulation's own workspace: "
    "only if you imported the simulated lists there yourself.",
)  # fmt: skip
@json_option
@pass_app
@handle_errors
def score_cmd(app: App, sim_dir: Path, worst: int, use_database: bool, as_json: bool) -> None:
    """Score resolution against a simulation (the folder g287 simulate wrote, or its truth).

    The simulated lists are imported into SIM_DIR/workspace, a database and archive of
    their own (never yours), then scored: agreement grain (the share of true agreements
    whose rows are exactly one resolved agreement), per scenario, per-list as-of active
    counts, the worst cases with their rows, and the pairwise figures beside them."""
    from g287.simulate.score import report
    from g287.simulate.scoring import score_against
    from g287.simulate.workspace import score_simulation, simulation_folders

    if use_database:
        _sheets, truth = simulation_folders(sim_dir)
        with app.db.connect() as conn:
            result = score_against(conn, truth, worst=worst)
    else:
        result = score_simulation(sim_dir, worst=worst)
    if as_json:
        output.emit_json(result.as_dict())
        return
    for line in report(result):
        click.echo(line)


COMMANDS = (simulate_cmd, score_cmd)
