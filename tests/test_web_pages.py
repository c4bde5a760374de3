"""Server-rendered pages over the 46 real lists: content, figures, languages, escaping, CSP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from g287.app.importer import Importer
from g287.config import Settings
from g287.interfaces.web import pages, pages_svg
from g287.interfaces.web.i18n import catalogue, choose
from g287.interfaces.web.pages_about import doc_html
from g287.interfaces.web.settings import WebSettings
from g287.query import catalog, places
from g287.query import history as h
from g287.query import publications as pubs
from g287.query.issues import issue_severities
from g287.resolve.tiers import TYPO_DISTANCE
from tests.api_support import TOKEN, ApiClient, api_app
from tests.browser_support import Client, app_for
from tests.workbooks import build

MIAMI_SPRINGS = "FL-miami-springs-police-department#TFM#2025-04-02"
PAGES = {
    "/": "ICE&#39;s 287(g) agreements with state and local police",
    "/?date=2025-06-01&layer=policy": "part 05292025am",
    "/states": "287(g) agreements by state",
    "/states/FL": "Hillsborough County Sheriff&#39;s Office",
    "/states/CA": "SB 54",
    "/counties/12057": "Hillsborough County Sheriff&#39;s Office",
    "/cities/FL/Tampa": "Tampa Police Department",
    "/lookup": "Use my location",
    "/lookup?lat=27.95&lon=-82.46": "Hillsborough County",
    "/search?q=tampa": "Tampa Police Department",
    "/agencies/FL-okaloosa-county-department-of-correction": "Okaloosa County Department of Cor",
    "/agreements/" + MIAMI_SPRINGS.replace("#", "%23"): "City of Miami Springs Police Department",
    "/changes": "What changed on ICE",
    "/changes?state=FL&model=TFM&kind=renamed": "Agency renamed",
    "/changes?page=2": "201–400 of",
    "/problems": "malformed_date",
    "/problems/malformed_date": "05/082025",
    "/lists": "participatingAgencies05162025am.xlsx",
    "/methodology": "TYPO_DISTANCE",
    "/models": "Warrant Service Officer",
    "/models/TFM": "arrest without a warrant",
    "/models/wso": "I-205",
    # issue 15: what only the CLI answered
    "/coverage": "People in a covered county",
    "/coverage/FL?date=2025-06-01": "part 05292025am",
    "/claims?query=active_agreements&as_of=2025-05-16&expected=571": "Agrees with ICE&#39;s files",
    "/moas": "The MOAs g287 holds",
    "/moas/search?q=detainer": "Search the MOAs",
    "/agencies?state=FL&sort=-signed": "Every agency and agreement",
    "/changes?since=2025-06-01&until=2025-06-15": 'value="2025-06-15"',
    "/glossary": "Warrant Service Officer",
}


@pytest.fixture(scope="module")
def client(shared_history: Importer) -> Iterator[Client]:
    with app_for(shared_history) as app:
        yield Client(app)


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("path", PAGES)
def test_every_page_type_renders(client: Client, path: str):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert PAGES[path] in r.text
    found = tags(r.text)
    html = [a for t, a in found if t == "html"]
    assert html == [{"lang": "en"}]
    assert any(t == "main" for t, _ in found) and any(t == "nav" for t, _ in found)
    assert any(t == "a" and a.get("class") == "skip" for t, a in found)


@pytest.mark.parametrize(
    "path", ["/", "/states/TX", "/cities/FL/Tampa", "/lookup", "/methodology", "/api/docs"]
)
def test_pages_obey_the_content_security_policy(client: Client, path: str):
    """No inline script runs, no style attribute: all JS and CSS come from /static."""
    r = client.get(path)
    assert "script-src 'self'" in r.headers["content-security-policy"]
    for tag, attrs in tags(r.text):
        assert "style" not in attrs, (tag, attrs)
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/") or attrs.get("type") == (
                "application/json"
            ), attrs
        if tag == "a" and attrs.get("href"):
            assert not attrs["href"].lower().startswith(("javascript:", "data:"))


def test_api_docs_ship_their_assets(client: Client):
    """/api/docs loads Swagger UI from the package (no CDN) and lists every operation
    without JavaScript too."""
    r = client.get("/api/docs")
    assert r.status_code == 200
    found = tags(r.text)
    assets = [a.get("src") or a.get("href") for t, a in found if t in ("script", "link")]
    assert not any(re.match(r"(https?:)?//", u or "") for u in assets), assets
    for path in [u for u in assets if u and u.startswith("/static/")]:
        served = client.get(path)
        assert served.status_code == 200 and len(served.content) > 0, path
    assert any("vendor/swagger-ui/swagger-ui-bundle.js" in (u or "") for u in assets)
    spec = client.get("/api/openapi.json").json()
    for path in spec["paths"]:
        assert f"<code>{path}</code>" in r.text
    licence = client.get("/static/vendor/swagger-ui/LICENSE")
    assert licence.status_code == 200 and "Apache License" in licence.text


def test_place_pages_list_pending_requests(client: Client, shared_history: Importer):
    """The pending requests of a place's agencies are on its city and county pages (they
    were only on the agency's page), and in the lookup API, as the library gives them."""
    city = client.get("/cities/FL/Sebring").text
    section = city[city.index('id="g-pending"') :]
    assert "Sebring Police Department" in section and "pend 07072025pm" in section
    assert "/agencies/FL-sebring-police-department#pending" in section
    county = client.get("/counties/12055").text
    section = county[county.index('id="g-pending"') :]
    assert "Sebring Police Department" in section and "another city in the county" in section
    tampa = client.get("/cities/FL/Tampa").text
    assert "No agency covering this place is on ICE&#39;s pending list." in tampa
    api = client.get("/api/lookup?city=Sebring&state=FL").json()
    with shared_history.db.connect() as conn:
        expected = places.lookup(conn, city="Sebring", state="FL")
    assert [r["id"] for r in api["pending"]] == [r["id"] for r in expected["pending"]]
    assert api["pending"][0]["group"] == "city"
    assert api["pending_publication"]["label"] == "pend 07072025pm"


def event_ids(html: str) -> list[str]:
    body = html[html.index('<table class="events">') : html.index("</table>", html.index("events"))]
    return re.findall(r'<tr class="ev-([a-z_]+)">', body)


def test_the_change_log_pages_through_every_event(client: Client, shared_history: Importer):
    """Every change is reachable: /changes is paged 200 at a time (it stopped at the
    first 200), the pages together list each event once, and the filters carry over."""
    from g287.query import catalog

    with shared_history.db.connect() as conn:
        every = catalog.events_page(conn)
        florida_tfm = catalog.events_page(conn, state="FL", model="TFM")
        kinds = catalog.event_kinds(conn, state="FL", model="TFM")
    total = every["count"]
    assert total > 400
    pages = -(-total // 200)
    seen: list[str] = []
    for n in range(1, pages + 1):
        r = client.get(f"/changes?page={n}" if n > 1 else "/changes")
        assert r.status_code == 200
        rows = event_ids(r.text)
        assert len(rows) == (200 if n < pages else total - 200 * (pages - 1))
        first, last = 200 * (n - 1) + 1, 200 * (n - 1) + len(rows)
        assert f"Changes, newest first: {first}–{last} of {total:,}" in r.text
        assert ('rel="next"' in r.text) == (n < pages) and ('rel="prev"' in r.text) == (n > 1)
        seen += rows
    assert seen == [e["kind"] for e in every["data"]]
    assert client.get(f"/changes?page={pages + 1}").status_code == 404
    assert client.get("/changes?page=0").status_code == 400
    # filters: the counts are over every matching change, and the pager keeps the filters
    r = client.get("/changes?state=FL&model=TFM")
    assert sum(kinds.values()) == florida_tfm["count"]
    assert f"{florida_tfm['count']:,} changes:" in r.text
    if florida_tfm["count"] > 200:
        assert 'rel="next" href="/changes?state=FL&amp;model=TFM&amp;page=2"' in r.text
    es = client.get("/changes?page=2&lang=es").text
    assert 'href="/changes?lang=es"' in es and "201–400 de" in es


def visible_text(html: str) -> str:
    """The page's text with inline tags dropped (block tags become line breaks)."""
    inline = re.sub(r"</?(a|span|abbr|strong|em|code|time)\b[^>]*>", "", html)
    text = re.sub(r"[ \t]+", " ", re.sub(r"<[^>]+>", "\n", inline))
    return re.sub(r"\s*\n\s*", "\n", text).replace("&#39;", "'")


def test_copy_slips(client: Client, shared_history: Importer):
    """Sentences that ran together or said nothing: a missing space after a county's
    population, dashes for an agency that was only ever pending, a date after the newest
    list shown as if ICE had a list for it, and data problems counted without saying
    that most are harmless notes."""
    county = visible_text(client.get("/counties/12057").text)
    assert "(Census estimate, 2025). Agreements active on ICE" in county
    assert not re.search(r"[a-z)]\.[A-Z]", county.replace("U.S.", "")), re.findall(
        r".{20}[a-z)]\.[A-Z].{20}", county
    )
    sebring = visible_text(client.get("/agencies/FL-sebring-police-department").text)
    assert "– –" not in sebring
    assert "On ICE's pending list\nJune 27, 2025 – July 7, 2025" in sebring
    later = client.get("/?date=2030-01-01").text
    assert '<p class="notice" id="after-newest">January 1, 2030 is after ICE' in later
    assert "newest list that g287 holds (July 7, 2025)" in later
    assert 'id="after-newest"' not in client.get("/?date=2025-07-01").text
    assert 'id="after-newest"' not in client.get("/").text
    with shared_history.db.connect() as conn:
        severities = issue_severities(conn)
        total = pubs.counts(conn)["issues"]
    assert sum(severities.values()) == total and severities["info"] > total / 2
    for path in ("/methodology", "/problems"):
        text = client.get(path).text
        assert (
            f"{total:,} problems recorded: {severities['error']:,} errors, "
            f"{severities['warning']:,} warnings and {severities['info']:,} info-level notes "
            "(whitespace, curly quotes, #N/A cells and the like, recorded but harmless)"
        ) in text, path


SITE = "https://g287.example.org"


@pytest.fixture(scope="module")
def public(shared_history: Importer) -> Iterator[tuple[ApiClient, Any]]:
    """The app as deployed behind a public URL (G287_SITE_URL)."""
    with api_app(shared_history, WebSettings(admin_token=TOKEN, site_url=SITE)) as app:
        client = ApiClient(app)
        try:
            yield client, app
        finally:
            client.close()


def head_tags(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for tag, attrs in tags(html):
        if tag == "link" and attrs.get("rel") == "canonical":
            out.setdefault("canonical", []).append(attrs["href"] or "")
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            key = attrs.get("property") or attrs.get("name") or ""
            out.setdefault(key, []).append(attrs.get("content") or "")
    return out


@pytest.mark.parametrize("path", PAGES)
def test_canonical_links_and_share_cards(client: Client, public, path: str):
    """Every page names its one URL (declared parameters only, lang=es kept) and carries
    Open Graph tags for link previews; absolute only when the site URL is configured, so
    a forged Host header never reaches a cached page."""
    site_client, _app = public
    page = site_client.get(path, headers={"Host": "evil.example"}).text
    found = head_tags(page)
    expected = path.split("?")[0]
    query = sorted(q for q in path.partition("?")[2].split("&") if q)
    if query:
        expected += "?" + "&".join(query)
    assert found["canonical"] == [SITE + expected]
    assert found["og:url"] == [SITE + expected]
    assert found["og:image"] == [SITE + "/static/og-card.png"]
    assert found["twitter:card"] == ["summary_large_image"]
    assert "evil.example" not in page
    title = re.search(r"<title>(.*?) · g287</title>", page, re.S)
    assert title and found["og:title"] == [html_unescape(title.group(1))]
    assert found["og:description"][0] and found["og:locale"] == ["en_US"]
    # without a site URL: root-relative canonical, no og:url
    local = head_tags(client.get(path).text)
    assert local["canonical"] == [expected] and "og:url" not in local


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_canonical_drops_unknown_parameters_and_keeps_spanish(public):
    site_client, _app = public
    found = head_tags(site_client.get("/states/FL?utm_source=x&date=2025-06-01&lang=es").text)
    assert found["canonical"] == [SITE + "/states/FL?date=2025-06-01&lang=es"]
    assert found["og:locale"] == ["es_US"]
    assert head_tags(site_client.get("/states/FL?lang=en").text)["canonical"] == [
        SITE + "/states/FL"
    ]
    missing = site_client.get("/agencies/nobody-at-all").text
    assert "canonical" not in head_tags(missing) and '<meta name="robots" content="noindex">' in (
        missing
    )
    card = site_client.get("/static/og-card.png")
    assert card.headers["content-type"] == "image/png"
    assert card.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        int.from_bytes(card.content[16:20]) == 1200 and int.from_bytes(card.content[20:24]) == 630
    )


def test_robots_and_sitemap(public, client: Client, shared_history: Importer):
    import xml.etree.ElementTree as ET

    from g287.query import catalog

    site_client, _app = public
    robots = site_client.get("/robots.txt")
    assert robots.headers["content-type"].startswith("text/plain")
    assert robots.text.startswith("User-agent: *\n")
    assert f"Sitemap: {SITE}/sitemap.xml" in robots.text
    assert "Disallow: /api/\n" in robots.text and "Allow: /api/docs\n" in robots.text
    r = site_client.get("/sitemap.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(r.content)
    locs = [u.findtext("s:loc", namespaces=ns) or "" for u in root.findall("s:url", ns)]
    assert len(locs) == len(set(locs)) < 50_000
    assert all(u.startswith(SITE + "/") for u in locs)
    with shared_history.db.connect() as conn:
        found = catalog.site_map(conn)
    paths = {u.removeprefix(SITE) for u in locs}
    assert {"/", "/states", "/changes", "/methodology", "/models/TFM", "/states/FL"} <= paths
    assert "/counties/12057" in paths
    assert "/agreements/" + MIAMI_SPRINGS.replace("#", "%23") in paths
    assert "/agencies/FL-sebring-police-department" in paths  # pending only
    assert len([p for p in paths if p.startswith("/agreements/")]) == len(found["agreements"])
    assert len([p for p in paths if p.startswith("/agencies/")]) == len(found["agencies"])
    sample = sorted(paths)[:: max(1, len(paths) // 25)]
    for path in sample:  # every listed page answers
        assert client.get(path).status_code == 200, path
    # with no site URL: the request's host, and never cached (a forged Host stays its own)
    plain = client.get("/robots.txt", headers={"Host": "evil.example"})
    assert "Sitemap: http://evil.example/sitemap.xml" in plain.text
    assert plain.headers["cache-control"] == "no-store"
    assert "evil.example" not in client.get("/robots.txt").text
    assert not any(k[0] in ("/robots.txt", "/sitemap.xml") for k in client.app.cache._entries)


def test_home_figures_on_a_date_equal_the_library(client: Client, shared_history: Importer):
    with shared_history.db.connect() as conn:
        expected = catalog.search_agreements(conn, as_of=date(2025, 6, 1))
        by_model = {
            m: catalog.search_agreements(conn, as_of=date(2025, 6, 1), model=m)["count"]
            for m in ("TFM", "JEM", "WSO")
        }
    assert expected["count"] == 635
    data = client.get("/data/map/2025-06-01.json").json()
    assert data["figures"]["agreements"] == expected["count"]
    assert data["figures"]["by_model"] == by_model
    assert data["publication"]["label"] == "part 05292025am"
    page = client.get("/?date=2025-06-01").text
    assert '<dd id="fig-agreements">635</dd>' in page
    assert f'<dd id="fig-TFM">{by_model["TFM"]}</dd>' in page


def test_map_colours_counties_by_their_strongest_county_wide_model(client: Client):
    data = client.get("/data/map/2025-07-07.json").json()
    rows = {c[0]: c for c in data["counties"]}
    hillsborough = rows["12057"]  # the sheriff holds TFM and WSO: TFM is the stronger
    assert hillsborough[1:4] == ["Hillsborough County", "FL", "TFM"]
    assert data["states"]["FL"] == "TFM"  # state agencies: their own layer
    assert data["policy"]["CA"] == "prohibits"
    page = client.get("/").text
    assert '<path id="c12057" class="w-TFM"' in page
    assert 'id="sFL" class="st po-mandates sa-TFM"' in page
    earlier = client.get("/data/map/2025-05-16.json").json()
    assert len(earlier["counties"]) < len(data["counties"])


def test_map_csv_download(client: Client):
    r = client.get("/data/map/2025-06-01.csv")
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="g287-counties-2025-06-01.csv"'
    lines = r.text.splitlines()
    assert lines[0].startswith("county_fips,county,state,county_wide_model")
    assert any(line.startswith("12057,Hillsborough County,FL,TFM,") for line in lines)


def test_map_svg_is_light_and_complete():
    counties = pages_svg.counties()
    assert len(counties) == 3144  # every county of the Albers file, tiny cities included
    assert len(pages_svg.states()) == 51
    d = "".join(s.d for s in counties.values())
    assert re.fullmatch(r"[Mlz0-9. -]+", d)
    assert len(d) < 350_000
    assert pages_svg.state_view_box("FL") is not None


def test_chart_and_table_alternatives(client: Client, shared_history: Importer):
    page = client.get("/").text
    assert page.count('class="line l-') == 4  # all, TFM, JEM, WSO
    with shared_history.db.connect() as conn:
        lists = h.timeline_series(conn)["lists"]
    assert len(lists) == 20
    assert page.count('<tr><th scope="row"><a href="/api/publications/') == len(lists)
    assert 'id="county-table"' in page and 'id="state-table"' in page


def test_spanish_by_parameter_and_header(client: Client):
    es = client.get("/?lang=es").text
    assert '<html lang="es">' in es
    assert "Acuerdos vigentes" in es and "Saltar al contenido" in es
    assert 'href="/states?lang=es"' in es  # the choice follows the reader
    assert "?lang=en" in es  # the switch link
    header = client.get("/states/FL", headers={"accept-language": "es-MX,es;q=0.9"}).text
    assert '<html lang="es">' in header and "Acuerdos vigentes" in header
    english = client.get("/states/FL?lang=en", headers={"accept-language": "es"}).text
    assert '<html lang="en">' in english
    model = client.get("/models/TFM?lang=es").text
    assert "arrestar sin orden" in model
    assert "7 de julio de 2025" in client.get("/?lang=es").text


def test_language_choice_matches_the_cache_key():
    """The HTTP layer caches per (query, Accept-Language starts with es): so must we choose."""
    assert choose("", "es-ES") == "es"
    assert choose("", "en-US,es;q=0.9") == "en"
    assert choose("lang=en", "es") == "en"
    assert choose("lang=es&x=1", "") == "es"
    assert choose("lang=fr", "") == "en"


def test_every_message_has_a_spanish_translation():
    es = catalogue("es")
    missing = sorted(m for m in pages.messages() if m not in es)
    assert not missing, missing
    for key, value in es.items():
        forms = value if isinstance(value, list) else [value]
        for form in forms:
            assert set(re.findall(r"{\w+}", form)) == set(re.findall(r"{\w+}", key)), key


def test_lookup_redirects_to_the_place_page(client: Client):
    r = client.get("/lookup?city=Tampa&state=FL&lang=es", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/cities/FL/Tampa?lang=es"
    r = client.get("/lookup?county=Hillsborough&state=FL", follow_redirects=False)
    assert r.headers["location"] == "/counties/12057"
    page = client.get("/cities/FL/Tampa").text
    for name in ("Tampa Police Department", "Hillsborough County Sheriff&#39;s Office"):
        assert name in page
    missing = client.get("/lookup?city=Xanadu&state=FL")
    assert missing.status_code == 404
    assert "no city &#39;Xanadu&#39; in FL" in missing.text
    assert 'id="city"' in missing.text  # the form again, with the message


def test_agreement_page_shows_its_rows_with_raw_links(client: Client):
    page = client.get("/agreements/" + MIAMI_SPRINGS.replace("#", "%23")).text
    assert "Agency renamed" in page
    assert re.search(r'href="/api/publications/pb_[0-9a-f]+/raw">part 05162025am</a>', page)
    assert "20 rows on ICE&#39;s lists" in page
    redated = client.get("/agreements/FL-florida-department-of-agriculture%23TFM%232025-06-12").text
    assert "first printed as June 12, 2025, now June 11, 2025" in redated


def test_unencoded_agreement_link_lands_on_the_agency(client: Client):
    """Feeds link /agreements/ID with a raw '#': the browser sends only the agency part."""
    r = client.get("/agreements/FL-miami-springs-police-department", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == "/agencies/FL-miami-springs-police-department"
    page = client.get("/agencies/FL-miami-springs-police-department").text
    assert 'id="TFM#2025-04-02"' in page


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/agencies/FL-no-such-agency", 404),
        ("/agreements/FL-no-such%23TFM%232025-01-01", 404),
        ("/counties/99999", 404),
        ("/states/ZZ", 400),
        ("/?date=2025-13-01", 400),
        ("/models/XYZ", 404),
        ("/problems/nope", 404),
        ("/data/map/2024-01-01.json", 404),
    ],
)
def test_errors_are_html_pages(client: Client, path: str, status: int):
    r = client.get(path)
    assert r.status_code == status
    if path.endswith(".json"):
        return
    assert r.headers["content-type"].startswith("text/html")
    assert '<main id="main"' in r.text


def test_search_finds_agencies_counties_and_cities(client: Client):
    found = client.get("/data/search.json?q=hillsborough").json()
    labels = [x["label"] for x in found]
    assert "Hillsborough County Sheriff's Office (FL)" in labels
    assert "Hillsborough County, FL" in labels
    urls = {x["label"]: x["url"] for x in found}
    assert urls["Hillsborough County, FL"] == "/counties/12057"
    narrowed = client.get("/data/search.json?q=Washington%20County,%20OR").json()
    assert narrowed and all(", OR" in x["label"] or "(OR)" in x["label"] for x in narrowed)
    assert client.get("/data/search.json?q=t").json() == []


def test_methodology_is_generated_from_the_code(client: Client):
    page = client.get("/methodology").text
    assert f"<code>g287.resolve.tiers.TYPO_DISTANCE</code></th><td>{TYPO_DISTANCE}</td>" in page
    assert page.count('class="pass"') >= 9 and 'class="fail"' not in page
    assert "optimal-string-alignment distance" in page  # the identity module's own words


def test_docstrings_are_escaped_before_markup():
    html = str(doc_html("A <b>bold</b> ``code`` and **strong**.\n\n* one\n* two"))
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<code>code</code>" in html and "<strong>strong</strong>" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html


# --- ICE's text is escaped everywhere -------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Importer]:
    """Two lists; the second adds an agency named like a script, with a hostile MOA link."""
    tmp = tmp_path_factory.mktemp("hostile")
    normal = [
        "FLORIDA",
        "Tampa Police Department",
        "Municipality",
        "Hillsborough",
        "Task Force Model",
    ]
    first = build(
        tmp / "sheets" / "participatingAgencies07012025am.xlsx",
        [[*normal, date(2025, 2, 28), "link pending"]],
    )
    second = build(
        tmp / "sheets" / "participatingAgencies07022025am.xlsx",
        [
            [*normal, date(2025, 2, 28), "link pending"],
            ["FLORIDA", SCRIPT, "County", IMG, "Task Force Model", date(2025, 6, 2), "link"],
        ],
        links={(1, "MOA"): "javascript:alert(3)"},
    )
    imp = Importer.from_settings(
        Settings.from_env({}, data_dir=tmp / "data", database_url=f"sqlite:///{tmp / 'h.sqlite'}")
    )
    results = imp.import_paths([first, second])
    assert [r.outcome for r in results] == ["accepted", "accepted"]
    yield imp
    imp.db.dispose()


def hostile_agency(imp: Importer) -> str:
    with imp.db.connect() as conn:
        (row,) = [a for a in catalog.search_agreements(conn)["data"] if a["name"] == SCRIPT]
    return str(row["agency_id"])


def test_ice_text_is_escaped_on_every_page(hostile: Importer):
    with app_for(hostile) as app:
        check_escaped(Client(app), hostile)


def check_escaped(client: Client, hostile: Importer) -> None:
    agency = hostile_agency(hostile)
    paths = [
        "/",
        "/states/FL",
        "/search?q=script",
        "/changes",
        f"/agencies/{agency}",
        f"/agreements/{agency}%23TFM%232025-06-02",
    ]
    for path in paths:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        assert SCRIPT not in r.text and "<img src=x" not in r.text, path
        assert "javascript:alert" not in r.text, path
        for tag, attrs in tags(r.text):
            assert not any(k.startswith("on") for k in attrs), (path, tag, attrs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/agencies/{agency}").text
    suggestions = client.get("/data/search.json?q=script")
    assert json.loads(suggestions.text)[0]["label"] == f"{SCRIPT} (FL)"  # JSON; JS uses .value


def test_static_assets_are_small_and_hand_written():
    """The hand-written CSS and JS stay small; the only other files are the share card and
    Swagger UI, vendored with its licence for /api/docs."""
    static = Path(pages.__file__).parent / "static"
    sizes = {p.name: p.stat().st_size for p in static.iterdir() if p.is_file()}
    assert set(sizes) >= {"site.css", "site.js", "home.js", "api-docs.js"}
    hand_written = {k: v for k, v in sizes.items() if k.endswith((".css", ".js", ".svg"))}
    assert sum(hand_written.values()) < 60_000
    assert set(sizes) - set(hand_written) == {"og-card.png"} and sizes["og-card.png"] < 100_000
    assert [p.name for p in static.iterdir() if p.is_dir()] == ["vendor"]
    vendored = {p.name for p in (static / "vendor" / "swagger-ui").iterdir()}
    assert {"LICENSE", "NOTICE", "swagger-ui-bundle.js", "swagger-ui.css"} <= vendored
    for name in ("site.js", "home.js", "api-docs.js"):
        text = (static / name).read_text()
        assert not re.search(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write", text)


def test_warm_builds_the_caches_without_a_request():
    pages.warm()
    assert pages_svg.counties.cache_info().currsize == 1


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("city=Nowhere+Springs&state=FL", 404, "not_found"),
        ("city=Tampa", 400, "invalid_query"),
        ("lat=north&lon=1", 400, "invalid_query"),
    ],
)
def test_lookup_errors_come_as_json_to_a_client_that_asks_for_json(
    client: Client, query: str, status: int, code: str
):
    r = client.get(f"/lookup?{query}", headers={"accept": "application/json"})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]["code"] == code
    page = client.get(f"/lookup?{query}")  # a browser still gets the form with the error
    assert page.status_code == status and "text/html" in page.headers["content-type"]
