"""The web answers what the CLI answers (issue 15): population covered, claim checks, MOA
search and list, the agency list, the change log's date range, the glossary. Each page is
checked against the very library call the CLI and API make, over the real bundled lists."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest

from g287.app.importer import Importer
from g287.app.moa_library import import_moa
from g287.config import Settings
from g287.interfaces.web import pages_agency_list, pages_moas
from g287.query import catalog
from g287.query import claims as c
from g287.query import coverage as cov
from g287.query.moa_documents import document_facts
from g287.query.moa_search import search_report
from g287.sample import sheets_dir
from tests.browser_support import Client, app_for
from tests.test_web_pages import IMG, SCRIPT, hostile, hostile_agency  # noqa: F401 (fixture)

MOA_PDFS = sorted((Path(__file__).parent / "data" / "moa").glob("*.pdf"))


@pytest.fixture(scope="module")
def client(shared_history: Importer) -> Iterator[Client]:
    with app_for(shared_history) as app:
        yield Client(app)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def table(html: str, table_id: str) -> list[list[str]]:
    """The body rows of one table, each as its cells' text."""
    start = html.index(f'id="{table_id}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# --- population covered ----------------------------------------------------------------


def test_coverage_page_renders_the_coverage_query(client: Client, shared_history: Importer):
    with shared_history.db.connect() as conn:
        found = cov.coverage(conn)
        series = cov.coverage_series(conn, monthly=True)
        every = cov.coverage_series(conn)
    r = client.get("/coverage")
    assert r.status_code == 200
    assert f'id="fig-people">{found["population_any_model"]:,}<' in r.text
    assert f'id="fig-counties">{found["counties_any_model"]:,}<' in r.text
    assert f'id="fig-own-people">{found["population_own_agency"]:,}<' in r.text
    assert 0 < found["population_own_agency"] < found["population_any_model"]
    rows = {row[0]: row for row in table(r.text, "coverage-states")}
    assert len(rows) == len(found["by_state"])
    fl = found["by_state"]["FL"]
    assert fl["population_any_model_share"] == 1.0  # state agencies cover all of Florida
    assert rows["Florida"][1] == f"{fl['population_any_model']:,}"
    assert rows["Florida"][3] == f"{fl['counties_any_model']} / {fl['counties']} (100%)"
    assert fl["agencies_by_level"]["county"] >= fl["counties_own_agency"] > 0
    assert len(table(r.text, "coverage-series")) == len(series) > 1
    assert len(every) > len(series) and every[-1] == series[-1]  # the newest list is kept
    assert [p["date"][:7] for p in series] == sorted({p["date"][:7] for p in every})
    # figures add up: a state's covered people are the counties it lists
    assert (
        sum(s["population_any_model"] for s in found["by_state"].values())
        == found["population_any_model"]
    )
    assert '<a href="/coverage/FL">Florida</a>' in r.text
    assert 'href="/glossary#tfm"' in r.text


def test_state_coverage_on_a_date_and_over_time(client: Client, shared_history: Importer):
    with shared_history.db.connect() as conn:
        then = cov.coverage(conn, as_of=datetime(2025, 6, 1).date())["by_state"]["TX"]
        series = cov.coverage_series(conn, state="TX")
        monthly = cov.coverage_series(conn, state="TX", monthly=True)
    r = client.get("/coverage/tx?date=2025-06-01")
    assert r.status_code == 200
    assert "part 05292025am" in r.text  # the newest list by that day
    assert f'id="fig-people">{then["population_any_model"]:,}<' in r.text
    assert f'id="fig-own">{then["counties_own_agency"]} / {then["counties"]}<' in r.text
    levels = {row[0]: row[1] for row in table(r.text, "coverage-levels")}
    assert levels["Sheriff or county agency (whole county)"] == str(
        then["agencies_by_level"]["county"]
    )
    assert len(table(r.text, "coverage-series")) == len(monthly)
    assert series[-1]["population_any_model"] > 0
    # the API answers the same series, and the page says when a date is past the newest list
    api = client.get("/api/coverage/series?state=TX").json()
    assert api["count"] == len(series) and api["data"][-1] == series[-1]
    assert "after ICE&#39;s newest list" in client.get("/coverage/TX?date=2030-01-01").text
    assert client.get("/coverage/ZZ").status_code == 400
    assert client.get("/coverage?date=2024-01-01").status_code == 404
    nothing = client.get("/coverage/CA")  # no whole-county agreement in California
    assert nothing.status_code == 200 and 'id="no-coverage"' in nothing.text
    assert 'href="/coverage/TX"' in client.get("/states/TX").text
    assert 'href="/coverage"' in client.get("/").text


# --- claims -----------------------------------------------------------------------------


def test_claim_form_answers_with_evidence(client: Client, shared_history: Importer):
    r = client.get("/claims?query=active_agreements&as_of=2025-05-16&expected=571")
    assert r.status_code == 200
    answer = r.text[r.text.index('id="claim-result"') :]
    assert "Agrees with ICE&#39;s files" in answer
    assert 'id="claim-value">571<' in answer
    with shared_history.db.connect() as conn:
        (pub,) = c.check(
            conn, c.claim_from("active_agreements", as_of=datetime(2025, 5, 16).date())
        ).evidence
    assert pub["file_name"] in answer and f'href="/api/publications/{pub["id"]}/raw"' in answer
    assert pub["sha256"][:12] in answer
    api = client.get(
        "/api/claims/check?query=active_agreements&as_of=2025-05-16&expected=571"
    ).json()
    assert api["verdict"] == "agree" and api["value"] == 571
    assert 'href="/api/claims/check?query=active_agreements&amp;as_of=2025-05-16' in answer
    wrong = client.get("/claims?query=model_share&as_of=2025-07-07&model=tfm&expected=1")
    assert "Disagrees with ICE&#39;s files" in wrong.text
    growth = client.get("/claims?query=growth&from=2025-05-16&to=2025-07-07")
    assert "Cannot tell" in growth.text and "minus" in growth.text
    assert client.get("/claims?query=nonsense").status_code == 400
    undated = client.get("/claims?query=active_agreements&expected=571&statement=x")
    assert undated.status_code == 400  # no date: said beside the form, which keeps its values
    assert 'id="claim-error"' in undated.text and "needs as_of" in undated.text
    assert 'value="571"' in undated.text and 'id="claim-result"' not in undated.text
    assert client.get("/claims?query=states&year=abc").status_code == 400


def test_published_figures_are_checked_on_the_claims_page(client: Client, shared_history: Importer):
    with shared_history.db.connect() as conn:
        expected = [c.check(conn, k).as_dict() for k in c.load_claims(c.DEFAULT_FILE)]
    rows = table(client.get("/claims").text, "domain-claims")
    assert len(rows) == len(expected)
    first = next(e for e in expected if e["statement"].startswith("571 participating rows"))
    row = next(r for r in rows if r[0] == first["statement"])
    assert row[1] == "Agrees with ICE's files" and row[2] == "571"


# --- MOAs -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moa_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Importer]:
    """One list and the nine bundled MOA PDFs (their agreements are on it)."""
    tmp = tmp_path_factory.mktemp("moa-pages")
    settings = Settings.from_env({}, data_dir=tmp / "data", database_url=f"sqlite:///{tmp}/m.db")
    imp = Importer.from_settings(settings)
    imp.import_paths([sheets_dir() / "sheets_20250708_151823"])
    seen = datetime(2025, 7, 8, tzinfo=UTC)
    for pdf in MOA_PDFS:
        import_moa(imp, pdf.read_bytes(), name=pdf.name, source=str(pdf), seen_at=seen)
    yield imp
    imp.db.dispose()


@pytest.fixture(scope="module")
def moa_client(moa_library: Importer) -> Iterator[tuple[Client, Importer]]:
    with app_for(moa_library) as app:
        yield Client(app), moa_library


def test_moa_search_counts_collapses_and_links_the_archived_page(moa_client):
    client, imp = moa_client
    with imp.db.connect() as conn:
        found = search_report(conn, "supervision")
    r = client.get("/moas/search?q=supervision")
    assert r.status_code == 200
    assert f"{found['documents']} documents match" in r.text
    assert f"{found['count']} distinct passages" in r.text
    top = found["data"][0]
    assert top["more_count"] > 0
    assert f"and {top['more_count']} more documents with this passage" in r.text
    assert f'href="/api/moas/{top["sha256"]}/pdf#page={top["page"]}"' in r.text
    assert f'href="{top["urls"][0]}"' in r.text  # ICE's link beside g287's copy
    assert "<mark>SUPERVISION</mark>" in r.text
    for other in top["more"]:
        assert f"/api/moas/{other['sha256']}/pdf" in r.text
    # the copy it links is served
    pdf = client.get(f"/api/moas/{top['sha256']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_moa_search_pages_and_modes(moa_client, monkeypatch: pytest.MonkeyPatch):
    client, imp = moa_client
    monkeypatch.setattr(pages_moas, "PER_PAGE", 2)
    with imp.db.connect() as conn:
        count = search_report(conn, "supervision")["count"]
        stemmed = search_report(conn, "detainer")["documents"]
        exact = search_report(conn, "detainer", exact=True)["documents"]
        words = search_report(conn, "hours release", phrase=False)["documents"]
    pages = -(-count // 2)
    first = client.get("/moas/search?q=Supervision")  # not the cached answer of the test above
    assert 'rel="next" href="/moas/search?q=Supervision&amp;page=2"' in first.text
    last = client.get(f"/moas/search?q=Supervision&page={pages}")
    assert last.status_code == 200 and 'rel="next"' not in last.text
    assert client.get(f"/moas/search?q=Supervision&page={pages + 1}").status_code == 404
    if stemmed != exact:
        assert f"{exact} document" in client.get("/moas/search?q=detainer&exact=1").text
    assert f"{words} document" in client.get("/moas/search?q=hours+release&mode=all").text
    assert "No MOA held has these words." in client.get("/moas/search?q=zzqxj").text
    assert client.get("/moas/search?q=x&mode=nope").status_code == 400
    assert "Words to find" in client.get("/moas/search").text  # the empty form


def test_moa_list_shows_each_documents_facts(moa_client):
    client, imp = moa_client
    with imp.db.connect() as conn:
        docs = document_facts(conn)
    r = client.get("/moas")
    assert r.status_code == 200
    rows = table(r.text, "moa-list")
    assert len(rows) == len(docs) == len(MOA_PDFS)
    signed = [d for d in docs if d["signatories"] and d["signatories"][0]["name"]]
    assert signed
    name = signed[0]["signatories"][0]["name"]
    assert any(name in " ".join(row) for row in rows)
    laramie = next(row for row in rows if row[0].startswith("LaramieCo"))
    assert laramie[2] == "WY" and laramie[3] == "TFM"
    assert "/pdf" in r.text and "https://www.ice.gov/doclib/287gMOA/" in r.text


def test_moa_page_links_each_fact_to_its_page(moa_client):
    client, imp = moa_client
    with imp.db.connect() as conn:
        (doc,) = document_facts(conn, "LaramieCoSheriffsOfficeWY_TFM_MOA_06112025.pdf")
    r = client.get(f"/moas/{doc['sha256']}")
    assert r.status_code == 200
    (signed,) = doc["facts"]["signing_dates"]["evidence"]
    assert f'href="/api/moas/{doc["sha256"]}/pdf#page={signed["page"]}"' in r.text
    assert "Laramie County Sheriff&#39;s Office" in r.text
    assert f'href="/moas/{doc["sha256"]}"' in client.get("/moas").text
    assert f'href="/moas/{doc["sha256"]}"' in client.get("/moas/search?q=laramie").text
    assert f"/moas/{doc['sha256']}</loc>" in client.get("/sitemap.xml").text
    assert client.get("/moas/0000000000").status_code == 404
    assert client.get("/moas/not-hex").status_code == 404


def test_agency_page_links_the_moa_search(client: Client):
    r = client.get("/agencies/FL-okaloosa-county-sheriff-office")
    assert 'href="/moas/search?q=Okaloosa+County+Sheriff%27s+Office"' in r.text


# --- the agency list --------------------------------------------------------------------


def test_agency_list_filters_sorts_and_pages(client: Client, shared_history: Importer):
    with shared_history.db.connect() as conn:
        every = catalog.search_agreements(conn, sort="name")
        fl_tfm = catalog.search_agreements(
            conn, state="FL", model="TFM", status="active", sort="-signed"
        )
    r = client.get("/agencies")
    assert r.status_code == 200
    assert f"{every['count']:,} agreements" in r.text
    rows = table(r.text, "agency-list")
    assert len(rows) == pages_agency_list.PER_PAGE < every["count"]
    assert rows[0][0] == every["data"][0]["name"]
    assert 'aria-sort="ascending"' in r.text and 'href="/agencies?sort=-name"' in r.text
    r = client.get("/agencies?state=FL&model=TFM&status=active&sort=-signed")
    assert f"{fl_tfm['count']:,} agreements" in r.text
    rows = table(r.text, "agency-list")
    assert [row[4] for row in rows[:3]] == [
        datetime.fromisoformat(a["signed"]).strftime("%b %-d, %Y") for a in fl_tfm["data"][:3]
    ]
    assert all(row[1] == "FL" and row[3] == "TFM" for row in rows)
    assert 'aria-sort="descending"' in r.text
    pages = -(-fl_tfm["count"] // pages_agency_list.PER_PAGE)
    if pages > 1:
        assert (
            'rel="next" href="/agencies?state=FL&amp;model=TFM&amp;status=active&amp;sort=-signed'
            '&amp;page=2"' in r.text
        )
    # the CSV has every matching row, not one page
    data = client.get("/agencies.csv?state=FL&model=TFM&status=active&sort=-signed")
    assert data.headers["content-type"].startswith("text/csv")
    read = list(csv.DictReader(io.StringIO(data.text)))
    assert len(read) == fl_tfm["count"]
    assert [x["id"] for x in read] == [a["id"] for a in fl_tfm["data"]]
    assert 'href="/agencies.csv?state=FL&amp;model=TFM&amp;status=active&amp;sort=-signed"' in (
        r.text
    )
    assert client.get("/agencies?sort=bogus").status_code == 400
    assert client.get("/agencies?level=planet").status_code == 400


def test_agency_list_on_a_date_and_by_county(client: Client, shared_history: Importer):
    with shared_history.db.connect() as conn:
        then = catalog.search_agreements(conn, as_of=datetime(2025, 6, 1).date())
        hills = catalog.search_agreements(conn, county="hillsborough", state="FL")
    r = client.get("/agencies?date=2025-06-01")
    assert f"{then['count']:,} agreements" in r.text and "part 05292025am" in r.text
    r = client.get("/agencies?state=FL&county=Hillsborough")
    assert f"{hills['count']:,} agreement" in r.text and hills["count"] > 0
    assert all("Hillsborough" in row[2] for row in table(r.text, "agency-list"))
    api = client.get("/api/agreements?state=FL&county=Hillsborough&sort=county").json()
    assert api["count"] == hills["count"]


def test_agency_list_by_signing_dates(client: Client, shared_history: Importer):
    start, end = datetime(2025, 1, 1).date(), datetime(2025, 3, 31).date()
    with shared_history.db.connect() as conn:
        q1 = catalog.search_agreements(conn, state="TX", signed_from=start, signed_to=end)
    assert q1["count"] > 0 and all("2025-01-01" <= a["signed"] <= "2025-03-31" for a in q1["data"])
    r = client.get("/agencies?state=TX&signed_from=2025-01-01&signed_to=2025-03-31&sort=signed")
    assert f"{q1['count']:,} agreement" in r.text
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/agencies.csv?state=TX&signed_from=2025-01-01&signed_to=2025-03-31"
                ).text
            )
        )
    )
    assert len(rows) == q1["count"] and all("2025-01" <= x["signed"] <= "2025-03-31" for x in rows)
    api = client.get("/api/agreements?state=TX&signed_from=2025-01-01&signed_to=2025-03-31")
    assert api.json()["count"] == q1["count"]
    assert client.get("/agencies?signed_from=2025-13-01").status_code == 400


# --- the change log's date range ------------------------------------------------------


def test_change_log_filters_by_a_date_range(client: Client, shared_history: Importer):
    since, until = datetime(2025, 6, 1).date(), datetime(2025, 6, 15).date()
    with shared_history.db.connect() as conn:
        found = catalog.events_page(conn, since=since, until=until)
        kinds = catalog.event_kinds(conn, since=since, until=until)
    r = client.get("/changes?since=2025-06-01&until=2025-06-15")
    assert r.status_code == 200
    assert f"{found['count']:,} change" in r.text and sum(kinds.values()) == found["count"]
    dates = re.findall(r'<time datetime="([0-9-]+)"', r.text)
    assert dates and all("2025-06-01" <= d <= "2025-06-15" for d in dates)
    assert 'value="2025-06-15"' in r.text


# --- the glossary -----------------------------------------------------------------------


def test_glossary_defines_the_programs_terms(client: Client):
    r = client.get("/glossary")
    assert r.status_code == 200
    for anchor in ("jem", "wso", "tfm", "moa", "pending", "participating", "detainer"):
        assert f'<dt id="{anchor}"><dfn>' in r.text, anchor
    body = text_of(r.text)
    assert "I-200 and I-205" in body and "48 hours" in body
    es = client.get("/glossary?lang=es").text
    assert "Glosario" in es and "Oficial de Servicio de Órdenes" in es
    assert 'href="/glossary"' in client.get("/").text  # every page's footer
    # model codes carry their definition inline wherever a badge shows them
    state = client.get("/states/FL").text
    assert (
        '<abbr class="badge m-WSO" title="Warrant Service Officer: Officers serve and execute '
        "ICE administrative warrants" in state
    )
    assert 'href="/glossary#wso"' in client.get("/agencies?model=WSO").text


def test_sitemap_lists_the_new_pages(client: Client):
    xml = client.get("/sitemap.xml").text
    for path in ("/coverage", "/coverage/FL", "/agencies", "/claims", "/moas", "/glossary"):
        assert f"/{path.lstrip('/')}</loc>" in xml, path
    assert "Disallow: /moas/search?" in client.get("/robots.txt").text


# --- escaping ---------------------------------------------------------------------------


def test_ice_text_is_escaped_on_the_new_pages(hostile: Importer):  # noqa: F811
    with app_for(hostile) as app:
        client = Client(app)
        agency = hostile_agency(hostile)
        for path in (
            "/agencies?state=FL",
            "/agencies?text=script",
            "/coverage/FL",
            "/claims?query=states&as_of=2025-07-02&statement=%3Cscript%3Ealert(1)%3C/script%3E",
            "/moas/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
        ):
            r = client.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            assert SCRIPT not in r.text and "<img src=x" not in r.text, path
            assert "javascript:alert" not in r.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/agencies?state=FL").text
        data = client.get("/agencies.csv?state=FL").text
        assert "javascript:" not in data and agency in data
        assert IMG not in data  # the county cell comes out quoted, its quotes doubled


def test_cli_api_and_page_share_the_coverage(client: Client, shared_history: Importer):
    """``g287 coverage --state``, ``--series --state`` and the API answer what the page shows."""
    import json

    from click.testing import CliRunner

    from g287.interfaces.cli import cli

    env = {
        "G287_DATA_DIR": str(shared_history.archive.root.parent),
        "G287_DATABASE_URL": shared_history.db.url,
    }
    with shared_history.db.connect() as conn:
        found = cov.coverage(conn)
        series = cov.coverage_series(conn, state="FL")
    one = CliRunner().invoke(cli, ["coverage", "--state", "fl", "--json"], env=env)
    assert one.exit_code == 0, one.output
    assert list(json.loads(one.stdout)["by_state"]) == ["FL"]
    assert json.loads(one.stdout)["by_state"]["FL"] == found["by_state"]["FL"]
    over = CliRunner().invoke(cli, ["coverage", "--series", "--state", "FL", "--json"], env=env)
    assert over.exit_code == 0 and json.loads(over.stdout) == series
    bad = CliRunner().invoke(cli, ["coverage", "--state", "ZZ"], env=env)
    assert bad.exit_code == 2 and "unknown state" in bad.output
    api = client.get("/api/coverage").json()
    assert api["by_state"]["FL"] == found["by_state"]["FL"]
    assert api["population_any_model"] == found["population_any_model"]


@pytest.mark.parametrize(
    "path",
    ["/coverage", "/coverage/TX", "/claims?query=states&as_of=2025-06-01", "/agencies", "/moas"],
)
def test_new_pages_obey_the_content_security_policy(client: Client, path: str):
    """No inline script or style, no event attribute: the pages work without JavaScript."""
    from tests.test_web_pages import tags

    r = client.get(path)
    assert r.status_code == 200
    for tag, attrs in tags(r.text):
        assert "style" not in attrs and not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs


def test_agreement_and_agency_pages_show_the_moa_as_signed(moa_client):
    """Signers and signing dates as the MOA states them, each linked to the page of
    g287's copy it was read from (issue 16, item 3)."""
    client, imp = moa_client
    with imp.db.connect() as conn:
        docs = [d for d in document_facts(conn) if d["agreements"] and d["signatories"]]
    assert docs
    shown = 0
    for doc in docs:
        named = [s for s in doc["signatories"] if s["name"]]
        for agreement_id in doc["agreements"]:
            page = client.get("/agreements/" + quote(agreement_id, safe=""))
            assert page.status_code == 200
            assert "The MOA, as signed" in page.text
            assert f'href="/moas/{doc["sha256"]}"' in page.text
            for ev in doc["facts"]["signing_dates"]["evidence"] or []:
                assert f"/api/moas/{doc['sha256']}/pdf#page={ev['page']}" in page.text
            for s in named:
                assert html.escape(s["name"]) in page.text
                if s["evidence"] and s["evidence"]["page"]:
                    link = f"/api/moas/{doc['sha256']}/pdf#page={s['evidence']['page']}"
                    assert link in page.text
            agency_id = agreement_id.split("#", 1)[0]
            agency = client.get("/agencies/" + quote(agency_id, safe=""))
            assert "As signed" in agency.text
            assert all(html.escape(s["name"]) in agency.text for s in named)
            shown += 1
    assert shown >= 5
    # an agreement whose MOA g287 does not hold shows no such section
    with imp.db.connect() as conn:
        linked = {a for d in document_facts(conn) for a in d["agreements"]}
    other = next(
        a["id"]
        for a in client.get("/api/agreements?limit=200").json()["data"]
        if a["id"] not in linked
    )
    assert "The MOA, as signed" not in client.get("/agreements/" + quote(other, safe="")).text
