"""Compression after the response cache, and HEAD answered as its GET (the HTTP layer)."""

import pytest

from g287.interfaces.web import http


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
