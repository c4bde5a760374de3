"""For search engines and link previews: robots.txt and sitemap.xml (canonical links and
Open Graph tags are in ``base.html``, from :meth:`pages_common.Page.canonical`).

Absolute URLs need the public base URL, ``G287_SITE_URL``. Without it these two answer
with the request's own host and are never cached (the HTTP layer's cache is not keyed on
the host, so a forged ``Host`` header must not reach other readers); the pages then use
root-relative canonical links.
"""

from __future__ import annotations

from urllib.parse import quote
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.interfaces.web.deps import ConnDep
from g287.query import catalog
from g287.query.moa_copies import moa_copies

router = APIRouter(include_in_schema=False)
PAGES = ("/", "/states", "/lookup", "/changes", "/models", "/problems", "/lists", "/methodology")
# issue 15: the pages that answer what only the CLI answered
MORE_PAGES = ("/coverage", "/agencies", "/claims", "/moas", "/moas/search", "/glossary")
ROBOTS = """User-agent: *
Allow: /
Disallow: /api/
Allow: /api/docs
Allow: /api/openapi.json
Allow: /api/feed.atom
Allow: /api/feed.json
Disallow: /data/
Disallow: /search
Disallow: /lookup?
Disallow: /moas/search?
Disallow: /claims?
Disallow: /agencies.csv
"""


def site_base(request: Request) -> str:
    """The public base URL: ``G287_SITE_URL``, else this request's scheme and host."""
    configured: str = request.app.state.web.site_url
    return configured.rstrip("/") if configured else str(request.base_url).rstrip("/")


def _answer(request: Request, body: str, media_type: str) -> Response:
    headers = {} if request.app.state.web.site_url else {"Cache-Control": "no-store"}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/robots.txt", name="robots")
def robots(request: Request) -> Response:
    return _answer(request, ROBOTS + f"Sitemap: {site_base(request)}/sitemap.xml\n", "text/plain")


@router.get("/sitemap.xml", name="sitemap")
def sitemap(request: Request, conn: ConnDep) -> Response:
    """Every page worth indexing, with the date its data last changed."""
    found = catalog.site_map(conn)
    base = site_base(request)
    newest = found["newest"]
    entries: list[tuple[str, str | None]] = [(path, newest) for path in PAGES]
    entries += [(f"/models/{code}", None) for code in ("TFM", "JEM", "WSO")]
    entries += [(path, newest) for path in MORE_PAGES]
    entries += [(f"/states/{code}", newest) for code in found["states"]]
    entries += [(f"/coverage/{code}", newest) for code in found["states"]]
    entries += [(f"/moas/{sha}", None) for sha in sorted(set(moa_copies(conn).values()))]
    entries += [(f"/counties/{fips}", newest) for fips in found["counties"]]
    entries += [
        (f"/agencies/{quote(a['id'], safe='')}", a["last_listed"]) for a in found["agencies"]
    ]
    entries += [
        (f"/agreements/{quote(a['id'], safe='')}", a["last_listed"]) for a in found["agreements"]
    ]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for path, modified in entries:
        stamp = f"<lastmod>{escape(modified)}</lastmod>" if modified else ""
        lines.append(f"<url><loc>{escape(base + path)}</loc>{stamp}</url>")
    lines.append("</urlset>")
    return _answer(request, "\n".join(lines) + "\n", "application/xml")
