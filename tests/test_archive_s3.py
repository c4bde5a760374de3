"""The raw archive on S3-compatible object storage, against a real server: moto in server
mode on 127.0.0.1 (a free port), started by these tests; no mock objects, no internet.

Host A imports the bundled sample with its archive in the bucket; host B (another data
folder, the same database URL and bucket) rebuilds the database and serves raw files and
downloads, and gets the same bytes and the same tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import httpx
import pytest
from click.testing import CliRunner
from moto.server import ThreadedMotoServer

from g287.app.importer import Importer
from g287.app.moa_library import import_moa
from g287.app.rebuild import rebuild
from g287.config import Settings
from g287.errors import ArchiveError, ConfigError, NotFound
from g287.interfaces.cli import cli
from g287.read.moa import ocr
from g287.sample import moa_dir
from g287.store import moa as moa_store
from g287.store.archive import RawArchive, Sighting
from g287.store.archive_s3 import S3Archive
from g287.store.archives import open_archive

from .api_support import api_client
from .conftest import SHEETS, dump_database

BUCKET = "g287-archive"
T0 = datetime(2025, 7, 8, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A real S3-compatible server on this machine, with test credentials only."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
            mp.delenv(name, raising=False)
        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        url = f"http://127.0.0.1:{port}"
        try:
            boto3.client("s3", endpoint_url=url).create_bucket(Bucket=BUCKET)
            yield url
        finally:
            server.stop()


@pytest.fixture
def archive_url(endpoint: str) -> str:
    """A prefix of its own for each test."""
    return f"s3://{BUCKET}/t-{uuid.uuid4().hex[:10]}"


def host(tmp_path: Path, name: str, db_url: str, archive_url: str, endpoint: str) -> Settings:
    """One host's settings: its own data folder, the shared database and bucket."""
    return Settings.from_env(
        {"G287_ARCHIVE_URL": archive_url, "G287_S3_ENDPOINT_URL": endpoint},
        data_dir=tmp_path / name,
        database_url=db_url,
    )


def _keys(endpoint: str, prefix: str) -> list[str]:
    listing = boto3.client("s3", endpoint_url=endpoint).list_objects_v2(
        Bucket=BUCKET, Prefix=prefix
    )
    return [item["Key"] for item in listing.get("Contents", [])]


def test_settings_choose_the_archive(tmp_path, endpoint, archive_url):
    local = Settings.from_env({}, data_dir=tmp_path)
    assert isinstance(open_archive(local), RawArchive)
    remote = Settings.from_env(
        {"G287_ARCHIVE_URL": archive_url, "G287_S3_ENDPOINT_URL": endpoint}, data_dir=tmp_path
    )
    archive = open_archive(remote)
    assert isinstance(archive, S3Archive)
    assert archive.location == archive_url + "/"
    assert archive.root == tmp_path / "archive"  # this host's working folder
    with pytest.raises(ConfigError, match="not an s3://bucket/prefix URL"):
        Settings.from_env({"G287_ARCHIVE_URL": "/srv/archive"}, data_dir=tmp_path)


def test_the_standard_aws_endpoint_variable_is_enough(tmp_path, endpoint, archive_url, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    archive = open_archive(Settings.from_env({"G287_ARCHIVE_URL": archive_url}, data_dir=tmp_path))
    sha = archive.put(b"bytes")
    assert archive.read(sha) == b"bytes"
    assert _keys(endpoint, archive_url.split("/", 3)[3] + "/objects/")


def test_objects_are_content_addressed_written_once_and_checked(tmp_path, endpoint, archive_url):
    archive = S3Archive(archive_url, local=tmp_path, endpoint_url=endpoint)
    data = (SHEETS / "sheets_20250519_024330").glob("*.xlsx").__next__().read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    assert not archive.has(sha)
    assert archive.put(data) == sha
    key = f"{archive.prefix}objects/{sha[:2]}/{sha}"
    assert _keys(endpoint, archive.prefix + "objects/") == [key]
    client = boto3.client("s3", endpoint_url=endpoint)
    first = client.head_object(Bucket=BUCKET, Key=key)["LastModified"]
    assert archive.put(data, sha) == sha  # again: skipped, the object is not rewritten
    assert client.head_object(Bucket=BUCKET, Key=key)["LastModified"] == first
    assert archive.has(sha) and archive.read(sha) == data
    assert archive.missing([sha, "0" * 64]) == {"0" * 64}
    assert not list(tmp_path.rglob("*"))  # nothing on this host's disk
    with pytest.raises(ArchiveError, match="have sha256"):
        archive.put(b"other bytes", sha)
    with pytest.raises(NotFound):
        archive.read("0" * 64)
    bad = "1" * 64  # an object whose bytes are not its name: refused on read
    client.put_object(Bucket=BUCKET, Key=f"{archive.prefix}objects/11/{bad}", Body=b"x")
    with pytest.raises(ArchiveError, match="does not match its sha256"):
        archive.read(bad)


def test_sightings_are_one_object_each_seen_in_order_from_every_host(
    tmp_path, endpoint, archive_url
):
    a = S3Archive(archive_url, local=tmp_path / "a", endpoint_url=endpoint)
    b = S3Archive(archive_url, local=tmp_path / "b", endpoint_url=endpoint)
    seen = [
        Sighting(
            "a" * 64,
            f"participatingAgencies0{i}012025am.xlsx",
            "test",
            f"2025-0{i}-01T00:00:00Z",
            10,
        )
        for i in range(1, 6)
    ]
    for s in seen[:3]:
        assert a.record(s)
    assert not a.record(seen[0]) and not b.record(seen[1])  # (sha, name, source) once
    for s in seen[3:]:
        assert b.record(s)
    assert a.sightings() == b.sightings() == seen
    assert len(_keys(endpoint, a.prefix + "sightings/")) == 5
    b.append_log("moa_fetches", {"url": "u1", "at": "2025-01-01T00:00:00Z"})
    a.append_log("moa_fetches", {"url": "u2", "at": "2025-01-02T00:00:00Z"})
    assert [r["url"] for r in a.read_log("moa_fetches")] == ["u1", "u2"]


def test_side_files_are_shared(tmp_path, endpoint, archive_url):
    a = S3Archive(archive_url, local=tmp_path / "a", endpoint_url=endpoint)
    b = S3Archive(archive_url, local=tmp_path / "b", endpoint_url=endpoint)
    (tmp_path / "a" / "ocr").mkdir(parents=True)
    (tmp_path / "a" / "ocr" / "x.json").write_text('{"version": 1}')
    a.push("ocr/x.json")
    b.pull("ocr/x.json")
    assert (tmp_path / "b" / "ocr" / "x.json").read_text() == '{"version": 1}'
    b.pull("ocr/absent.json")
    assert not (tmp_path / "b" / "ocr" / "absent.json").exists()


def test_an_unreachable_store_is_one_line_and_exit_3(tmp_path, endpoint, archive_url):
    env = {
        "G287_DATA_DIR": str(tmp_path),
        "G287_ARCHIVE_URL": archive_url,
        "G287_S3_ENDPOINT_URL": f"http://127.0.0.1:{_free_port()}",  # nothing listens
    }
    result = CliRunner().invoke(cli, ["rebuild", "--yes"], env=env)
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and archive_url in lines[0] and "Could not connect" in lines[0]


# Three captures of the sample (May and July 2025, six workbooks): enough lists for
# rebuild's order and the MOAs' links, an eighth of the work of all 46.
SAMPLE_FOLDERS = ("sheets_20250519_024330", "sheets_20250519_151802", "sheets_20250708_151823")


def _import_sample(imp: Importer) -> None:
    """Real workbooks of three capture days and the nine real MOA PDFs."""
    imp.import_paths([SHEETS / f for f in SAMPLE_FOLDERS], now=T0)
    for pdf in sorted(moa_dir().glob("*.pdf")):
        import_moa(imp, pdf.read_bytes(), name=pdf.name, source=pdf.name, seen_at=T0)


@pytest.mark.slow
def test_host_b_rebuilds_and_serves_what_host_a_imported(tmp_path, db_url, endpoint, archive_url):
    settings_a = host(tmp_path, "a", db_url, archive_url, endpoint)
    settings_b = host(tmp_path, "b", db_url, archive_url, endpoint)
    imp_a = Importer.from_settings(settings_a)
    _import_sample(imp_a)
    before = dump_database(imp_a)
    assert not (tmp_path / "a" / "archive" / "objects").exists()  # the bytes are in the bucket
    assert not (tmp_path / "a" / "archive" / "sightings.jsonl").exists()
    files = {
        hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes()
        for f in SAMPLE_FOLDERS
        for p in (SHEETS / f).glob("*.xlsx")
    }
    assert len(files) >= 6

    env_b = {
        "G287_DATA_DIR": str(settings_b.data_dir),
        "G287_DATABASE_URL": db_url,
        "G287_ARCHIVE_URL": archive_url,
        "G287_S3_ENDPOINT_URL": endpoint,
    }
    result = CliRunner().invoke(cli, ["rebuild", "--yes", "--json"], env=env_b)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"]["accepted"] == len(files)
    imp_b = Importer.from_settings(settings_b)
    assert dump_database(imp_b) == before  # the same raw, derived and MOA tables
    assert not (tmp_path / "b" / "archive" / "objects").exists()

    with api_client(imp_b, settings=settings_b) as api:
        pubs = api.get("/api/publications?limit=100").json()["data"]
        assert len(pubs) == len(files)
        for pub in (pubs[0], pubs[-1]):
            r = api.get(f"/api/publications/{pub['id']}/raw")
            assert r.status_code == 200, r.text
            assert r.headers["x-sha256"] == pub["sha256"]
            assert r.content == files[pub["sha256"]]
        download = api.get("/api/downloads/agreements.csv")
        assert download.status_code == 200, download.text
    with api_client(imp_a, settings=settings_a) as api:
        assert api.get("/api/downloads/agreements.csv").content == download.content
    imp_a.db.dispose()
    imp_b.db.dispose()


def test_raw_answers_503_when_the_store_is_unreachable(tmp_path, endpoint, archive_url):
    db_url = f"sqlite:///{tmp_path / 'g287.sqlite'}"
    imp = Importer.from_settings(host(tmp_path, "a", db_url, archive_url, endpoint))
    imp.import_paths([SHEETS / "sheets_20250519_024330"], now=T0)
    dead = host(tmp_path, "b", db_url, archive_url, f"http://127.0.0.1:{_free_port()}")
    with api_client(imp, settings=dead) as api:
        pub = api.get("/api/publications?limit=1").json()["data"][0]
        r = api.get(f"/api/publications/{pub['id']}/raw")
    assert r.status_code == 503
    error = r.json()["error"]
    assert error["code"] == "archive" and archive_url in error["message"]
    imp.db.dispose()


@pytest.mark.skipif(not ocr.available(), reason="tesseract or Pillow not installed")
def test_ocr_read_on_host_a_is_reused_by_host_b(
    tmp_path, db_url, endpoint, archive_url, monkeypatch
):
    from .test_moa_import import scanned_page

    settings_a = host(tmp_path, "a", db_url, archive_url, endpoint)
    imp_a = Importer.from_settings(settings_a)
    data = scanned_page()
    import_moa(imp_a, data, name="Laramie_scanned_page.PDF", source="test", seen_at=T0, ocr=True)
    sha = hashlib.sha256(data).hexdigest()
    assert f"{imp_a.archive.prefix}ocr/{sha}.json" in _keys(endpoint, imp_a.archive.prefix + "ocr/")
    with imp_a.db.connect() as conn:
        before = moa_store.documents(conn)

    def no_engine(image, box):
        raise AssertionError("host B must reuse host A's OCR, not run Tesseract")

    monkeypatch.setattr(ocr, "read_words", no_engine)
    imp_b = Importer.from_settings(host(tmp_path, "b", db_url, archive_url, endpoint))
    rebuild(imp_b)
    with imp_b.db.connect() as conn:
        after = moa_store.documents(conn)
    assert after == before and after[0]["pages"][0]["ocr_confidence"] > 80
    assert (tmp_path / "b" / "archive" / "ocr" / f"{sha}.json").exists()  # pulled
    imp_a.db.dispose()
    imp_b.db.dispose()


def test_copy_archive_moves_a_local_archive_into_the_bucket(
    tmp_path, db_url, endpoint, archive_url
):
    local = Settings.from_env({}, data_dir=tmp_path / "a", database_url=db_url)
    imp = Importer.from_settings(local)
    imp.import_paths([SHEETS / "sheets_20250519_024330", SHEETS / "sheets_20250520_151813"])
    dead = {"url": "https://www.ice.gov/x.pdf", "at": "2025-07-08T00:00:00Z", "http_status": 404}
    imp.archive.append_log("moa_fetches", dead)
    rebuild(imp)  # the dead link is in the tables too
    before = dump_database(imp)
    env = {
        "G287_DATA_DIR": str(tmp_path / "a"),
        "G287_DATABASE_URL": db_url,
        "G287_S3_ENDPOINT_URL": endpoint,
    }
    first = CliRunner().invoke(cli, ["copy-archive", archive_url, "--json"], env=env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    files = len({s.sha256 for s in imp.archive.sightings()})
    assert (report["objects"], report["present"]) == (files, 0)
    assert report["sightings"] == len(imp.archive.sightings()) and report["log_records"] == 1
    again = CliRunner().invoke(cli, ["copy-archive", archive_url, "--json"], env=env)
    assert json.loads(again.output)["objects"] == json.loads(again.output)["sightings"] == 0
    remote = S3Archive(archive_url, local=tmp_path / "b", endpoint_url=endpoint)
    assert remote.sightings() == imp.archive.sightings()
    assert remote.read_log("moa_fetches") == imp.archive.read_log("moa_fetches")

    imp_b = Importer.from_settings(host(tmp_path, "b", db_url, archive_url, endpoint))
    rebuild(imp_b)
    assert dump_database(imp_b) == before
    imp.db.dispose()
    imp_b.db.dispose()


def _serve(db_url: str, data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    """`g287 serve` as its own process; what it says goes to <data dir>.log."""
    command = [sys.executable, "-m", "g287", "--db", db_url, "--data-dir", str(data_dir)]
    with open(f"{data_dir}.log", "w") as log:
        return subprocess.Popen(
            [*command, "serve", "--port", str(port), "--empty"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _wait_ready(base: str, server: subprocess.Popen[str], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()}")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} not ready in {seconds} s: {log.read_text()}")


@pytest.mark.slow
def test_two_servers_on_two_hosts_answer_from_one_database_and_one_bucket(
    tmp_path, db_url, endpoint, archive_url
):
    """Two real `g287 serve` processes, separate data folders, one database, one bucket:
    what host A imports, host B answers within about a second, raw files and downloads
    included."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("G287_")}
    env |= {"G287_ARCHIVE_URL": archive_url, "G287_S3_ENDPOINT_URL": endpoint}
    settings_a = host(tmp_path, "a", db_url, archive_url, endpoint)
    imp_a = Importer.from_settings(settings_a)  # the schema, before the servers start
    ports = [_free_port(), _free_port()]
    servers = [
        _serve(db_url, tmp_path / name, port, env)
        for name, port in zip(("a", "b"), ports, strict=True)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, server, name in zip(bases, servers, "ab", strict=True):
            _wait_ready(base, server, tmp_path / f"{name}.log")
        assert httpx.get(bases[1] + "/api/publications").json()["count"] == 0
        folder = SHEETS / "sheets_20250519_024330"
        imp_a.import_paths([folder], now=T0)
        imported = time.monotonic()
        count = len(list(folder.glob("*.xlsx")))
        while httpx.get(bases[1] + "/api/publications").json()["count"] != count:
            assert time.monotonic() - imported < 3, "host B still answers the old state"
            time.sleep(0.1)
        pub = httpx.get(bases[1] + "/api/publications").json()["data"][0]
        data = {
            hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes()
            for p in folder.glob("*.xlsx")
        }
        for base in bases:
            raw = httpx.get(f"{base}/api/publications/{pub['id']}/raw", timeout=30)
            assert raw.status_code == 200 and raw.content == data[pub["sha256"]]
        csvs = [httpx.get(f"{base}/api/downloads/agreements.csv", timeout=60) for base in bases]
        assert [r.status_code for r in csvs] == [200, 200]
        assert csvs[0].content == csvs[1].content and csvs[0].content.count(b"\n") > 100
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        imp_a.db.dispose()
