"""``g287 backfill --git``: every version of every workbook in a git archive."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from g287.app.gitarchive import backfill_git, git_versions
from g287.errors import InputError
from g287.interfaces import cli_backfill  # noqa: F401  (registers backfill)
from g287.interfaces.cli import cli
from g287.query.publication_stats import list_publications
from g287.store.archive import sha256_hex
from g287.store.publications import as_utc
from g287.store.schema import raw_files, sightings
from tests.fake_ice import CHALLENGE
from tests.test_fetch import RUNS

P = [RUNS[i][1]["participating"][1] for i in range(3)]
Q0 = RUNS[0][1]["pending"][1]
T = [
    datetime(2025, 5, 19, 3, tzinfo=UTC),
    datetime(2025, 5, 19, 16, tzinfo=UTC),
    datetime(2025, 5, 20, 16, tzinfo=UTC),
    datetime(2025, 5, 21, 16, tzinfo=UTC),
    datetime(2025, 5, 22, 16, tzinfo=UTC),
    datetime(2025, 5, 23, 16, tzinfo=UTC),
]


def git(repo: Path, *args: str, when: datetime | None = None) -> str:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="archivist",
        GIT_AUTHOR_EMAIL="a@example.org",
        GIT_COMMITTER_NAME="archivist",
        GIT_COMMITTER_EMAIL="a@example.org",
    )
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = when.isoformat()
    return subprocess.run(
        ["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit(repo: Path, files: dict[str, bytes], when: datetime, message: str) -> str:
    for rel, data in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def archive_repo(tmp_path) -> tuple[Path, list[str]]:
    """A community archive that overwrites one file in place, as ICE did in early 2025."""
    repo = tmp_path / "ice-archive"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    book = "ice/participatingAgencies.xlsx"
    commits = [
        commit(repo, {book: P[0], "README.md": b"ICE files\n"}, T[0], "add participating"),
        commit(repo, {book: P[1], "ice/pendingAgencies.xlsx": Q0}, T[1], "update; add pending"),
        commit(repo, {book: CHALLENGE}, T[2], "update (ICE served a challenge page)"),
        commit(repo, {book: P[2]}, T[3], "update"),
        commit(repo, {book: P[1]}, T[4], "ICE went back to an older file"),
        commit(repo, {"ice/copy/participatingAgencies05192025am.xlsx": P[1]}, T[5], "copy"),
    ]
    return repo, commits


def test_git_versions_lists_every_version_of_an_overwritten_file(archive_repo):
    repo, commits = archive_repo
    got = [(v.commit, v.path) for v in git_versions(repo)]
    book = "ice/participatingAgencies.xlsx"
    assert got == [
        (commits[0], book),
        (commits[1], book),
        (commits[1], "ice/pendingAgencies.xlsx"),
        (commits[2], book),
        (commits[3], book),
        (commits[4], book),
        (commits[5], "ice/copy/participatingAgencies05192025am.xlsx"),
    ]


def test_backfill_git_imports_each_distinct_version_once_with_its_commit(importer, archive_repo):
    repo, commits = archive_repo
    report = backfill_git(importer, repo)
    assert report.versions == 7 and len(report.items) == 5  # P0, P1, Q0, challenge, P2
    assert (report.count("new"), report.count("rejected")) == (4, 1)
    with importer.db.connect() as conn:
        pubs = list_publications(conn)
        seen = {
            sha: as_utc(t)
            for sha, t in conn.execute(select(raw_files.c.sha256, raw_files.c.first_seen))
        }
        sources = {(s.sha256, s.source) for s in conn.execute(select(sightings))}
    assert len(pubs) == 4
    where = str(repo.resolve())
    p1 = sha256_hex(P[1])
    assert seen[p1] == T[1]  # the earliest commit holding those bytes, not the revert's
    assert {src for sha, src in sources if sha == p1} == {
        f"git:{where}@{commits[1]}:ice/participatingAgencies.xlsx",
        f"git:{where}@{commits[5]}:ice/copy/participatingAgencies05192025am.xlsx",
    }
    # named (and dated) by the copy whose name carries ICE's date
    assert {p["file_name"] for p in pubs if p["sha256"] == p1} == {
        "participatingAgencies05192025am.xlsx"
    }
    rejected = next(i for i in report.items if i.status == "rejected")
    assert rejected.source == f"git:{where}@{commits[2]}:ice/participatingAgencies.xlsx"

    again = backfill_git(importer, repo)
    assert again.count("new") == 0 and again.count("held") == 4


def test_a_manifest_in_the_repository_dates_the_versions_it_lists(importer, archive_repo):
    repo, _ = archive_repo
    early = datetime(2025, 5, 17, 12, tzinfo=UTC)
    commit(
        repo,
        {
            "manifest.csv": (
                "file_name,sha256,first_seen_utc\n"
                f"participatingAgencies.xlsx,{sha256_hex(P[0])},2025-05-17T12:00:00Z\n"
            ).encode()
        },
        T[5],
        "manifest",
    )
    backfill_git(importer, repo)
    with importer.db.connect() as conn:
        first = conn.execute(
            select(raw_files.c.first_seen).where(raw_files.c.sha256 == sha256_hex(P[0]))
        ).scalar_one()
    assert as_utc(first) == early


def test_not_a_git_repository_is_one_error(importer, tmp_path):
    with pytest.raises(InputError) as caught:
        backfill_git(importer, tmp_path)
    assert caught.value.message.startswith("git rev-parse failed: fatal: not a git repository")


def test_backfill_git_command(settings, archive_repo, tmp_path):
    repo, _ = archive_repo
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(cli, ["backfill", "--git", str(repo)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[1/5") and "ice/participatingAgencies.xlsx" in lines[0]
    assert f"7 workbook version(s) in {repo.resolve()}, 5 distinct content(s)" in lines
    assert "imported 4 new, already held 0, rejected 1, failed 0" in lines
    result = CliRunner().invoke(cli, ["backfill", "--git", str(repo), "--json"], env=env)
    assert json.loads(result.stdout)["counts"]["held"] == 4
    plain = tmp_path / "plain"
    plain.mkdir()
    result = CliRunner().invoke(cli, ["backfill", "--git", str(plain)], env=env)
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    result = CliRunner().invoke(cli, ["backfill", "--git", str(repo), "--since", "2025"], env=env)
    assert result.exit_code == 2
    assert result.stderr == "Error: --since and --until apply to the Wayback Machine, not --git\n"


def test_a_missing_object_fails_one_version_not_the_run(importer, archive_repo):
    repo, _ = archive_repo
    blob = git(repo, "rev-parse", "HEAD~2:ice/participatingAgencies.xlsx")  # P[2]
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    report = backfill_git(importer, repo)
    failed = [i for i in report.items if i.status == "failed"]
    assert [i.version.blob for i in failed] == [blob]
    assert failed[0].reason and "git cat-file failed" in failed[0].reason
    assert report.count("new") == 3
