"""The JSON API over the 46 real lists: figures, paging, provenance, raw files, HTTP
behaviour (ETag, CORS), the one error shape, hostile names, and token-guarded writes."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, get_args
from urllib.parse import quote

import feedparser
import openpyxl
import pytest

from g287.acquire.lock import LOCK_NAME, exclusive_lock
from g287.app.importer import Importer
from g287.config import Settings
from g287.interfaces.web import api_common
from g287.interfaces.web.settings import WebSettings
from g287.model.levels import LEVELS
from g287.model.models import MODEL_NAMES
from g287.query import catalog, places
from g287.query import history as h
from g287.query.changes import changes
from g287.simulate import simulate
from tests.api_support import TOKEN, ApiClient, api_client
from tests.workbooks import build

TAMPA = "FL-tampa-police-department#TFM#2025-02-28"
OKALOOSA_WSO = "FL-okaloosa-county-department-of-correction#WSO#2025-02-26"
# printed under the sheriff's office name until 2025-07-03; a curated fix (fixes.csv) gives it
# to the Department of Corrections that signed it on every list


@pytest.fixture(scope="module")
def api(shared_history: Importer) -> Iterator[ApiClient]:
    with api_client(shared_history) as client:
        yield client


def ok(client: ApiClient, url: str, **kwargs: Any) -> Any:
    r = client.get(url, **kwargs)
    assert r.status_code == 200, (url, r.text[:500])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def enc(agreement_id: str) -> str:
    return quote(agreement_id, safe="")


# --- agreements ------------------------------------------------------------------------


def test_as_of_agreements_equal_the_newest_list_by_that_date(
    api: ApiClient, shared_history: Importer
):
    found = ok(api, "/api/agreements?as_of=2025-06-01&limit=1000")
    assert found["count"] == len(found["data"]) == 635
    assert found["publication"]["label"] == "part 05292025am"
    assert {a["status_as_of"] for a in found["data"]} == {"active"}
    with shared_history.db.connect() as conn:
        library = catalog.search_agreements(conn, as_of=date(2025, 6, 1))
    assert [a["id"] for a in found["data"]] == [a["id"] for a in library["data"]]
    rows = ok(api, f"/api/publications/{found['publication']['id']}/rows?limit=5000")
    assert {r["agreement_id"] for r in rows["data"]} == {a["id"] for a in found["data"]}


def test_pagination_totals_and_pages(api: ApiClient):
    seen: list[str] = []
    offset = 0
    while True:
        page = ok(api, f"/api/agreements?limit=100&offset={offset}&sort=-signed")
        assert page["count"] == 778 and page["limit"] == 100 and page["offset"] == offset
        if not page["data"]:
            break
        seen += [a["id"] for a in page["data"]]
        offset += 100
    assert len(seen) == len(set(seen)) == 778
    beyond = ok(api, "/api/agreements?limit=10&offset=5000")
    assert beyond["count"] == 778 and beyond["data"] == []
    nothing = ok(api, "/api/agreements?state=VT&text=police")
    assert nothing["count"] == 0 and nothing["data"] == []
    active = ok(api, "/api/agreements?status=active&limit=1")
    assert active["count"] == ok(api, "/api/status")["active"] == 776


def test_filters_and_sort(api: ApiClient):
    found = ok(api, "/api/agreements?state=fl&model=TFM&level=municipal&sort=-signed&limit=1000")
    assert found["count"] == len(found["data"]) > 100
    assert {(a["state"], a["model"], a["level"]) for a in found["data"]} == {
        ("FL", "TFM", "municipal")
    }
    signed = [a["signed"] for a in found["data"]]
    assert signed == sorted(signed, reverse=True)
    tampa = ok(api, "/api/agreements?text=tampa%20police")["data"]
    assert [a["id"] for a in tampa] == [TAMPA]
    assert tampa[0]["url"] == "/api/agreements/" + enc(TAMPA)
    states = ok(api, "/api/agreements?level=state&limit=1000")["data"]
    assert states and all(a["level"] == "state" for a in states)


@pytest.mark.parametrize(
    "path",
    [
        enc(TAMPA),
        TAMPA.replace("#", "~"),
        TAMPA.replace("#", "/"),
    ],
)
def test_agreement_ids_in_paths(api: ApiClient, path: str):
    assert ok(api, f"/api/agreements/{path}")["agreement"]["id"] == TAMPA


def test_an_unencoded_hash_gets_a_hint(api: ApiClient):
    # the client drops "#TFM#2025-02-28" as a fragment: the server sees the agency id
    r = api.get("/api/agreements/FL-tampa-police-department")
    assert r.status_code == 404
    assert "%23" in r.json()["error"]["message"]


def test_agreement_detail_provenance(api: ApiClient, shared_history: Importer):
    found = ok(api, "/api/agreements/" + enc(OKALOOSA_WSO))
    a = found["agreement"]
    assert a["id"] == OKALOOSA_WSO and a["level"] == "county"
    assert found["agency"]["id"] == a["agency_id"]
    assert found["place"]["counties"] == ["12091"]
    assert found["powers"]["model"] == "WSO" and found["powers"]["can"]
    assert [e["kind"] for e in found["events"]] == ["addendum_posted"]
    sources = found["sources"]
    assert len(sources) == a["publications"] == 20
    assert {s["raw"]["agency_raw"] for s in sources} >= {
        "Okaloosa County Sheriff's Office",
        "Okaloosa County Department of Corrections",
    }
    pubs = {p["id"]: p for p in ok(api, "/api/publications")["data"]}
    archive = shared_history.archive
    for s in sources:
        pub = pubs[s["publication_id"]]
        assert (pub["label"], pub["sha256"], pub["file_name"]) == (
            s["publication_label"],
            s["sha256"],
            s["file_name"],
        )
        assert s["raw_url"] == f"/api/publications/{s['publication_id']}/raw"
        assert hashlib.sha256(archive.read(s["sha256"])).hexdigest() == s["sha256"]
    # the Excel row number points at the cells ICE printed, in ICE's own file
    first = sources[0]
    book = openpyxl.load_workbook(io.BytesIO(api.get(first["raw_url"]).content), read_only=True)
    sheet = book[pubs[first["publication_id"]]["sheet_name"]]
    cells = next(sheet.iter_rows(min_row=first["row_number"], max_row=first["row_number"]))
    printed = [c.value for c in cells]
    book.close()
    assert first["raw"]["agency_raw"] in printed
    assert first["raw"]["county_raw"] in printed
    rows = ok(api, f"/api/publications/{first['publication_id']}/rows?limit=5000")["data"]
    (row,) = [r for r in rows if r["row_number"] == first["row_number"]]
    assert row["agreement_id"] == OKALOOSA_WSO and row["raw"] == first["raw"]


def test_agreement_lineage(api: ApiClient):
    tampa = ok(api, "/api/agreements/" + enc(TAMPA))
    assert tampa["predecessor"] is None and tampa["successor"] is None
    assert [x["id"] for x in tampa["lineage"]] == [TAMPA]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Importer]:
    """A small simulated history with a renewal and removals (the real lists hold none)."""
    tmp = tmp_path_factory.mktemp("api-simulated")
    simulate(tmp / "sim", seed=3, publications=12, agreements=60)
    imp = Importer.from_settings(
        Settings.from_env({}, data_dir=tmp / "data", database_url=f"sqlite:///{tmp / 's.sqlite'}")
    )
    imp.import_paths([tmp / "sim" / "sheets"])
    yield imp
    imp.db.dispose()


def test_renewals_and_removals(simulated: Importer):
    with api_client(simulated) as client:
        (old,) = ok(client, "/api/agreements?status=superseded")["data"]
        found = ok(client, old["url"])
        assert found["successor"]["id"] == old["successor_id"]
        newer = ok(client, found["successor"]["url"])
        assert newer["predecessor"]["id"] == old["id"]
        assert [x["id"] for x in newer["lineage"]] == [x["id"] for x in found["lineage"]]
        assert {old["id"], newer["agreement"]["id"]} <= {x["id"] for x in found["lineage"]}
        removed = ok(client, "/api/agreements?status=removed")["data"]
        assert removed and all(r["removed_by_publication_id"] for r in removed)
        one = ok(client, removed[0]["url"])
        assert one["sources"][-1]["publication_id"] == removed[0]["last_publication_id"]
        kinds = {e["kind"] for e in ok(client, "/api/events?limit=1000")["data"]}
        assert {"renewed", "removed"} <= kinds


def test_agencies(api: ApiClient):
    page = ok(api, "/api/agencies?state=FL&level=county&limit=5")
    assert page["count"] > 60 and len(page["data"]) == 5
    assert all(a["level"] == "county" and a["state"] == "FL" for a in page["data"])
    okaloosa = ok(api, "/api/agencies?text=department%20of%20correction&state=FL")["data"]
    assert "FL-okaloosa-county-department-of-correction" in {a["id"] for a in okaloosa}
    one = ok(api, "/api/agencies/FL-okaloosa-county-department-of-correction")
    assert {a["id"] for a in one["agreement_list"]} >= {OKALOOSA_WSO}
    assert one["place"]["level"] == "county" and one["level"] == "county"
    assert api.get("/api/agencies/okaloosa").status_code == 404  # ids are exact


# --- publications and raw files --------------------------------------------------------


def test_raw_download_is_the_archived_file(api: ApiClient, shared_history: Importer):
    latest = ok(api, "/api/publications/latest")
    r = api.get(latest["raw_url"])
    assert r.status_code == 200
    assert hashlib.sha256(r.content).hexdigest() == latest["sha256"] == r.headers["x-sha256"]
    assert r.content == shared_history.archive.read(latest["sha256"])
    assert r.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert r.headers["content-disposition"].startswith(
        'attachment; filename="participatingAgencies07072025pm.xlsx"'
    )
    by_label = api.get("/api/publications/" + quote("part 07072025pm") + "/raw")
    assert by_label.content == r.content


def test_publications(api: ApiClient):
    listed = ok(api, "/api/publications")
    assert listed["count"] == len(listed["data"]) == 46
    assert ok(api, "/api/publications?kind=pending")["count"] == 26
    page = ok(api, "/api/publications?limit=3&offset=44")  # paged: the same lists, in order
    assert (page["count"], page["limit"], page["offset"]) == (46, 3, 44)
    assert page["data"] == listed["data"][44:47] and len(page["data"]) == 2
    pending = ok(api, "/api/publications?kind=pending&limit=5&offset=1")
    assert pending["count"] == 26
    assert pending["data"] == [p for p in listed["data"] if p["kind"] == "pending"][1:6]
    assert api.get("/api/publications?limit=0").status_code == 422
    latest = ok(api, "/api/publications/latest")
    same = next(p for p in listed["data"] if p["id"] == latest["id"])
    assert {k: latest[k] for k in same} == same
    assert sum(k["count"] for k in latest["issue_kinds"]) == sum(latest["issues"].values())
    rows = ok(api, "/api/publications/latest/rows?state=FL&model=TFM&limit=10&offset=5")
    assert rows["count"] > 100 and len(rows["data"]) == 10
    assert {(r["normalized"]["state"], r["normalized"]["model"]) for r in rows["data"]} == {
        ("FL", "TFM")
    }
    issues = ok(api, "/api/issues?kind=malformed_date&limit=1000")
    assert issues["data"] and {i["kind"] for i in issues["data"]} == {"malformed_date"}
    files = ok(api, "/api/files")
    assert files["count"] == 46
    assert all(f["first_source"] is None for f in files["data"])  # local paths stay private


# --- changes, places, policy, claims ---------------------------------------------------


def test_changes_equal_the_library(api: ApiClient, shared_history: Importer):
    found = ok(api, "/api/changes?since=2025-07-01")
    with shared_history.db.connect() as conn:
        library = changes(conn, since=date(2025, 7, 1))
    assert found == json.loads(json.dumps(library))
    events = ok(api, "/api/events?kind=renamed&state=FL&limit=5")
    assert events["count"] >= len(events["data"]) > 0
    assert {e["kind"] for e in events["data"]} == {"renamed"}


def test_feeds(api: ApiClient):
    atom = api.get("/api/feed.atom?state=FL&model=TFM&limit=5")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(atom.text)
    assert not parsed.bozo and 0 < len(parsed.entries) <= 5
    assert all("state:FL" in {t.term for t in e.tags} for e in parsed.entries)
    feed = api.get("/api/feed.json?limit=3")
    assert feed.headers["content-type"] == "application/feed+json"
    assert feed.json()["version"] == "https://jsonfeed.org/version/1.1"
    assert len(feed.json()["items"]) == 3


def test_lookup(api: ApiClient, shared_history: Importer):
    found = ok(api, "/api/lookup?city=Tampa&state=FL&as_of=2025-07-01")
    assert [a["id"] for a in found["covering"]["city"]] == [TAMPA]
    with shared_history.db.connect() as conn:
        library = places.lookup(conn, city="Tampa", state="FL", as_of=date(2025, 7, 1))
    assert found["count"] == library["count"]
    point = ok(api, "/api/lookup?lat=27.95&lon=-82.46")
    assert point["place"]["county_fips"] == "12057"
    assert ok(api, "/api/lookup?fips=22057")["place"]["county"] == "Lafourche Parish"


def test_coverage_policy_claims(api: ApiClient):
    cov = ok(api, "/api/coverage?as_of=2025-06-01")
    assert cov["publication"]["label"] == "part 05292025am" and cov["counties_any_model"] > 1000
    ca = ok(api, "/api/policy?state=CA&as_of=2025-07-01")["data"][0]
    assert ca["stance"] == "prohibits"
    conflicts = ok(api, "/api/policy/conflicts?as_of=2025-07-01&state=GA")
    assert conflicts["conflicts"] and {c["state"] for c in conflicts["conflicts"]} == {"GA"}
    claim = ok(api, "/api/claims/check?query=active_agreements&as_of=2025-05-16&expected=571")
    assert claim["verdict"] == "agree" and claim["value"] == 571
    assert claim["evidence"][0]["file_name"] == "participatingAgencies05162025am.xlsx"
    domain = ok(api, "/api/claims/domain")
    assert domain["count"] >= 10
    models = ok(api, "/api/models")["data"]
    assert {m["model"] for m in models} == set(MODEL_NAMES)


def test_status_counts_timeline(api: ApiClient, shared_history: Importer):
    status = ok(api, "/api/status")
    assert status["latest_publication"]["label"] == "part 07072025pm"
    assert ok(api, "/api/counts")["publications"] == 46
    timeline = ok(api, "/api/timeline")
    assert timeline["lists"][0]["total"] == 571
    assert sum(m["total"] for m in timeline["signed_by_month"]) == 778
    assert ok(api, "/api/decisions")["count"] > 0
    # the sample's near-duplicate names are all printed side by side, so none is a candidate
    with shared_history.db.connect() as conn:
        expected = h.list_candidates(conn)
    candidates = ok(api, "/api/candidates")
    assert candidates["count"] == len(expected) == len(candidates["data"])


# --- HTTP behaviour --------------------------------------------------------------------


def test_etag_and_304(api: ApiClient):
    first = api.get("/api/agreements?state=TX&limit=5")
    etag = first.headers["etag"]
    assert first.headers["last-modified"]
    again = api.get("/api/agreements?state=TX&limit=5", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag


def test_cors_on_get_with_origin(api: ApiClient):
    r = api.get("/api/status", headers={"Origin": "https://news.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "ETag" in r.headers["access-control-expose-headers"]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/agreements/" + enc("XX-nobody#TFM#2025-01-01"), 404, "not_found"),
        ("/api/agencies/XX-nobody", 404, "not_found"),
        ("/api/publications/pb_000000000000", 404, "not_found"),
        ("/api/no-such-thing", 404, "not_found"),
        ("/api/agreements?as_of=1999-01-01", 404, "not_found"),
        ("/api/changes", 400, "invalid_query"),
        ("/api/lookup", 400, "invalid_query"),
        ("/api/lookup?state=ZZ&city=Nowhere", 400, "invalid_query"),
        ("/api/downloads/changes.geojson", 400, "invalid_query"),
        ("/api/agreements?limit=0", 422, "invalid_parameter"),
        ("/api/agreements?model=XYZ", 422, "invalid_parameter"),
        ("/api/agreements?as_of=yesterday", 422, "invalid_parameter"),
        ("/api/downloads/agreements.docx", 422, "invalid_parameter"),
        ("/api/claims/check", 422, "invalid_parameter"),
    ],
)
def test_one_error_shape(api: ApiClient, url: str, status: int, code: str):
    r = api.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert (body["error"]["status"], body["error"]["code"]) == (status, code)
    assert body["error"]["message"]


def test_405_names_the_allowed_methods(api: ApiClient):
    r = api.request("DELETE", "/api/status")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    assert r.headers["allow"] == "GET"


def test_operation_ids_are_route_names(api: ApiClient):
    schema = ok(api, "/api/openapi.json")
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)) and "list_agreements" in ids and "get_download" in ids
    assert all(path.startswith("/api/") for path in schema["paths"])
    for path in schema["paths"].values():
        for op in path.values():
            assert op.get("description"), op["operationId"]


def test_parameter_choices_follow_the_library():
    assert set(api_common.MODEL_CODES) == set(MODEL_NAMES)
    assert api_common.LEVEL_NAMES == LEVELS
    sorts = {s.lstrip("-") for s in get_args(api_common.AgreementSort)}
    assert sorts == set(h.SORTS)


# --- hostile names, and writes ---------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Importer]:
    """Two small lists; the second adds an agency named like a script."""
    tmp = tmp_path_factory.mktemp("api-hostile")
    normal = ["FLORIDA", "Tampa Police Department", "Municipality", "Hillsborough"]
    first = build(
        tmp / "sheets" / "participatingAgencies07012025am.xlsx",
        [[*normal, "Task Force Model", date(2025, 2, 28), "link pending"]],
    )
    second = build(
        tmp / "sheets" / "participatingAgencies07022025am.xlsx",
        [
            [*normal, "Task Force Model", date(2025, 2, 28), "link pending"],
            ["FLORIDA", SCRIPT, "County", "Polk", "Task Force Model", date(2025, 6, 2), "link"],
        ],
        links={(1, "MOA"): "javascript:alert(3)"},
    )
    imp = Importer.from_settings(
        Settings.from_env({}, data_dir=tmp / "data", database_url=f"sqlite:///{tmp / 'h.sqlite'}")
    )
    assert [r.outcome for r in imp.import_paths([first, second])] == ["accepted", "accepted"]
    yield imp
    imp.db.dispose()


def test_names_are_data_never_html(hostile: Importer):
    with api_client(hostile) as client:
        r = client.get("/api/agreements?text=script")
        assert r.headers["content-type"] == "application/json"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in r.headers["content-security-policy"]
        (found,) = r.json()["data"]
        assert found["name"] == SCRIPT  # verbatim data, to be escaped by whoever renders it
        detail = client.get(found["url"])
        assert detail.headers["content-type"] == "application/json"
        assert detail.json()["agreement"]["moa_url"] is None  # javascript:alert(3): no link


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": TOKEN}, {"X-Token": TOKEN}, {"Authorization": "Bearer "}],
)
def test_writes_without_a_token_are_401(hostile: Importer, headers: dict[str, str]):
    with api_client(hostile) as client:
        r = client.post("/api/admin/update", headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer realm="g287"'
    assert r.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    "token", [b"wrong", TOKEN.encode() + b"x", "caf\u00e9".encode(), b"\xff\xfe"]
)
def test_writes_with_a_wrong_token_are_403(hostile: Importer, token: bytes):
    with api_client(hostile) as client:  # non-ASCII tokens are wrong tokens, not a crash
        r = client.post("/api/admin/update", headers=[(b"authorization", b"Bearer " + token)])
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    assert "www-authenticate" not in r.headers


@pytest.mark.parametrize("value", [b"\xff", "caf\u00e9".encode(), b"\xc3("])
def test_non_ascii_headers_are_read_not_a_crash(hostile: Importer, value: bytes):
    with api_client(hostile) as client:
        r = client.get("/api/status", headers=[(b"user-agent", value), (b"accept-language", value)])
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "url",
    [
        "/api/changes",
        "/api/changes?since=2025-06-01&from=latest",
        "/api/lookup?city=Tampa",
        "/api/lookup?county=Hillsborough",
        "/api/lookup",
    ],
)
def test_api_errors_name_parameters_not_cli_flags(hostile: Importer, url: str):
    with api_client(hostile) as client:
        r = client.get(url)
    assert r.status_code in (400, 422), r.text
    assert "--" not in r.json()["error"]["message"]


def test_update_with_the_token_resolves(hostile: Importer):
    with api_client(hostile) as client:
        r = client.post("/api/admin/update", headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200, r.text
        assert r.json()["agreements"] == 2 and r.json()["seconds"] >= 0
        assert client.get("/api/admin/update").status_code == 405
        with exclusive_lock(Path(hostile.archive.root) / LOCK_NAME):
            locked = client.post("/api/admin/update", headers={"Authorization": f"Bearer {TOKEN}"})
        assert locked.status_code == 409 and locked.json()["error"]["code"] == "locked"


def test_production_refuses_the_default_token(hostile: Importer):
    from g287.errors import ConfigError

    with pytest.raises(ConfigError), api_client(hostile, WebSettings(mode="production")):
        pass
