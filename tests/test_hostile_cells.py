"""Security at the edges: a workbook whose cells are hostile (formulas, ``javascript:``
links, LIKE wildcards) goes through import, the CLI export and the API downloads
without any of it reaching a spreadsheet as a formula or a browser as a link."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from g287.app.importer import Importer
from g287.interfaces.cli import cli
from g287.interfaces.csv_safe import FORMULA_STARTS, SafeWriter, neutralize
from g287.query.urls import URL_KEYS, public_link
from tests.api_support import ApiClient, api_client
from tests.workbooks import build

HOSTILE = [
    "=cmd|' /C calc'!A0 County Sheriff's Office",
    "+SUM(1+1) Police Department",
    "-2+3 Sheriff's Office",
    "@SUM(A1) Marshal's Office",
]
ROWS = [
    ("FL", HOSTILE[0], "County", "Hillsborough", "Jail Enforcement Model", date(2025, 1, 2)),
    ("FL", HOSTILE[1], "Municipality", "Orange", "Task Force Model", date(2025, 1, 3)),
    ("TX", HOSTILE[2], "County", "Harris", "Warrant Service Officer", date(2025, 1, 4)),
    ("TX", HOSTILE[3], "Municipality", "Dallas", "Task Force Model", date(2025, 1, 5)),
    ("GA", "\t=1+1 Police Department", "Municipality", "Fulton", "Task Force Model", None),
    ("GA", "Cobb County Sheriff's Office", "County", "Cobb", "Jail Enforcement Model", None),
    ("GA", "Task_Force 100% Unit", "State Agency", "", "Task Force Model", None),
]
ICE_MOA = "https://www.ice.gov/doclib/287gMOA/287gJEM_CobbCoGA_2025-01-06.pdf"
LINKS = {
    (0, "MOA"): "javascript:alert(2)",
    (1, "MOA"): "data:text/html,<script>alert(1)</script>",
    (2, "MOA"): "vbscript:msgbox(1)",
    (3, "MOA"): "https://evil.example/287g.pdf",
    (5, "MOA"): ICE_MOA,
}


def hostile_workbook(folder: Path, name: str = "participatingAgencies07012025am.xlsx") -> Path:
    """The hostile rows; a later list (``07022025am``) re-links Cobb's MOA to
    ``javascript:`` (a ``moa_changed`` event carrying the link)."""
    links = LINKS if "0701" in name else {**LINKS, (5, "MOA"): "javascript:alert(3)"}
    rows = [(*r[:5], r[5] or date(2025, 1, 6), "Link", "") for r in ROWS]
    path = build(folder / name, rows, links=links)
    book = openpyxl.load_workbook(path)  # openpyxl writes "=..." as a formula: make it text
    sheet = book.active
    assert sheet is not None
    sheet.cell(2, 2).value = HOSTILE[0]
    sheet.cell(2, 2).data_type = "s"
    book.save(path)
    return path


@pytest.fixture
def hostile(importer: Importer, tmp_path: Path) -> Importer:
    first = hostile_workbook(tmp_path / "in")
    second = hostile_workbook(tmp_path / "in", "participatingAgencies07022025am.xlsx")
    results = importer.import_paths([first, second])
    assert [r.outcome for r in results] == ["accepted", "accepted"]
    return importer


@pytest.fixture
def api(hostile: Importer) -> Iterator[ApiClient]:
    with api_client(hostile) as client:
        yield client


def csv_cells(text: str) -> list[list[str]]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return list(csv.reader(io.StringIO(body)))


def assert_no_formula(cells: list[list[str]]) -> None:
    for row in cells:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), (cell, row)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# --- CSV formula injection -----------------------------------------------------------


def test_neutralize_prefixes_text_not_numbers():
    assert neutralize("=1+1") == "'=1+1"
    assert neutralize("\t=1+1") == "'\t=1+1"  # the tab is kept, never stripped into "=1+1"
    assert neutralize("\r=1") == "'\r=1"
    assert [neutralize(s) for s in ("+1", "-1", "@x")] == ["'+1", "'-1", "'@x"]
    assert neutralize("Tampa Police Department") == "Tampa Police Department"
    assert neutralize(-3) == -3 and neutralize(-1.5) == -1.5 and neutralize(None) is None
    out = io.StringIO()
    SafeWriter(out).writerow(["-3", -3, -1.5, None, "a,b"])
    assert out.getvalue() == '\'-3,-3,-1.5,,"a,b"\n'  # typed numbers stay numbers


@pytest.mark.parametrize("dataset", ["agreements", "agencies", "rows"])
def test_api_csv_downloads_neutralize_formulas(api: ApiClient, dataset: str):
    r = api.get(f"/api/downloads/{dataset}.csv")
    assert r.status_code == 200
    cells = csv_cells(r.text)
    assert_no_formula(cells)
    flat = {c for row in cells for c in row}
    assert "'" + HOSTILE[0] in flat and "'" + HOSTILE[2] in flat


def test_api_csv_keeps_the_tab_behind_the_quote(api: ApiClient):
    cells = csv_cells(api.get("/api/downloads/rows.csv").text)
    header = cells[0]
    raw = {row[header.index("agency_raw")] for row in cells[1:]}
    cleaned = {row[header.index("agency")] for row in cells[1:]}
    assert "'\t=1+1 Police Department" in raw  # as printed, tab and all
    assert "'=1+1 Police Department" in cleaned  # the cleaned name lost the tab: still quoted


def test_map_csv_neutralizes_formulas(api: ApiClient):
    r = api.get("/data/map/2025-07-01.csv")
    assert r.status_code == 200
    assert_no_formula(csv_cells(r.text))


def test_cli_export_neutralizes_formulas(hostile: Importer, tmp_path: Path):
    env = {
        "G287_DATA_DIR": str(hostile.archive.root.parent),
        "G287_DATABASE_URL": hostile.db.url,
    }
    for dataset in ("agreements", "agencies", "rows"):
        out = tmp_path / f"{dataset}.csv"
        done = CliRunner().invoke(cli, ["export", dataset, "-o", str(out)], env=env)
        assert done.exit_code == 0, done.output
        cells = csv_cells(out.read_text(encoding="utf-8"))
        assert_no_formula(cells)
        assert "'" + HOSTILE[1] in {c for row in cells for c in row}


# --- links: only http(s) to ICE, DHS or the Internet Archive -------------------------

BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def walk(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)
    else:
        yield key, value


def assert_links_safe(answer: Any) -> None:
    for key, value in walk(answer):
        if not isinstance(value, str):
            continue
        assert not value.strip().lower().startswith(BAD_SCHEMES), (key, value)
        assert "evil.example" not in value, (key, value)
        if value and (key in URL_KEYS or key.endswith("_url")):
            assert public_link(value) == value, (key, value)


def test_public_link_allow_list():
    assert public_link(ICE_MOA) == ICE_MOA
    assert public_link("http://www.dhs.gov/x.pdf") == "http://www.dhs.gov/x.pdf"
    wayback = "https://web.archive.org/web/2025/https://www.ice.gov/x.pdf"
    assert public_link(wayback) == wayback
    assert public_link("/api/moas/abc/raw") == "/api/moas/abc/raw"
    for bad in (
        "javascript:alert(2)",
        " JavaScript:alert(2)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "https://evil.example/287g.pdf",
        "https://ice.gov.evil.example/x.pdf",
        "https://evilice.gov/x.pdf",
        "//evil.example/x.pdf",
        "ftp://www.ice.gov/x.pdf",
        "file:///etc/passwd",
    ):
        assert public_link(bad) is None, bad


def test_api_emits_no_unsafe_link(api: ApiClient):
    listed = api.get("/api/agreements?limit=100").json()
    assert listed["count"] == 7, [a["name"] for a in listed["data"]]
    assert_links_safe(listed)
    urls = {a["name"]: a["moa_url"] for a in listed["data"]}
    assert urls["Cobb County Sheriff's Office"] is None  # now javascript:alert(3)
    assert set(urls.values()) == {None}
    for agreement in listed["data"]:
        detail = api.get(agreement["url"])
        assert detail.status_code == 200
        assert_links_safe(detail.json())
        assert_links_safe(api.get(f"/api/agencies/{agreement['agency_id']}").json())
    events = api.get("/api/events?limit=100").json()
    changed = [e for e in events["data"] if e["kind"] == "moa_changed"]
    assert [(e["before"], e["after"]) for e in changed] == [(ICE_MOA, None)]
    assert_links_safe(events)
    assert_links_safe(api.get("/api/changes?since=2025-07-01").json())
    for pub in api.get("/api/publications").json()["data"]:
        assert_links_safe(api.get(f"/api/publications/{pub['id']}/rows?limit=100").json())


def test_downloads_emit_no_unsafe_link(api: ApiClient):
    for dataset in ("agreements", "rows", "changes"):
        cells = csv_cells(api.get(f"/api/downloads/{dataset}.csv").text)
        header = cells[0]
        for row in cells[1:]:
            assert_links_safe(dict(zip(header, row, strict=True)))
        assert_links_safe(api.get(f"/api/downloads/{dataset}.json").json())


def test_pages_link_only_safe_urls(api: ApiClient):
    listed = api.get("/api/agreements?limit=100").json()["data"]
    for agreement in listed:
        page = api.get(f"/agencies/{agreement['agency_id']}")
        assert page.status_code == 200
        hrefs = re.findall(r'href="([^"]*)"', page.text)
        assert hrefs and all(public_link(h) == h or h.startswith(("?", "#")) for h in hrefs), [
            h for h in hrefs if public_link(h) != h
        ]


# --- LIKE wildcards are the characters themselves ------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("%", ["Task_Force 100% Unit"]),
        ("_", ["Task_Force 100% Unit"]),
        ("100%", ["Task_Force 100% Unit"]),
        ("k_f", ["Task_Force 100% Unit"]),
        ("a%e", []),  # as wildcards: every "...a...e..." name
        ("s_e", []),
        ("\\", []),
        ("cobb", ["Cobb County Sheriff's Office"]),
    ],
)
def test_text_search_takes_wildcards_literally(api: ApiClient, text: str, found: list[str]):
    params = {"text": text, "limit": 100}
    agreements = api.get("/api/agreements", params=params).json()
    assert sorted(a["name"] for a in agreements["data"]) == found
    assert agreements["count"] == len(found)
    agencies = api.get("/api/agencies", params=params).json()
    assert sorted(a["name"] for a in agencies["data"]) == found
    rows = api.get("/api/publications/latest/rows", params=params).json()
    assert sorted(r["normalized"]["agency"] for r in rows["data"]) == found


def test_cli_agreements_search_takes_wildcards_literally(hostile: Importer):
    env = {
        "G287_DATA_DIR": str(hostile.archive.root.parent),
        "G287_DATABASE_URL": hostile.db.url,
    }
    done = CliRunner().invoke(cli, ["agreements", "--search", "%", "--json"], env=env)
    assert done.exit_code == 0, done.output
    assert [a["name"] for a in json.loads(done.stdout)["data"]] == ["Task_Force 100% Unit"]


def test_feeds_carry_no_unsafe_link(api: ApiClient):
    atom = api.get("/api/feed.atom")
    assert atom.status_code == 200 and "moa" in atom.text.lower()
    assert not re.search(r"javascript:|data:text|vbscript:|evil\.example", atom.text)
    feed = api.get("/api/feed.json")
    assert feed.status_code == 200
    assert_links_safe(feed.json())


# --- unknown states ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/agreements?state=ZZ", "/api/events?state=ZZ"])
def test_api_unknown_state_is_400_listing_the_valid_ones(api: ApiClient, url: str):
    r = api.get(url)
    assert r.status_code == 400
    message = r.json()["error"]["message"]
    assert message.startswith("unknown state 'ZZ': use one of AK, AL, AR,") and "WY" in message
