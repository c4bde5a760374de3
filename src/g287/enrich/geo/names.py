"""Name keys for matching ICE's county and place text against Census names.

A key folds everything that never tells two places apart: case, accents,
apostrophes (curly or straight), periods, hyphens and runs of spaces, and the
abbreviations ``St.``/``Ste.``/``Ft.``/``Mt.``. ``St. Mary's County`` and
``Saint Marys County`` share the key ``saint marys county``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
_DROP = re.compile(r"['’‘`´.]")
_SPACE = re.compile(r"[\s\-‐‑–—/,;:()]+")
_ABBREVIATED = re.compile(r"(?:^|\s)(?:st|ste|ft|mt)(?:\s|$)")
_AMP = re.compile(r"\s*&\s*")


def strip_accents(text: str) -> str:
    """``Doña Ana`` -> ``Dona Ana``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """Case-folded, accent-free, apostrophes and periods dropped, spaces squeezed."""
    if not text.isascii():  # ASCII (nearly every name) is already NFKC and accent-free
        text = strip_accents(unicodedata.normalize("NFKC", text))
    text = text.casefold()
    text = _AMP.sub(" and ", text)
    text = _DROP.sub("", text)
    return " ".join(_SPACE.sub(" ", text).split())


def expand_abbreviations(text: str) -> str:
    """``saint``/``sainte``/``fort``/``mount`` for ``st``/``ste``/``ft``/``mt`` tokens."""
    if not _ABBREVIATED.search(text):
        return " ".join(text.split())
    return " ".join(_ABBREVIATIONS.get(token, token) for token in text.split())


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """The matching key: :func:`plain` then :func:`expand_abbreviations`."""
    return expand_abbreviations(plain(text))


def compact(key: str) -> str:
    """A key without spaces, so that ``De Soto`` meets ``DeSoto``."""
    return key.replace(" ", "")
