"""Peer parity (issue 15, item 3): state trend charts, territory insets, embeddable widgets
with their own framing policy, per-county and per-agency feeds and webhook filters, and
malformed headers. In-process over the shared real history; the browser checks are in
test_browser_parity.py."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import feedparser
import pytest
from click.testing import CliRunner

from g287.app.importer import Importer
from g287.interfaces.cli import cli
from g287.interfaces.web.insets import BOXES, territory_insets
from g287.interfaces.webhooks import Subscription
from g287.model.states import STATES
from g287.query import catalog, places
from g287.query import history as h
from g287.query.trends import (
    agency_events,
    county_agency_ids,
    county_events,
    state_timeline,
    with_places,
)
from tests.api_support import ApiClient, api_app
from tests.browser_support import live_server
from tests.test_feeds import Receiver
from tests.test_web_pages import SCRIPT, hostile, hostile_agency  # noqa: F401 (fixture)

HILLSBOROUGH = "12057"
OKALOOSA_SO = "FL-okaloosa-county-sheriff-office"


@pytest.fixture(scope="module")
def client(shared_history: Importer) -> Iterator[ApiClient]:
    with api_app(shared_history) as app:
        c = ApiClient(app)
        try:
            yield c
        finally:
            c.close()


# --- state trend charts -------------------------------------------------------------


def test_state_timelines_add_up_to_the_national_timeline(shared_history: Importer):
    with shared_history.db.connect() as conn:
        national = h.timeline_series(conn)["lists"]
        per_state = [state_timeline(conn, st)["lists"] for st in STATES]
    assert national
    for i, item in enumerate(national):
        assert sum(s[i]["total"] for s in per_state) == item["total"], item["label"]
        for model, n in item["by_model"].items():
            assert sum(s[i]["by_model"].get(model, 0) for s in per_state) == n


def test_state_page_has_an_accessible_trend_chart(client: ApiClient, shared_history: Importer):
    html = client.get("/states/FL").text
    svg = re.search(r'<svg class="chart" id="trend".*?</svg>', html, re.S)
    assert svg, "no trend chart on the state page"
    tree = ElementTree.fromstring(svg.group(0).replace("&#39;", "'"))  # well-formed SVG
    assert tree.get("role") == "img"
    assert tree.get("aria-labelledby") == "trend-title trend-desc"
    title = tree.find("title")
    assert title is not None and "Florida" in (title.text or "")
    assert len(tree.findall("path")) >= 2  # all agreements and at least one model
    with shared_history.db.connect() as conn:
        newest = state_timeline(conn, "FL")["lists"][-1]
    # the table fallback holds the same numbers, one row per list
    table = html[html.index('<details class="trend-table">') :]
    table = table[: table.index("</details>")]
    assert table.count("<tr>") == 1 + len(state_timeline_lists(shared_history))
    assert f"All agreements ({newest['total']})" in html
    # the Spanish page translates the chart's words
    es = client.get("/states/FL?lang=es").text
    assert "Acuerdos a lo largo del tiempo" in es


def state_timeline_lists(imp: Importer) -> list[dict[str, Any]]:
    with imp.db.connect() as conn:
        return state_timeline(conn, "FL")["lists"]


def test_a_state_without_agreements_draws_no_empty_chart(client: ApiClient):
    r = client.get("/states/VT")
    assert r.status_code == 200


# --- the map: territory insets ------------------------------------------------------


def test_territories_are_drawn_as_linked_insets(client: ApiClient):
    html = client.get("/").text
    for code, *_box in BOXES:
        assert f'id="s{code}"' in html, code
        assert f'<a href="/states/{code}"' in html
    markup = str(territory_insets({"PR": "po-none sa-TFM"}))
    ElementTree.fromstring(f'<svg xmlns:x="x">{markup}</svg>')  # well-formed
    assert 'class="st terr po-none sa-TFM"' in markup
    # every inset path stays inside its frame and right of Florida (x > 830)
    for d in re.findall(r'<path id="s\w\w" class="[^"]*" d="([^"]+)"', markup):
        xs = [float(x) for x in re.findall(r"[ML]([\d.]+) ", d)]
        assert min(xs) > 830 and max(xs) < 975


def test_home_map_has_zoom_tools_and_a_play_button(client: ApiClient):
    html = client.get("/").text
    assert 'data-zoom="map-zoom"' in html and 'id="map-zoom"' in html
    assert 'id="play-lists"' in html
    for script in ("map-zoom.js", "map-play.js"):
        assert f"/static/{script}?v=" in html
        assert client.get(f"/static/{script}").status_code == 200


# --- embeds ---------------------------------------------------------------------------


def test_embeds_may_be_framed_and_nothing_else_may(client: ApiClient):
    for path in (f"/embed/county/{HILLSBOROUGH}", "/embed/map"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors *" in csp and "script-src 'self'" in csp
        assert "x-frame-options" not in r.headers
    for path in ("/", f"/counties/{HILLSBOROUGH}", "/states/FL", "/api/status"):
        r = client.get(path)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
        assert r.headers["x-frame-options"] == "DENY"


def test_county_embed_gives_the_county_answer(client: ApiClient, shared_history: Importer):
    html = client.get(f"/embed/county/{HILLSBOROUGH}").text
    with shared_history.db.connect() as conn:
        found = places.lookup(conn, fips=HILLSBOROUGH)
    assert f"{found['count']} agreements cover this place" in html
    for group in found["covering"].values():
        for a in group:
            assert a["name"].replace("'", "&#39;") in html
    assert "<nav" not in html and 'class="site"' not in html  # minimal chrome
    assert 'target="_blank" rel="noopener"' in html
    assert "<script" not in html
    assert client.get("/embed/county/99999").status_code == 404
    assert client.get("/embed/county/abcde").status_code == 404


def test_county_pages_offer_an_embed_snippet(client: ApiClient):
    html = client.get(f"/counties/{HILLSBOROUGH}").text
    snippet = re.search(r'<code id="embed-code"[^>]*>(.*?)</code>', html, re.S)
    assert snippet
    assert "&lt;iframe src=&#34;/embed/county/12057&#34;" in snippet.group(1)
    assert "/static/embed-snippet.js" in html


# --- feeds for one county, one agency ------------------------------------------------


def test_county_feed_holds_the_changes_of_the_agencies_covering_it(
    client: ApiClient, shared_history: Importer
):
    with shared_history.db.connect() as conn:
        covering = county_agency_ids(conn, HILLSBOROUGH)
        expected = county_events(conn, HILLSBOROUGH, limit=None)
        everything = catalog.events_page(conn)["data"]
    assert expected and all(e["agency_id"] in covering for e in expected)
    # the same events as the national feed, filtered by hand
    by_hand = [e["id"] for e in everything if e["agency_id"] in covering]
    assert [e["id"] for e in expected] == by_hand
    atom = client.get(f"/feeds/counties/{HILLSBOROUGH}.atom")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(atom.text)
    assert not parsed.bozo
    assert parsed.feed.id == f"urn:g287:changes:county:{HILLSBOROUGH}"
    assert "Hillsborough County" in parsed.feed.title
    assert [e.id for e in parsed.entries] == [f"urn:g287:event:{i}" for i in by_hand[:200]]
    feed = client.get(f"/feeds/counties/{HILLSBOROUGH}.json").json()
    assert [i["id"] for i in feed["items"]] == by_hand[:200]
    assert (
        client.get(f"/feeds/counties/{HILLSBOROUGH}.json?limit=3").json()["items"]
        == (feed["items"][:3])
    )
    missing = client.get("/feeds/counties/00000.atom")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_agency_feed_and_the_pages_link_their_feeds(client: ApiClient, shared_history: Importer):
    with shared_history.db.connect() as conn:
        agency, found = agency_events(conn, OKALOOSA_SO)
    feed = client.get(f"/feeds/agencies/{OKALOOSA_SO}.json").json()
    assert [i["id"] for i in feed["items"]] == [e["id"] for e in found]
    assert agency["name"] in feed["title"]
    assert not feedparser.parse(client.get(f"/feeds/agencies/{OKALOOSA_SO}.atom").text).bozo
    assert client.get("/feeds/agencies/no-such-agency.atom").status_code == 404
    county = client.get(f"/counties/{HILLSBOROUGH}").text
    for kind, ext in (("application/atom+xml", "atom"), ("application/feed+json", "json")):
        assert f'<link rel="alternate" type="{kind}" href="/feeds/counties/12057.{ext}"' in county
        page = client.get(f"/agencies/{OKALOOSA_SO}").text
        assert (
            f'<link rel="alternate" type="{kind}" href="/feeds/agencies/{OKALOOSA_SO}.{ext}"'
            in (page)
        )
    city = client.get("/cities/FL/Tampa").text  # a city page follows its county
    assert 'href="/feeds/counties/12057.atom"' in city


def test_agency_feed_escapes_ice_text(hostile: Importer):  # noqa: F811
    agency = hostile_agency(hostile)
    with api_app(hostile) as app:
        c = ApiClient(app)
        try:
            atom = c.get(f"/feeds/agencies/{agency}.atom").text
            page = c.get("/embed/map").text
        finally:
            c.close()
    assert SCRIPT not in atom and "&lt;script&gt;" in atom
    assert not feedparser.parse(atom).bozo
    assert SCRIPT not in page


# --- webhook filters -----------------------------------------------------------------


def test_filtered_webhooks_receive_only_their_events(shared_history: Importer, tmp_path):
    """Three subscriptions (one county, one agency, one state) against local receivers,
    through the CLI: each receives exactly the events its filter matches."""
    env = {
        "G287_DATA_DIR": str(tmp_path / "data"),
        "G287_DATABASE_URL": shared_history.db.url,
        "G287_ARCHIVE_DIR": str(shared_history.archive.root),
    }
    with shared_history.db.connect() as conn:
        events = catalog.events_page(conn)["data"]
        county_ids = {e["id"] for e in county_events(conn, HILLSBOROUGH, limit=None)}
        placed = {e["id"]: e for e in with_places(conn, events)}
    agency_ids = {e["id"] for e in events if e["agency_id"] == OKALOOSA_SO}
    texas = {e["id"] for e in events if e["state"] == "TX"}
    assert county_ids and agency_ids and texas
    runner = CliRunner()
    with Receiver() as by_county, Receiver() as by_agency, Receiver() as by_state:
        for receiver, flags in (
            (by_county, ["--county", HILLSBOROUGH]),
            (by_agency, ["--agency", "Okaloosa County Sheriff's Office"]),
            (by_state, ["--state", "TX"]),
        ):
            result = runner.invoke(
                cli,
                ["webhooks", "add", receiver.url, "--secret", "s", "--since", "2025-01-01", *flags],
                env=env,
            )
            assert result.exit_code == 0, result.output
        listed = json.loads(runner.invoke(cli, ["webhooks", "list", "--json"], env=env).stdout)
        assert [s["counties"] for s in listed] == [HILLSBOROUGH, "", ""]
        assert [s["agencies"] for s in listed] == ["", OKALOOSA_SO, ""]
        result = runner.invoke(cli, ["webhooks", "deliver", "--json"], env=env)
        assert result.exit_code == 0, result.output
        delivered = json.loads(result.stdout)["delivered"]
        assert delivered == len(county_ids) + len(agency_ids) + len(texas)

    def ids(receiver: Receiver) -> set[str]:
        return {json.loads(body)["id"] for _headers, body in receiver.received}

    assert ids(by_county) == county_ids
    assert ids(by_agency) == agency_ids
    assert ids(by_state) == texas
    # a county subscription gets the state agencies' events (they cover every county)
    assert any(placed[i]["statewide"] for i in county_ids)
    assert all(json.loads(b)["state"] == "FL" for _h, b in by_county.received)


def test_county_filter_matches_state_agencies_of_that_state_only():
    sub = Subscription(id="wh_x", url="http://x", secret="s", counties=("12057",))
    base = {"kind": "added", "model": "TFM", "published_date": "2025-07-01", "agency_id": "a"}
    assert sub.wants({**base, "state": "FL", "county_fips": ["12057"], "statewide": False})
    assert sub.wants({**base, "state": "FL", "county_fips": [], "statewide": True})
    assert not sub.wants({**base, "state": "GA", "county_fips": [], "statewide": True})
    assert not sub.wants({**base, "state": "FL", "county_fips": ["12001"], "statewide": False})
    assert not sub.wants({**base, "state": "FL"})  # an event that names no county


def test_webhook_county_must_be_a_fips_code(shared_history: Importer, tmp_path):
    env = {"G287_DATA_DIR": str(tmp_path), "G287_DATABASE_URL": shared_history.db.url}
    result = CliRunner().invoke(
        cli,
        ["webhooks", "add", "http://127.0.0.1:9/h", "--secret", "s", "--county", "Tampa"],
        env=env,
    )
    assert result.exit_code == 3
    assert "5-digit FIPS" in result.output


# --- malformed headers -----------------------------------------------------------------

BAD_VALUES = [b"\xff", "caf\u00e9".encode(), b"\xc3(", b'"\xff"', b"W/\xfe", b"x" * 8000]
BAD_HEADERS = [
    "user-agent",
    "accept-language",
    "accept-encoding",
    "accept",
    "if-none-match",
    "if-modified-since",
    "origin",
    "range",
    "cookie",
    "authorization",
]
PATHS = [
    "/api/status",
    "/api/feed.atom",
    "/api/agreements?state=FL",
    "/",
    "/static/site.css",
    f"/embed/county/{HILLSBOROUGH}",
    f"/feeds/counties/{HILLSBOROUGH}.json",
    "/lookup?city=Tampa&state=FL",
]


@pytest.mark.parametrize("header", BAD_HEADERS)
def test_malformed_headers_never_give_a_server_error(client: ApiClient, header: str):
    for path in PATHS:
        for value in BAD_VALUES:
            r = client.get(path, headers=[(header.encode(), value)])
            assert r.status_code < 500, (path, header, value, r.status_code)
            if path.startswith("/api") and r.status_code >= 400:
                assert r.headers["content-type"] == "application/json", (path, header)


@pytest.mark.parametrize("token", [b"caf\xc3\xa9", b"\xff\xfe", b"\xc3("])
def test_non_ascii_authorization_is_a_json_error_over_the_wire(shared_history: Importer, token):
    """Over a real socket (uvicorn's parser, not only the app): raw bytes in the
    Authorization and User-Agent headers get a JSON 4xx, never a 500."""
    with api_app(shared_history) as app, live_server(app) as url:
        port = int(url.rsplit(":", 1)[1])
        answers = [
            raw(port, b"POST /api/admin/update", [b"Authorization: Bearer " + token]),
            raw(port, b"GET /api/status", [b"User-Agent: " + token]),
            raw(port, b"GET /api/nothing-here", [b"User-Agent: " + token]),
        ]
    (status, head, body), (ok, _h, _b), (missing, mhead, mbody) = answers
    assert status == 403 and b"application/json" in head
    assert json.loads(body)["error"]["code"] == "forbidden"
    assert ok == 200
    assert missing == 404 and b"application/json" in mhead
    assert json.loads(mbody)["error"]["status"] == 404


def raw(port: int, request_line: bytes, headers: list[bytes]) -> tuple[int, bytes, bytes]:
    """One HTTP/1.1 request written byte for byte; (status, head, body)."""
    message = b"\r\n".join(
        [request_line + b" HTTP/1.1", b"Host: 127.0.0.1", *headers, b"Connection: close"]
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(message + b"\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head.lower(), body
