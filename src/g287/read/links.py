"""Clean the MOA and ADDENDUM hyperlinks ICE pasted into its sheets.

Staff paste links from Outlook, so many are "safelinks" wrapping the real
``ice.gov`` URL; their ``data=`` parameter embeds a mailbox, so a raw safelink
is never stored: it is unwrapped here, before anything else sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

_CHROME_EXT = re.compile(r"^chrome-extension://[a-z]+/", re.IGNORECASE)
_SINGLE_SLASH = re.compile(r"^(https?):/(?!/)", re.IGNORECASE)


@dataclass(frozen=True)
class CleanLink:
    url: str
    was_safelink: bool
    notes: tuple[str, ...]

    @property
    def is_ice(self) -> bool:
        host = urlsplit(self.url).hostname or ""
        return host == "ice.gov" or host.endswith(".ice.gov")


def is_safelink(url: str) -> bool:
    host = urlsplit(url.strip()).hostname or ""
    return host.endswith("safelinks.protection.outlook.com")


def clean_link(raw: str) -> CleanLink:
    """Unwrap safelinks (even nested), strip browser prefixes, repair and upgrade the scheme."""
    url = raw.strip()
    notes: list[str] = []
    was_safelink = False
    for _ in range(5):
        if not is_safelink(url):
            break
        inner = parse_qs(urlsplit(url).query).get("url")
        if not inner:
            notes.append("safelink without a url parameter; dropped")
            return CleanLink("", True, tuple(notes))
        url = inner[0].strip()
        was_safelink = True
    if was_safelink:
        notes.append("Outlook safelink unwrapped")
    if _CHROME_EXT.match(url):
        url = _CHROME_EXT.sub("", url)
        notes.append("browser-extension prefix removed")
    if _SINGLE_SLASH.match(url):
        url = _SINGLE_SLASH.sub(r"\1://", url)
        notes.append("missing slash after scheme repaired")
    if url.lower().startswith("http://") and _host(url).endswith("ice.gov"):
        url = "https://" + url[len("http://") :]
        notes.append("http upgraded to https")
    return CleanLink(url, was_safelink, tuple(notes))


def climbs_out(url: str) -> bool:
    """Whether the URL's path holds a ``..`` segment (plain or percent-encoded): a link
    such as ``www.ice.gov/doclib/287gMOA/../../evil.pdf`` leaves ICE's MOA folder."""
    path = urlsplit(url if "://" in url else f"//{url}").path
    return any(part == ".." for part in unquote(path).replace("\\", "/").split("/"))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@lru_cache(maxsize=65536)
def file_key(url: str) -> str:
    """The MOA file's identity for comparisons: basename, lower-case, alphanumerics only."""
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1].lower()
    return re.sub(r"[^a-z0-9]", "", name)
