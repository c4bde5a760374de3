"""Which links leave g287 as links: every answer of the query layer passes through here.

ICE's sheets are typed by hand and anyone can hand g287 a workbook, so a MOA cell may
link ``javascript:alert(2)``, ``data:text/html,...`` or any web site. The raw archive
and the ``*_raw`` cells keep what the sheet said; what the query layer answers as a URL
(``moa_url``, ``addendum_url``, ``url``, and the ``before``/``after`` of MOA and
ADDENDUM change events) is only ever:

- an ``http`` or ``https`` URL on ICE's or DHS's sites (``ice.gov``, ``dhs.gov`` and
  their subdomains), where ICE posts the MOAs, or on the Internet Archive
  (``web.archive.org``), which holds copies of ICE's dead links; or
- a path on g287's own site (``/api/...``: the archived copy), never ``//host``.

Anything else becomes ``None`` (no link); the sheet's text is still in ``moa_raw``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

LINK_HOSTS = ("ice.gov", "dhs.gov")
"""Hosts (and their subdomains) whose links are emitted."""
ARCHIVE_HOSTS = ("web.archive.org",)
"""Archives of ICE's pages and documents, emitted as links too."""
URL_KEYS = ("moa_url", "addendum_url", "url")
LINK_FIELDS = ("moa", "addendum")
"""Event fields whose ``before`` and ``after`` may be URLs."""

_SCHEME = re.compile(r"^\s*[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


def public_link(url: Any) -> str | None:
    """``url`` if it may be emitted as a link (see the module docstring), else ``None``."""
    if not isinstance(url, str) or not url:
        return None
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or url != url.strip():
        return None
    if host in ARCHIVE_HOSTS or any(host == h or host.endswith("." + h) for h in LINK_HOSTS):
        return url
    return None


def _link_or_text(value: Any) -> Any:
    """An event value: a status word stays; anything that looks like a URL is checked."""
    if isinstance(value, str) and (_SCHEME.match(value) or value.startswith(("/", "\\"))):
        return public_link(value)
    return value


def public_row(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (changed in place and returned) with its links checked by
    :func:`public_link`."""
    for key in URL_KEYS:
        if row.get(key) is not None:
            row[key] = public_link(row[key])
    if row.get("field") in LINK_FIELDS:
        for key in ("before", "after"):
            if key in row:
                row[key] = _link_or_text(row[key])
    return row
