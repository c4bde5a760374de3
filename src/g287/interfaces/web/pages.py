"""Server-rendered pages: one router gathering the page modules, and the HTML error page.

Every page is useful without JavaScript; small scripts in ``static/`` enhance them.
Pages call the library (``g287.query``, ``g287.enrich``), never SQL; fixed text is in
English and Spanish (:mod:`g287.interfaces.web.i18n`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.interfaces.web import (
    pages_about,
    pages_agencies,
    pages_agency_list,
    pages_changes,
    pages_claims,
    pages_coverage,
    pages_embed,
    pages_feeds,
    pages_glossary,
    pages_home,
    pages_meta,
    pages_moas,
    pages_places,
    pages_search,
)
from g287.interfaces.web.pages_common import render

router = APIRouter(include_in_schema=False)
for module in (
    pages_home,
    pages_places,
    pages_agencies,
    pages_changes,
    pages_search,
    pages_about,
    pages_meta,
    # issue 15: answers the CLI gave and the web did not
    pages_coverage,
    pages_claims,
    pages_moas,
    pages_agency_list,
    pages_glossary,
    pages_embed,
    pages_feeds,
):
    router.include_router(module.router)


def error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


def messages() -> set[str]:
    """Every message the pages can show: the templates' literals and the fixed vocabularies
    the code passes through the catalogue (for the catalogue's completeness test)."""
    from g287.enrich.powers import POWERS
    from g287.interfaces.feeds import TITLES
    from g287.interfaces.web import pages_common as common
    from g287.interfaces.web.i18n import template_messages
    from g287.model.issues import ISSUE_KINDS
    from g287.model.models import MODEL_NAMES

    out = set(template_messages())
    for table in (
        common.LEVEL_LABELS,
        common.STANCE_LABELS,
        common.STATUS_LABELS,
        common.REMOVAL_FLAGS,
        common.CONFLICT_LABELS,
        MODEL_NAMES,
        TITLES,
        pages_places.GROUP_TITLES,
        pages_places.PENDING_GROUPS,
    ):
        out.update(table.values())
    for p in POWERS.values():
        out.update((p.summary, p.where, *p.can, *p.cannot))
    out.update(k.description for k in ISSUE_KINDS.values())
    out.update(("info", "warning", "error", "pass", "fail", "high", "medium", "low", "city"))
    out.update(meaning for _m, _n, meaning in pages_about.CONSTANTS)
    out.update(title for _a, title, _m in pages_about.RULES)
    out.update(pages_home.CLIENT_MESSAGES)
    out.update(pages_claims.QUERY_LABELS.values())
    out.update(pages_claims.VERDICT_LABELS.values())
    out.update(title for _key, title in pages_agency_list.COLUMNS)
    for term in pages_glossary.TERMS:
        out.update((term.term, term.definition))
    return out


def warm() -> None:
    """Build the caches the first page view would otherwise pay for (~0.7 s): the map's
    paths, the county and policy tables, the compiled templates. Safe to call from a
    background thread at start-up."""
    from g287.enrich.geo import counties
    from g287.enrich.policy import load_policies
    from g287.interfaces.web.pages_common import ENV
    from g287.interfaces.web.pages_svg import counties as county_shapes
    from g287.interfaces.web.pages_svg import states as state_shapes

    county_shapes()
    state_shapes()
    counties()
    load_policies()
    for name in ENV.list_templates(extensions=["html"]):
        ENV.get_template(name)
