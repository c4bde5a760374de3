"""The fetcher against a fake ice.gov on 127.0.0.1: history, conditional requests, faults,
the lock, crashes (including SIGKILL mid-download) and the ``g287 update`` command."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from g287.acquire.http import FetchError, FetchPolicy, user_agent
from g287.acquire.lock import LOCK_NAME, UpdateLocked, exclusive_lock
from g287.app.importer import Importer
from g287.app.rebuild import rebuild
from g287.app.update import STATE_NAME, parse_interval, response_file_name, update, watch
from g287.app.update_state import FetchState, UpdateReport
from g287.config import Settings
from g287.errors import InvalidQuery
from g287.interfaces import cli_update  # noqa: F401  (registers update and import-page)
from g287.interfaces.cli import cli
from g287.query.publication_stats import list_publications
from g287.read.page import WorkbookLink
from g287.resolve.qa import run_checks
from g287.store.archive import parse_utc, sha256_hex
from g287.store.publications import as_utc
from g287.store.schema import raw_files, sightings
from tests.conftest import ROOT, SHEETS, dump_database, make_db_url
from tests.fake_ice import CHALLENGE, PAGE_PATH, FakeIce, Fault

FAST = FetchPolicy(timeout=2.0, connect_timeout=2.0, retries=2, backoff=0.01)


# --- fixtures and helpers -------------------------------------------------------------


@pytest.fixture
def ice() -> Iterator[FakeIce]:
    with FakeIce() as server:
        yield server


@pytest.fixture
def make_importer(db_url: str, tmp_path: Path) -> Iterator[Callable[[str], Importer]]:
    """More importers on the same backend as ``importer`` (for reference histories)."""
    backend = "postgres" if db_url.startswith("postgresql") else "sqlite"
    made: list[tuple[Importer, Iterator[str]]] = []

    def factory(name: str) -> Importer:
        folder = tmp_path / name
        folder.mkdir()
        urls = make_db_url(backend, folder)
        settings = Settings.from_env({}, data_dir=folder, database_url=next(urls))
        imp = Importer.from_settings(settings)
        made.append((imp, urls))
        return imp

    yield factory
    for imp, urls in made:
        imp.db.dispose()
        for _ in urls:
            pass


def manifest_runs() -> list[tuple[datetime, dict[str, tuple[str, bytes]]]]:
    """The bundled files as ICE's site served them: one run per folder, in order."""
    runs: dict[str, tuple[datetime, dict[str, tuple[str, bytes]]]] = {}
    with open(SHEETS / "manifest.csv", newline="") as handle:
        for rec in csv.DictReader(handle):
            seen = parse_utc(rec["first_seen_utc"])
            files = runs.setdefault(rec["folder"], (seen, {}))[1]
            data = (SHEETS / rec["folder"] / rec["file_name"]).read_bytes()
            files[rec["kind"]] = (rec["file_name"], data)
    return sorted(runs.values(), key=lambda r: r[0])


RUNS = manifest_runs()


def publish(ice: FakeIce, files: dict[str, tuple[str, bytes]], layout: str = "2025") -> None:
    ice.publish(files.get("participating"), files.get("pending"), layout=layout)


def history(imp: Importer) -> dict[str, list[tuple[Any, ...]]]:
    """Every table, with where each file came from masked (a URL here, a path from disk)."""
    dump = dump_database(imp)
    where = {
        raw_files.name: list(raw_files.columns.keys()).index("first_source"),
        sightings.name: list(sightings.columns.keys()).index("source"),
    }
    for table, col in where.items():
        dump[table] = sorted(
            (tuple(None if i == col else v for i, v in enumerate(row)) for row in dump[table]),
            key=repr,
        )
    return dump


def from_disk(imp: Importer, runs: list[tuple[datetime, dict[str, tuple[str, bytes]]]]) -> None:
    for seen, files in runs:
        for name, data in files.values():
            result = imp.import_bytes(data, name=name, source=f"/disk/{name}", seen_at=seen)
            assert result.outcome in ("accepted", "duplicate", "unchanged"), result
    imp.resolve()


def publication_ids(imp: Importer) -> set[str]:
    return {row[0] for row in dump_database(imp, derived=False)["publications"]}


def checks_pass(imp: Importer) -> None:
    with imp.db.connect() as conn:
        failed = [c for c in run_checks(conn) if not c.passed]
    assert not failed, failed


def only_line(report: UpdateReport, kind: str) -> str:
    lines = [f.line() for f in report.files if f.kind == kind]
    assert len(lines) == 1 and "\n" not in lines[0]
    return lines[0]


# --- history over a changing site --------------------------------------------------------


@pytest.mark.slow
def test_updates_over_time_equal_importing_the_same_files(ice, importer, make_importer):
    """23 updates over a changing site whose page switches between ICE's 2025 and 2026
    layouts from one run to the next (both layouts, and the switch, in one history)."""
    for n, (seen, files) in enumerate(RUNS):
        publish(ice, files, ("2025", "2026")[n % 2])
        report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
        assert report.ok, report.lines()
        assert {f.status for f in report.files} <= {"new", "not_modified"}
    expected = make_importer("disk")
    from_disk(expected, RUNS)
    assert history(importer) == history(expected)
    checks_pass(importer)

    # each workbook was downloaded exactly once; every other request was a 304
    workbooks = [h for h in ice.hits if h.path != PAGE_PATH]
    assert sum(h.status == 200 for h in workbooks) == sum(len(f) for _, f in RUNS) == 46
    assert {h.status for h in workbooks} == {200, 304}
    assert all(h.headers["User-Agent"] == user_agent() for h in ice.hits)

    # the archive alone rebuilds the same database
    before = dump_database(importer)
    rebuild(importer)
    assert dump_database(importer) == before


def test_conditional_requests_avoid_downloading_again(ice, importer):
    seen, files = RUNS[0]
    publish(ice, files)
    first = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert [f.status for f in first.files] == ["new", "new"] and first.resolved
    ice.reset_hits()
    before = dump_database(importer)
    second = update(importer, base_url=ice.page_url, now=seen + timedelta(hours=1), policy=FAST)
    assert [f.status for f in second.files] == ["not_modified", "not_modified"]
    assert not second.resolved and second.ok
    assert ice.count(status=200) == 0 and ice.count(status=304) == 3  # page + 2 workbooks
    conditional = ice.requests(ice.path_of("participating"))[0].headers
    assert conditional["If-None-Match"].startswith('"') and conditional["If-Modified-Since"]
    assert dump_database(importer) == before


def test_a_lost_state_file_costs_one_download_and_changes_nothing(ice, importer):
    seen, files = RUNS[0]
    publish(ice, files)
    update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    before = dump_database(importer)
    (importer.archive.root / STATE_NAME).write_text("{not json")
    report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert [f.status for f in report.files] == ["held", "held"]
    assert dump_database(importer) == before


def test_what_changed_is_reported(ice, importer):
    for seen, files in RUNS[:2]:
        publish(ice, files)
        report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert report.changes is not None
    assert report.changes["from"]["label"] == "part 05162025am"
    assert report.changes["to"]["label"] == "part 05192025am"
    assert report.changes["counts"]["added"] == 10
    assert report.events and {e["publication_id"] for e in report.events} <= set(
        report.new_publications
    )
    assert "changes from part 05162025am to part 05192025am: 10 added" in "\n".join(report.lines())


# --- faults ---------------------------------------------------------------------------------


def _two_runs(ice: FakeIce, importer: Importer) -> tuple[datetime, dict[str, tuple[str, bytes]]]:
    """Import the first publication; serve the second (the caller injects faults)."""
    seen, files = RUNS[0]
    publish(ice, files)
    update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    seen, files = RUNS[1]
    publish(ice, files)
    ice.reset_hits()
    return seen, files


FAULTS = {
    # name: (faults on the participating workbook, expected status, words in its line, requests)
    "slow": ([Fault("delay", 0.3)], "new", "new publication", 1),
    "500 then fine": ([Fault("status", status=500)] * 2, "new", "new publication", 3),
    "503 always": ([Fault("status", status=503)] * 3, "failed", "HTTP 503 after 3 attempt(s)", 3),
    "429 with Retry-After": (
        [Fault("status", status=429, headers={"Retry-After": "1"})],
        "new",
        "new publication",
        2,
    ),
    "429 asking too much": (
        [Fault("status", status=429, headers={"Retry-After": "3600"})],
        "failed",
        "HTTP 429, asked to retry after 3600 s (over the 300 s cap); try later",
        1,
    ),
    "timeout": ([Fault("delay", 3.0)] * 3, "failed", "timed out after 3 attempt(s)", 3),
    "timeout then fine": ([Fault("delay", 3.0)], "new", "new publication", 2),
    "truncated then fine": ([Fault("truncate")], "new", "new publication", 2),
    "truncated always": (
        [Fault("truncate")] * 3,
        "failed",
        "the connection closed before the whole response arrived after 3 attempt(s)",
        3,
    ),
    "challenge page": (
        [Fault("body")],
        "rejected",
        "rejected, an HTML page, not a workbook (archived as evidence, sha256",
        1,
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_each_fault_is_reported_in_one_line_and_leaves_the_database_consistent(
    ice, importer, make_importer, name
):
    faults, status, words, requests = FAULTS[name]
    seen, files = _two_runs(ice, importer)
    path = ice.path_of("participating")
    ice.fail(path, *faults)
    waits: list[float] = []
    policy = FetchPolicy(
        timeout=1.0, connect_timeout=1.0, retries=2, backoff=0.01, sleep=waits.append
    )
    report = update(importer, base_url=ice.page_url, now=seen, policy=policy)
    line = only_line(report, "participating")
    assert words in line, line
    assert report.files[0].status == status
    assert ice.count(path) == requests
    assert report.ok == (status == "new")
    if name == "429 with Retry-After":
        assert waits == [1.0]
    if name == "500 then fine":
        assert waits == [0.01, 0.02]

    # consistent: the history equals importing from disk exactly what was accepted
    accepted = [(seen0, f) for seen0, f in RUNS[:1]]
    if status == "new":
        accepted.append((seen, files))
    else:
        accepted.append((seen, {"pending": files["pending"]}))
    reference = make_importer("reference")
    from_disk(reference, accepted)
    mine, theirs = history(importer), history(reference)
    for table in ("raw_files", "sightings"):
        mine.pop(table), theirs.pop(table)
    assert mine == theirs
    checks_pass(importer)
    if status == "rejected":
        with importer.db.connect() as conn:
            row = (
                conn.execute(raw_files.select().where(raw_files.c.status == "rejected"))
                .mappings()
                .one()
            )
        assert importer.archive.read(row["sha256"]) == CHALLENGE
        assert row["error_kind"] == "not_a_workbook"

    # the next run completes what this one could not
    ice.clear_faults()
    later = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert later.ok
    expected = make_importer("expected")
    from_disk(expected, RUNS[:2])
    mine, theirs = history(importer), history(expected)
    if status == "rejected":  # the challenge page stays in the archive, as evidence
        mine["raw_files"] = [r for r in mine["raw_files"] if "rejected" not in r]
        mine["sightings"] = [r for r in mine["sightings"] if r[0] != row["sha256"]]
    assert mine == theirs


def test_a_truncated_workbook_is_rejected_and_archived(ice, importer):
    seen, files = _two_runs(ice, importer)
    data = files["participating"][1]
    ice.put(ice.path_of("participating"), data[: len(data) // 2])
    report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    line = only_line(report, "participating")
    assert "rejected, truncated or corrupt workbook" in line and "archived as evidence" in line
    assert importer.archive.has(report.files[0].sha256 or "")
    # no validators are kept for rejected bytes: the next run asks again, in full
    ice.put(ice.path_of("participating"), data)
    ice.reset_hits()
    again = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert again.files[0].status == "new"
    assert "If-None-Match" not in ice.requests(ice.path_of("participating"))[0].headers


def test_a_missing_workbook_fails_without_retrying(ice, importer):
    seen, _ = _two_runs(ice, importer)
    ice.remove(ice.path_of("pending"))
    report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert only_line(report, "pending").endswith("failed, HTTP 404")
    assert ice.count(ice.path_of("pending")) == 1
    assert report.files[0].status == "new" and not report.ok


def test_a_challenge_page_instead_of_the_287g_page(ice, importer):
    seen, _ = _two_runs(ice, importer)
    before = dump_database(importer)
    ice.fail(PAGE_PATH, Fault("body"))
    with pytest.raises(FetchError) as caught:
        update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert str(caught.value) == (
        f"{ice.page_url}: no workbook link on the page (a page titled 'Just a moment...'; archived)"
    )
    pages = [s for s in importer.archive.sightings() if s.role == "page"]
    assert importer.archive.read(pages[-1].sha256) == CHALLENGE
    assert dump_database(importer) == before


def test_the_page_down(ice, importer):
    seen, _ = _two_runs(ice, importer)
    ice.fail_always(PAGE_PATH, Fault("status", status=502))
    with pytest.raises(FetchError, match=r"287g: HTTP 502 after 3 attempt\(s\)$"):
        update(importer, base_url=ice.page_url, now=seen, policy=FAST)


def test_a_page_without_the_pending_link_is_a_problem_not_a_failure(ice, importer):
    seen, files = RUNS[0]
    ice.publish(files["participating"])
    report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert report.problems == [f"{ice.page_url}: no pending workbook link on the page"]
    assert [f.status for f in report.files] == ["new"] and not report.ok


def test_a_moved_link_and_a_changed_workbook_under_the_same_name(ice, importer):
    seen, files = RUNS[0]
    publish(ice, files, "2026")
    old = ice.path_of("participating")
    update(importer, base_url=ice.page_url, now=seen, policy=FAST)

    # ICE moves the file: same bytes, new path; found by reading the page
    ice.publish(files["participating"], layout="2026", move=True)
    assert ice.path_of("participating") != old
    moved = update(importer, base_url=ice.page_url, now=seen + timedelta(hours=1), policy=FAST)
    assert moved.page_status.endswith("(changed since the last update)")
    assert moved.files[0].status == "held" and moved.files[0].url == ice.url(
        ice.path_of("participating")
    )
    with importer.db.connect() as conn:
        sources = {r.source for r in conn.execute(sightings.select())}
    assert ice.url(old) in sources and ice.url(ice.path_of("participating")) in sources

    # ICE replaces the workbook under the same name: a second publication
    name = files["participating"][0]
    other = next(f["participating"][1] for _, f in RUNS[1:] if "participating" in f)
    ice.publish((name, other), layout="2026")
    changed = update(importer, base_url=ice.page_url, now=seen + timedelta(hours=2), policy=FAST)
    assert changed.files[0].status == "new" and changed.files[0].name == name
    with importer.db.connect() as conn:
        labels = [p["label"] for p in list_publications(conn, "participating")]
    assert labels == ["part 05162025am#1", "part 05162025am#2"]


def test_file_names_come_from_content_disposition_or_the_url():
    import httpx

    link = WorkbookLink("https://x/file-download/download/public/1", "Pending Agencies", "pending")
    name = response_file_name(
        httpx.Headers(
            {"content-disposition": "attachment; filename*=UTF-8''pendingAgencies%2001.xlsx"}
        ),
        link.url,
        link,
    )
    assert name == "pendingAgencies 01.xlsx"
    assert response_file_name(httpx.Headers(), link.url, link) == "pendingAgencies.xlsx"
    assert (
        response_file_name(
            httpx.Headers({"content-disposition": 'attachment; filename="../../evil/p.xlsx"'}),
            link.url,
            link,
        )
        == "p.xlsx"
    )
    wayback = WorkbookLink(
        "https://web.archive.org/web/20250601000000/https://www.ice.gov/doclib/x/"
        "participatingAgencies05302025pm.xlsx",
        "",
        "participating",
    )
    assert response_file_name(httpx.Headers(), wayback.url, wayback) == (
        "participatingAgencies05302025pm.xlsx"
    )


# --- crashes ----------------------------------------------------------------------------------


def test_a_crash_inside_an_import_is_completed_by_the_next_run(
    ice, importer, make_importer, monkeypatch
):
    from g287.store import publications as store

    seen, _ = _two_runs(ice, importer)
    real = store.insert_publication

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(store, "insert_publication", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    monkeypatch.setattr(store, "insert_publication", real)
    state = FetchState.load(importer.archive.root / STATE_NAME)
    assert state.resolve_pending
    assert ice.url(ice.path_of("participating")) not in state.data["urls"]

    report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert [f.status for f in report.files] == ["new", "new"] and report.resolved
    expected = make_importer("expected")
    from_disk(expected, RUNS[:2])
    assert history(importer) == history(expected)


def test_a_crash_before_resolving_is_resolved_by_the_next_run(
    ice, importer, make_importer, monkeypatch
):
    seen, _ = _two_runs(ice, importer)

    def crash() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "resolve", crash)
    with pytest.raises(KeyboardInterrupt):
        update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    monkeypatch.undo()
    # nothing new to download, yet the history is brought up to date
    report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert [f.status for f in report.files] == ["not_modified", "not_modified"]
    assert report.resolved
    assert not FetchState.load(importer.archive.root / STATE_NAME).resolve_pending
    expected = make_importer("expected")
    from_disk(expected, RUNS[:2])
    assert history(importer) == history(expected)


def _run_cli(settings: Settings, *args: str) -> subprocess.Popen[bytes]:
    code = "from g287.interfaces import cli_update\nfrom g287.interfaces.cli import main\nmain()\n"
    cmd = [sys.executable, "-c", code, "--data-dir", str(settings.data_dir)]
    cmd += ["--db", settings.database_url, *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.parametrize("stalled", ["participating", "pending"])
def test_sigkill_mid_download_loses_nothing(ice, importer, settings, make_importer, stalled):
    seen, _ = _two_runs(ice, importer)
    path = ice.path_of(stalled)
    ice.fail(path, Fault("stall", 30.0))
    proc = _run_cli(settings, "update", "--url", ice.page_url, "--timeout", "60")
    deadline = time.monotonic() + 30
    while ice.count(path) == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)  # inside the body now
    assert proc.poll() is None, proc.communicate()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    # the lock died with the process
    with exclusive_lock(importer.archive.root / LOCK_NAME):
        pass
    state = FetchState.load(importer.archive.root / STATE_NAME)
    assert ice.url(path) not in state.data["urls"]
    with importer.db.connect() as conn:
        pubs = {p["file_name"]: p for p in list_publications(conn)}
    if stalled == "participating":  # killed before anything new was imported
        assert set(pubs) == {name for name, _ in RUNS[0][1].values()}
        checks_pass(importer)
    else:  # the participating list was imported whole; resolving is left to the next run
        assert RUNS[1][1]["participating"][0] in pubs and state.resolve_pending

    ice.clear_faults()
    report = update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    assert report.ok and report.resolved
    checks_pass(importer)
    # the killed process saw the participating list at its own clock: use the times recorded
    with importer.db.connect() as conn:
        first_seen = {r.sha256: r.first_seen for r in conn.execute(raw_files.select())}
    runs = [
        (as_utc(first_seen[sha256_hex(data)]), {kind: (name, data)})
        for _, files in RUNS[:2]
        for kind, (name, data) in files.items()
    ]
    expected = make_importer("expected")
    from_disk(expected, runs)
    assert history(importer) == history(expected)


# --- the lock -----------------------------------------------------------------------------------


def test_a_second_update_is_refused_while_one_runs(ice, importer):
    seen, files = RUNS[0]
    publish(ice, files)
    ice.fail(ice.path_of("participating"), Fault("stall", 1.0))
    first: list[UpdateReport] = []
    worker = threading.Thread(
        target=lambda: first.append(update(importer, base_url=ice.page_url, now=seen, policy=FAST))
    )
    worker.start()
    deadline = time.monotonic() + 10
    while ice.count(ice.path_of("participating")) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(UpdateLocked) as caught:
        update(importer, base_url=ice.page_url, now=seen, policy=FAST)
    worker.join()
    message = str(caught.value)
    assert message == (
        f"another g287 update is running (pid {os.getpid()}); lock "
        f"{importer.archive.root / LOCK_NAME}"
    )
    assert first and first[0].ok
    assert update(importer, base_url=ice.page_url, now=seen, policy=FAST).ok  # free again


def test_the_cli_refuses_a_second_update_in_one_line(ice, importer, settings):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    with exclusive_lock(importer.archive.root / LOCK_NAME):
        result = CliRunner().invoke(cli, ["update", "--url", ice.page_url], env=env)
    assert result.exit_code == 3
    lock = importer.archive.root / LOCK_NAME
    assert result.stderr == (
        f"Error: another g287 update is running (pid {os.getpid()}); lock {lock}\n"
    )


# --- the command and the loop -------------------------------------------------------------------


def test_update_command(ice, settings):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    files = RUNS[0][1]
    publish(ice, files)
    result = CliRunner().invoke(cli, ["update", "--url", ice.page_url, "--retries", "1"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(f"{ice.page_url}: 2 workbook link(s)")
    assert lines[1] == (
        "participating: participatingAgencies05162025am.xlsx: new publication pb_46f827da806f,"
        " 571 rows"
    )
    assert lines[-1].startswith("2 workbook link(s): 2 new")

    result = CliRunner().invoke(cli, ["update", "--url", ice.page_url, "--json"], env=env)
    payload = json.loads(result.stdout)
    assert [f["status"] for f in payload["files"]] == ["not_modified", "not_modified"]

    ice.publish(pending=("pendingAgencies05192025am.xlsx", RUNS[1][1]["pending"][1]))
    ice.fail(ice.path_of("pending"), Fault("body"))
    result = CliRunner().invoke(cli, ["update", "--url", ice.page_url], env=env)
    assert result.exit_code == 1
    assert (
        "pending: " in result.stdout and "rejected, an HTML page, not a workbook" in result.stdout
    )


def test_update_command_watch_stops_cleanly_on_ctrl_c(ice, settings, monkeypatch):
    env = {"G287_DATA_DIR": str(settings.data_dir), "G287_DATABASE_URL": settings.database_url}
    files = RUNS[0][1]
    publish(ice, files)
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", nap)
    args = ["update", "--url", ice.page_url, "--watch", "--interval", "1h30m", "--json"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert naps == [5400.0, 5400.0]
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[f["status"] for f in r["files"]] for r in runs] == [
        ["new", "new"],
        ["not_modified", "not_modified"],
    ]
    assert result.stderr == "Error: stopped\n"

    short = CliRunner().invoke(cli, ["update", "--watch", "--interval", "10s"], env=env)
    assert short.exit_code == 2
    assert short.stderr == "Error: --interval 10s is shorter than a minute\n"


def test_watch_goes_on_after_a_failed_run():
    outcomes: list[Any] = [FetchError("HTTP 500", source="u"), "report"]
    seen: list[str] = []

    def run() -> Any:
        item = outcomes.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    done = watch(
        run,
        60,
        on_report=lambda r: seen.append(f"ok {r}"),
        on_error=lambda e: seen.append(f"error {e}"),
        sleep=lambda s: None,
        runs=2,
    )
    assert done == 2 and seen == ["error u: HTTP 500", "ok report"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("1d", 86400)],
)
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "soon", "1x", "h"])
def test_parse_interval_refuses_nonsense(text):
    with pytest.raises(InvalidQuery):
        parse_interval(text)


def test_user_agent_names_g287_its_version_and_a_contact():
    from g287 import __version__

    assert user_agent().startswith(f"g287/{__version__} (+https://")


def test_a_bad_url_is_one_line_and_not_retried():
    from g287.acquire.http import get, make_client

    with make_client(FAST) as client, pytest.raises(FetchError) as caught:
        get(client, "www.ice.gov/identify-and-arrest/287g", policy=FAST)
    assert str(caught.value) == (
        "www.ice.gov/identify-and-arrest/287g: UnsupportedProtocol: Request URL is missing"
        " an 'http://' or 'https://' protocol"
    )
