"""The methodology, generated from the code's own rules, constants and live QA checks;
and the model explainers ("what can officers under a Task Force agreement do?")."""

from __future__ import annotations

import importlib
import re
from collections import Counter
from types import ModuleType
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

import g287.enrich.jurisdiction
import g287.enrich.policy
import g287.model.dating
import g287.query.places
import g287.resolve.changes
import g287.resolve.identity
import g287.resolve.lineage
import g287.resolve.names
import g287.resolve.pending
import g287.resolve.repairs
import g287.resolve.tiers
from g287.enrich.powers import POWERS
from g287.errors import NotFound
from g287.interfaces.web import pages_svg
from g287.interfaces.web.deps import ConnDep
from g287.interfaces.web.pages_common import MODELS, render
from g287.query import catalog
from g287.query import history as h
from g287.query import publications as pubs
from g287.query.issues import issue_severities, issue_summary
from g287.resolve.qa import run_checks

router = APIRouter(include_in_schema=False)
# the package re-exports a function of the same name, so import the module by path
COUNTY_NAMES = importlib.import_module("g287.enrich.geo.counties")

# (module, constant, what it means) — the values are read from the code at request time.
CONSTANTS: tuple[tuple[ModuleType, str, str], ...] = (
    (
        g287.resolve.tiers,
        "TYPO_DISTANCE",
        "edits allowed between two spellings of one agreement",
    ),
    (
        g287.resolve.tiers,
        "TYPO_DISTANCE_STRICT",
        "edits allowed when the spellings were never listed together and one is rare",
    ),
    (
        g287.resolve.tiers,
        "DOMINATED_RATIO",
        "a spelling on at most this share of the other's lists counts as a variant",
    ),
    (g287.resolve.repairs, "STRETCH_MAX_LISTS", "longest wrong-state stretch fixed, in lists"),
    (
        g287.resolve.repairs,
        "STRETCH_MAX_SHARE",
        "longest wrong-state stretch fixed, as a share of the right state's run",
    ),
    (
        g287.resolve.identity,
        "FOLD_PENDING_POSTED_DAYS",
        "days a signing date may move when ICE posts the pending MOA",
    ),
    (g287.resolve.identity, "FOLD_PENDING_DAYS", "days a date may move while the MOA is pending"),
    (
        g287.resolve.identity,
        "FOLD_SAME_FILE_DAYS",
        "days a date may move when both rows link the same MOA file",
    ),
    (g287.resolve.identity, "FOLD_UNLINKED_DAYS", "days a date may move when no MOA was linked"),
    (g287.resolve.repairs, "YEAR_TYPO_MIN_DAYS", "a date this many days early may be a year typo"),
    (
        g287.resolve.lineage,
        "LINEAGE_MAX_DAYS",
        "days within which a new agreement renews an old one",
    ),
    (
        g287.resolve.lineage,
        "RESIGNING_DAYS",
        "days after a removal in which a new agreement flags a possible re-signing",
    ),
    (
        COUNTY_NAMES,
        "FUZZY_MIN_LENGTH",
        "county names shorter than this are never matched fuzzily",
    ),
    (
        COUNTY_NAMES,
        "FUZZY_LONG_NAME",
        "from this length, two typing errors are allowed in a county name",
    ),
    (pages_svg, "TOLERANCE", "map simplification, in pixels of the 975-pixel-wide map"),
)
# (anchor, heading, module) — each section's text is the module's own docstring.
RULES: tuple[tuple[str, str, ModuleType], ...] = (
    ("dating", "Dating each list", g287.model.dating),
    ("names", "Agency names", g287.resolve.names),
    ("identity", "Which rows are one agreement", g287.resolve.identity),
    ("lineage", "Ids, renewals and status", g287.resolve.lineage),
    ("changes", "What counts as a change", g287.resolve.changes),
    ("pending", "Pending requests", g287.resolve.pending),
    ("jurisdiction", "Where each agency acts", g287.enrich.jurisdiction),
    ("places", "Who covers a place", g287.query.places),
    ("counties", "Reading ICE's county names", COUNTY_NAMES),
    ("policy", "State law", g287.enrich.policy),
)

_INLINE = (
    (re.compile(r":(?:func|data|mod|class|meth):`~?([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"``([^`]+)``"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?!\w)"), r"<em>\1</em>"),
)
_ITEM = re.compile(r"^(?:[*-]|\d+\.)\s+")


def _inline(text: str) -> str:
    out = str(escape(text))
    for pattern, repl in _INLINE:
        out = pattern.sub(repl, out)
    return out


def doc_html(doc: str | None) -> Markup:
    """A module docstring as HTML: paragraphs, lists, literal blocks (escaped first)."""
    blocks = re.split(r"\n\s*\n", (doc or "").strip())
    html: list[str] = []
    for block in blocks:
        lines = block.split("\n")
        if all(line.startswith("    ") for line in lines):
            html.append(f'<pre class="doc">{escape(chr(10).join(x[4:] for x in lines))}</pre>')
            continue
        if _ITEM.match(lines[0]):
            items: list[str] = []
            for line in lines:
                if _ITEM.match(line):
                    items.append(_ITEM.sub("", line))
                elif items:
                    items[-1] += " " + line.strip()
            tag = "ol" if lines[0][0].isdigit() else "ul"
            html.append(f"<{tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{tag}>")
            continue
        head: list[str] = []
        rest: list[str] = []
        for line in lines:  # a paragraph that runs into a list
            (rest if rest or _ITEM.match(line.strip()) else head).append(line.strip())
        html.append(f"<p>{_inline(' '.join(head))}</p>")
        if rest:
            html.append(str(doc_html("\n".join(rest))))
    return Markup("".join(html))


@router.get("/methodology", name="methodology")
def methodology_page(request: Request, conn: ConnDep) -> Response:
    decisions = h.list_decisions(conn)
    by_rule = Counter(d["rule"] for d in decisions)
    examples: dict[str, list[dict[str, Any]]] = {}
    for d in decisions:
        examples.setdefault(d["rule"], [])
        if len(examples[d["rule"]]) < 3:
            examples[d["rule"]].append(d)
    return render(
        request,
        "methodology.html",
        {
            "checks": [c.as_dict() for c in run_checks(conn)],
            "constants": [
                (f"{m.__name__}.{name}", getattr(m, name), meaning)
                for m, name, meaning in CONSTANTS
            ],
            "rules": [(anchor, title, doc_html(m.__doc__)) for anchor, title, m in RULES],
            "by_rule": sorted(by_rule.items(), key=lambda x: -x[1]),
            "examples": examples,
            "counts": pubs.counts(conn),
            "severities": issue_severities(conn),
            "status": h.status(conn),
            "issue_kinds": issue_summary(conn),
        },
    )


@router.get("/models", name="models")
def models_page(request: Request, conn: ConnDep) -> Response:
    status = h.status(conn)
    return render(
        request,
        "models.html",
        {
            "powers": POWERS,
            "status": status,
            "shown": [*MODELS, *(m for m in POWERS if m not in MODELS)],
        },
    )


@router.get("/models/{code}", name="model")
def model_page(request: Request, conn: ConnDep, code: str) -> Response:
    model = code.upper()
    found = POWERS.get(model)
    if found is None:
        raise NotFound(f"no 287(g) model is called {code!r}")
    active = catalog.search_agreements(conn, model=model, status="active")
    by_state: Counter[str] = Counter(a["state"] for a in active["data"])
    return render(
        request,
        "model.html",
        {
            "p": found,
            "code": model,
            "count": active["count"],
            "by_state": by_state.most_common(),
            "status": h.status(conn),
            "others": [m for m in MODELS if m != model],
        },
    )


@router.get("/api/docs", name="api_docs")
def api_docs(request: Request) -> Response:
    """The API's operations in Swagger UI (vendored under ``static/vendor/swagger-ui``,
    started by ``static/api-docs.js``), with a plain table of them for readers without
    JavaScript."""
    spec = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", "")}
        for path, methods in spec.get("paths", {}).items()
        for method, op in methods.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    return render(
        request,
        "api_docs.html",
        {"spec_url": request.app.openapi_url, "operations": operations},
    )
