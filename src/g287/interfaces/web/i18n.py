"""English and Spanish for the pages: language choice, messages, numbers and dates.

Messages are written in English in the templates and code (``_("Active agreements")``);
the Spanish catalogue (``locales/es.json``, and any ``locales/es.*.json`` beside it) maps
each English message to its Spanish text, and a plural message (``n_``) to
``[singular, plural]``. A message missing from
the catalogue is shown in English (a test lists any that are missing).

The language is chosen from the request alone, the same way the HTTP layer keys its
response cache: an explicit ``?lang=en`` / ``?lang=es``, else an ``Accept-Language``
header that starts with ``es``, else English. Nothing else (no cookie) may change it,
or a cached page could be served in the wrong language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

LANGS = ("en", "es")
DEFAULT = "en"
LOCALES = Path(__file__).parent / "locales"

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}


def choose(query_string: str, accept_language: str) -> str:
    """The page language for a request (see the module docstring)."""
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        if key == "lang" and value in LANGS:
            return value
    return "es" if accept_language.lower().startswith("es") else DEFAULT


def explicit(query_string: str) -> str | None:
    """The language asked for in the URL (kept on every link), if any."""
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        if key == "lang" and value in LANGS:
            return value
    return None


@cache
def catalogue(lang: str) -> Mapping[str, str | list[str]]:
    if lang == DEFAULT:
        return {}
    path = LOCALES / f"{lang}.json"
    data: dict[str, str | list[str]] = json.loads(path.read_text(encoding="utf-8"))
    for extra in sorted(LOCALES.glob(f"{lang}.*.json")):  # more messages, one file per area
        data.update(json.loads(extra.read_text(encoding="utf-8")))
    return data


@dataclass(frozen=True)
class Translator:
    """Messages, numbers and dates in one language."""

    lang: str

    def gettext(self, message: str, **values: Any) -> str:
        found = catalogue(self.lang).get(message)
        text = found if isinstance(found, str) else message
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        found = catalogue(self.lang).get(singular)
        if isinstance(found, list) and len(found) == 2:
            singular, plural = found
        text = singular if n == 1 else plural
        return text.format(n=self.number(n), **values)

    def number(self, value: float | int | None) -> str:
        """1,234 in both languages (U.S. Spanish groups thousands with a comma too)."""
        if value is None:
            return "–"
        if isinstance(value, float) and not value.is_integer():
            return f"{value:,.1f}"
        return f"{int(value):,}"

    def percent(self, share: float | None) -> str:
        if share is None:
            return "–"
        text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
        return f"{text}%" if self.lang == "en" else f"{text} %"

    def day(self, value: date | str | None) -> str:
        """A date in words: July 7, 2025 / 7 de julio de 2025."""
        if value is None or value == "":
            return "–"
        d = date.fromisoformat(value) if isinstance(value, str) else value
        month = MONTHS[self.lang][d.month - 1]
        if self.lang == "es":
            return f"{d.day} de {month} de {d.year}"
        return f"{month} {d.day}, {d.year}"

    def short_day(self, value: date | str | None) -> str:
        """A short date: Jul 7, 2025 / 7 jul 2025."""
        if value is None or value == "":
            return "–"
        d = date.fromisoformat(value) if isinstance(value, str) else value
        month = MONTHS[self.lang][d.month - 1][:3]
        if self.lang == "es":
            return f"{d.day} {month} {d.year}"
        return f"{month} {d.day}, {d.year}"

    def month(self, value: date | str) -> str:
        """Month and year, short: Jul 2025 / jul 2025."""
        d = date.fromisoformat(value) if isinstance(value, str) else value
        return f"{MONTHS[self.lang][d.month - 1][:3]} {d.year}"


def translator(lang: str) -> Translator:
    return Translator(lang if lang in LANGS else DEFAULT)


def messages_for_client(lang: str, keys: tuple[str, ...]) -> dict[str, str]:
    """The few messages the page scripts need, in one language (embedded as JSON)."""
    t = translator(lang)
    return {k: t.gettext(k) for k in keys}


_CALL = re.compile(r"""\bn?_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def template_messages(folder: Path | None = None) -> set[str]:
    """Every literal message the templates translate (``_("...")`` and ``n_("...", ...)``)."""
    out: set[str] = set()
    for path in sorted((folder or Path(__file__).parent / "templates").rglob("*.html")):
        for double, single in _CALL.findall(path.read_text(encoding="utf-8")):
            out.add(double or single)
    return out
