"""The response cache: keyed on what can change the answer, bounded in bytes."""

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from g287.interfaces.web import http
from g287.interfaces.web.http import ENTRY_OVERHEAD, ResponseCache, cache_query
from g287.pipeline import Importer
from tests.api_support import ApiClient, api_app


def entry(size: int) -> http.Entry:
    return (200, [(b"content-type", b"application/json")], b"x" * size)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3000)), max_size=200))
def test_the_cache_never_holds_more_than_its_budget(puts):
    cache = ResponseCache(budget=20_000, max_body=2_500)
    for key, size in puts:
        cache.put((str(key),), entry(size))
        assert cache.bytes <= cache.budget
    held = [cache.get((str(k),)) for k in range(41)]
    assert cache.bytes == sum(ResponseCache._size(e) for e in held if e is not None)
    assert all(len(e[2]) <= 2_500 for e in held if e is not None)


def test_least_recently_used_goes_first():
    size = ResponseCache._size(entry(1000))
    cache = ResponseCache(budget=3 * size)
    for key in "abc":
        cache.put((key,), entry(1000))
    assert cache.get(("a",)) is not None  # a is now the most recent
    cache.put(("d",), entry(1000))
    assert cache.get(("b",)) is None and cache.get(("a",)) is not None
    assert len(cache) == 3 and cache.bytes == 3 * size
    cache.put(("big",), entry(10 * size))  # over the budget: not kept, nothing evicted
    assert cache.get(("big",)) is None and len(cache) == 3
    assert size > 1000 + ENTRY_OVERHEAD - 1


def test_cache_query_keeps_declared_parameters_in_one_order():
    declared = frozenset({"state", "limit"})
    assert cache_query("limit=5&state=TX&_=123", declared) == "limit=5&state=TX"
    assert cache_query("state=TX&limit=5", declared) == "limit=5&state=TX"
    assert cache_query("lang=es&x=1", declared) == "lang=es"
    assert cache_query("b=2&a=1", None) == "a=1&b=2"  # routes without a signature keep all


@pytest.fixture
def served(shared_history: Importer, monkeypatch) -> Iterator[tuple[ApiClient, http.HttpLayer]]:
    monkeypatch.setenv("G287_CACHE_BYTES", str(2 * 1024 * 1024))
    with api_app(shared_history) as app:
        client = ApiClient(app)
        try:
            yield client, app
        finally:
            client.close()


def test_unknown_parameters_do_not_make_new_entries(served):
    client, layer = served
    first = client.get("/api/agreements?limit=1000")
    assert first.status_code == 200 and len(first.content) > 100_000
    for n in range(30):
        again = client.get(f"/api/agreements?limit=1000&_={n}")
        assert again.content == first.content
    assert len(layer.cache) == 1, list(layer.cache._entries)
    assert client.get("/api/agreements?state=TX&limit=5").status_code == 200
    assert client.get("/api/agreements?limit=5&state=TX").status_code == 200
    assert len(layer.cache) == 2


def test_a_flood_of_distinct_queries_stays_within_the_budget(served):
    client, layer = served
    for offset in range(0, 400, 2):
        r = client.get(f"/api/agreements?limit=200&offset={offset}")
        assert r.status_code == 200
        assert layer.cache.bytes <= layer.cache.budget == 2 * 1024 * 1024
    assert 0 < len(layer.cache) < 200  # older entries were evicted, newer kept


def test_health_and_readiness_are_never_cached(served):
    client, layer = served
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "derived": True}
    assert not any(key[0] in ("/healthz", "/readyz") for key in layer.cache._entries)


def test_readiness_is_a_json_503_when_the_database_is_unreachable(tmp_path):
    from g287.config import Settings
    from g287.interfaces.web.app import create_app
    from g287.interfaces.web.settings import WebSettings
    from tests.api_support import TOKEN

    settings = Settings.from_env(
        {}, data_dir=tmp_path, database_url="postgresql://nobody@127.0.0.1:9/none"
    )
    app = create_app(settings, WebSettings(admin_token=TOKEN), migrate=False)
    client = ApiClient(app)
    try:
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "store" and "\n" not in r.json()["error"]["message"]
        assert client.get("/healthz").status_code == 200
        api = client.get("/api/status")  # every answer is the one JSON error, not a 500
        assert api.status_code == 503 and api.json()["error"]["code"] == "store"
        assert client.get("/").status_code == 503
    finally:
        client.close()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("*, gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("deflate, br", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_is_read_with_its_q_values(header, expected):
    assert http.accepts_gzip(header) is expected


def test_the_home_page_is_gzipped_after_the_cache(served):
    """Compression on: the home page is at most 200 KB on the wire, the same bytes once
    decompressed, with its own ETag, 304 on revalidation, and Vary: Accept-Encoding."""
    import gzip

    client, layer = served
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert len(plain.content) > 400_000 and plain.num_bytes_downloaded == len(plain.content)
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["content-encoding"] == "gzip"
    assert packed.num_bytes_downloaded == int(packed.headers["content-length"]) <= 200_000
    assert packed.content == plain.content  # httpx decompressed it
    assert (
        "Accept-Encoding" in packed.headers["vary"] and "Accept-Encoding" in plain.headers["vary"]
    )
    assert packed.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    assert len(layer.cache) == 1  # one plain entry serves both encodings
    assert len(layer.gzip_cache) == 1
    again = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert again.headers["etag"] == packed.headers["etag"] and again.content == plain.content
    assert len(layer.gzip_cache) == 1  # compressed once
    raw = gzip.decompress(layer.gzip_cache.get((packed.headers["etag"][1:-6],))[2])
    assert raw == plain.content
    for tag, encoding in ((packed.headers["etag"], "gzip"), (plain.headers["etag"], "identity")):
        revalidated = client.get("/", headers={"Accept-Encoding": encoding, "If-None-Match": tag})
        assert revalidated.status_code == 304 and revalidated.content == b""
        assert revalidated.headers["etag"] == tag
    # the plain ETag does not validate the gzipped representation, nor the other way round
    cross = client.get(
        "/", headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]}
    )
    assert cross.status_code == 200 and cross.headers["content-encoding"] == "gzip"


def test_what_is_gzipped_and_what_is_not(served):
    client, _layer = served
    css = client.get("/static/site.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["content-encoding"] == "gzip"
    assert css.num_bytes_downloaded < len(css.content) / 2
    # StaticFiles' own validators are replaced, never doubled
    assert css.headers.get_list("etag") == [css.headers["etag"]] and "," not in css.headers["etag"]
    assert len(css.headers.get_list("last-modified")) == 1
    api = client.get("/api/agreements?state=TX&limit=50", headers={"Accept-Encoding": "gzip"})
    assert api.headers["content-encoding"] == "gzip" and api.json()["count"] > 0
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # under GZIP_MIN_BODY
    xlsx = client.get("/api/downloads/agreements.xlsx", headers={"Accept-Encoding": "gzip"})
    assert xlsx.status_code == 200 and "content-encoding" not in xlsx.headers  # a zip already
    missing = client.get("/agencies/nobody-at-all", headers={"Accept-Encoding": "gzip"})
    assert missing.status_code == 404 and "nobody-at-all" in missing.text


def test_head_is_the_get_without_its_body(served):
    """HEAD is answered as the GET it stands for. StaticFiles answered HEAD with no body,
    and that empty 200 was cached and served to every later GET (one link checker's HEAD
    blanked site.css for everyone); pages and API routes answered HEAD with 405."""
    client, _layer = served
    head = client.request("HEAD", "/static/site.css", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    css = client.get("/static/site.css", headers={"Accept-Encoding": "identity"})
    assert css.status_code == 200 and b"box-sizing" in css.content
    assert head.headers["content-length"] == css.headers["content-length"] == str(len(css.content))
    assert head.headers["etag"] == css.headers["etag"]
    packed = client.request("HEAD", "/static/site.css", headers={"Accept-Encoding": "gzip"})
    gz = client.get("/static/site.css", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["etag"] == gz.headers["etag"] == css.headers["etag"][:-1] + '-gzip"'
    assert packed.headers["content-length"] == gz.headers["content-length"]
    for path in ("/", "/states/FL", "/api/status", "/sitemap.xml"):
        page = client.request("HEAD", path, headers={"Accept-Encoding": "identity"})
        full = client.get(path, headers={"Accept-Encoding": "identity"})
        assert page.status_code == 200 and page.content == b"", path
        assert page.headers["content-length"] == str(len(full.content)), path
    assert client.request("HEAD", "/nowhere-at-all").status_code == 404
