"""What every page shares: the template environment, the language, links and labels."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from g287.enrich.geo import county as county_info
from g287.errors import G287Error, InvalidQuery
from g287.interfaces.web.http import declared_params
from g287.interfaces.web.i18n import DEFAULT as DEFAULT_LANG
from g287.interfaces.web.i18n import Translator, choose, explicit, translator
from g287.model.models import MODEL_NAMES
from g287.model.states import STATES
from g287.query.moa_copies import copy_url, moa_copies
from g287.query.urls import public_link

HERE = Path(__file__).parent
STATIC = HERE / "static"
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(HERE / "templates")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
MODELS = ("TFM", "JEM", "WSO")
STANCES = ("mandates", "encourages", "partial", "limits", "prohibits", "none")
LEVELS = (
    "state",
    "county",
    "municipal",
    "regional",
    "judicial_district",
    "constable_district",
    "campus",
    "port",
    "corrections_facility",
    "tribal",
    "other",
)
# Labels of fixed vocabularies (translated through the catalogue like any message).
LEVEL_LABELS = {
    "state": "State agency (whole state)",
    "county": "Sheriff or county agency (whole county)",
    "municipal": "City or town police",
    "regional": "Regional agency",
    "judicial_district": "Judicial district",
    "constable_district": "Constable district",
    "campus": "Campus police",
    "port": "Port or airport authority",
    "corrections_facility": "Corrections facility",
    "tribal": "Tribal agency",
    "other": "Other agency",
}
STANCE_LABELS = {
    "mandates": "Mandates 287(g)",
    "encourages": "Encourages 287(g)",
    "partial": "Mixed (bans some agencies, mandates others)",
    "limits": "Limits 287(g)",
    "prohibits": "Prohibits 287(g)",
    "none": "No state law on 287(g)",
}
REMOVAL_FLAGS = {
    "model_switch": "the agency switched to another model",
    "possible_resigning": "possibly re-signed: a new agreement of the same model followed",
    "missing_from_newest_list_only": "missing from the newest list only (it may return)",
}
CONFLICT_LABELS = {
    "conflict": "Conflict",
    "review": "Needs review",
    "unconfirmed": "Unconfirmed",
    "not_yet_due": "Not yet due",
}
OG_LOCALES = {"en": "en_US", "es": "es_US"}
STATUS_LABELS = {
    "active": "Active",
    "superseded": "Superseded",
    "removed": "Removed",
    "waiting": "Pending",
    "converted": "Became an agreement",
    "withdrawn": "Withdrawn",
}


@cache
def asset_version(name: str) -> str:
    """A short hash of a static file, appended to its URL so browsers refetch on change."""
    return hashlib.blake2b((STATIC / name).read_bytes(), digest_size=4).hexdigest()


def state_name(code: str | None) -> str:
    if not code:
        return ""
    found = STATES.get(code.upper())
    if not found:
        return code
    words = found[0].title().split()
    return " ".join(w.lower() if w in ("Of", "And") else w for w in words)


def county_label(fips: str | None) -> str:
    found = county_info(fips) if fips else None
    return found.name if found else (fips or "")


def safe_url(url: str | None) -> str | None:
    """A link from the data, only if the query layer would emit it
    (:func:`g287.query.urls.public_link`): never ``javascript:`` or ``data:``."""
    return public_link(url)


def parse_day(value: str | None) -> date | None:
    """A ?date= parameter: YYYY-MM-DD, or nothing."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidQuery(f"date must be YYYY-MM-DD, not {value!r}") from exc


def parse_state(value: str) -> str:
    code = value.upper()
    if code not in STATES:
        raise InvalidQuery(f"{value!r} is not a two-letter state code")
    return code


class Page:
    """One request's language and link helpers, handed to the templates."""

    def __init__(self, request: Request) -> None:
        query = request.url.query
        self.request = request
        self.lang = choose(query, request.headers.get("accept-language", ""))
        self.explicit = explicit(query)
        self.t: Translator = translator(self.lang)
        self._copies: dict[str, str] | None = None

    def url(self, path: str, **params: Any) -> str:
        """A link within the site, carrying ?lang= when the reader chose a language."""
        items = [(k, str(v)) for k, v in params.items() if v is not None and v != ""]
        if self.explicit:
            items.append(("lang", self.explicit))
        return path + ("?" + urlencode(items) if items else "")

    def switch_url(self) -> str:
        """This page in the other language."""
        other = "en" if self.lang == "es" else "es"
        declared = declared_params(self.request.scope.get("route"))
        items = [
            (k, v)
            for k, v in self.request.query_params.multi_items()
            if k != "lang" and (declared is None or k in declared)
        ]
        items.append(("lang", other))
        return self.request.url.path + "?" + urlencode(items)

    def moa_copy(self, url: str | None) -> str | None:
        """Where g287 serves its archived copy of the PDF ICE links at ``url`` (None when
        the archive does not hold it); the archive's links are read once per page."""
        if not url:
            return None
        if self._copies is None:
            try:
                with self.request.app.state.db.connect() as conn:
                    self._copies = moa_copies(conn)
            except G287Error:  # an error page while the database is down
                self._copies = {}
        sha = self._copies.get(url)
        return copy_url(sha) if sha else None

    def site(self) -> str:
        """The public base URL (``G287_SITE_URL``), or "" when none is configured: pages
        are cached whatever the ``Host`` header, so they never print the request's host."""
        web = getattr(self.request.app.state, "web", None)
        return (web.site_url if web else "").rstrip("/")

    def canonical(self) -> str:
        """This page's one URL: the path, the query parameters the route declares (set,
        in a fixed order) and ``lang=es`` for Spanish; absolute when the site URL is set."""
        declared = declared_params(self.request.scope.get("route"))
        items = sorted(
            (k, v)
            for k, v in parse_qsl(self.request.url.query)
            if v and k != "lang" and (declared is None or k in declared)
        )
        if self.lang != DEFAULT_LANG:
            items.append(("lang", self.lang))
        return self.site() + self.request.url.path + ("?" + urlencode(items) if items else "")

    def model_summary(self, code: str) -> str:
        """What a model's officers may do, in one translated sentence (an inline definition
        of the model code: the badge's title; the glossary has the full entry)."""
        from g287.enrich.powers import POWERS

        found = POWERS.get(code)
        return self.t.gettext(found.summary) if found else ""

    def label(self, table: Mapping[str, str], key: str) -> str:
        """A fixed vocabulary's label, translated (the key itself when unknown)."""
        return self.t.gettext(table.get(key, key))

    def context(self) -> dict[str, Any]:
        t = self.t
        return {
            "request": self.request,
            "lang": self.lang,
            "explicit_lang": self.explicit,
            "_": t.gettext,
            "n_": t.ngettext,
            "num": t.number,
            "pct": t.percent,
            "day": t.day,
            "short_day": t.short_day,
            "url": self.url,
            "switch_url": self.switch_url(),
            "canonical": self.canonical(),
            "site": self.site(),
            "og_locale": OG_LOCALES[self.lang],
            "static": lambda name: f"/static/{name}?v={asset_version(name)}",
            "model_name": lambda code: self.label(MODEL_NAMES, code),
            "model_summary": self.model_summary,
            "level_label": lambda level: self.label(LEVEL_LABELS, level or "other"),
            "stance_label": lambda stance: self.label(STANCE_LABELS, stance),
            "status_label": lambda status: self.label(STATUS_LABELS, status),
            "state_name": state_name,
            "county_label": county_label,
            "agency_url": lambda agency_id: self.url("/agencies/" + quote(agency_id, safe="")),
            "agreement_url": lambda agreement_id: self.url(
                "/agreements/" + quote(agreement_id, safe="")
            ),
            "city_url": lambda state, name: self.url(f"/cities/{state}/" + quote(name, safe="")),
            "raw_url": lambda pid: "/api/publications/" + quote(pid, safe="") + "/raw",
            "href": safe_url,
            "moa_copy": self.moa_copy,
            "flags": REMOVAL_FLAGS,
            "conflict_label": lambda status: self.label(CONFLICT_LABELS, status),
            "MODELS": MODELS,
            "MODEL_NAMES": MODEL_NAMES,
        }


def render(
    request: Request, template: str, values: Mapping[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    page = Page(request)
    html = ENV.get_template(template).render({**page.context(), **values})
    return HTMLResponse(html, status_code=status_code)


EMBED_HEIGHT = {"county": 420, "map": 520}  # pixels of the embeds' iframes


def embed_snippet(page: Page, fips: str, title: str) -> dict[str, Any]:
    """The ``<iframe>`` to paste for one county (absolute when the site URL is set; the
    page's script fills in its own origin otherwise)."""
    path = f"/embed/county/{fips}"
    src = page.site() + page.url(path)
    return {
        "path": path,
        "absolute": bool(page.site()),
        "code": (
            f'<iframe src="{src}" title="287(g): {title}" width="100%" '
            f'height="{EMBED_HEIGHT["county"]}" loading="lazy"></iframe>'
        ),
    }


def wants_json(request: Any) -> bool:
    """Whether the client asked for JSON rather than a page (``Accept``)."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept
