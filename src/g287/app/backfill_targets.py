"""What a backfill looks for: the archived addresses (``data/backfill/wayback_targets.csv``),
grouped by the address ICE served, the earliest capture of each, and the file names to give
what they return."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx

from g287.acquire.http import disposition_name
from g287.acquire.wayback import (
    Capture,
)
from g287.app.backfill_report import (
    TargetKind,
)
from g287.errors import ConfigError

SAVE_EVERY = 2.0  # seconds between saves of the state


_WORKBOOK = re.compile(r"\.(xlsx|xlsm|xls)$", re.IGNORECASE)


_NOT_WORKBOOK = re.compile(r"\.(pdf|html?|aspx?|php|docx?|csv|zip|jpe?g|png|gif|css|js)$", re.I)


@dataclass(frozen=True)
class Target:
    """An address (or folder) to ask the CDX index about."""

    kind: TargetKind
    match: str  # exact | prefix
    url: str
    note: str = ""
    filter: str = ""  # one more CDX filter (field:regex), e.g. on mimetype


def load_targets(path: Path | None = None) -> list[Target]:
    """The targets of ``wayback_targets.csv`` (the bundled one unless ``path``)."""
    source = path or Path(
        str(resources.files("g287").joinpath("data", "backfill", "wayback_targets.csv"))
    )
    try:
        with open(source, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ConfigError(f"cannot read the backfill targets {source}: {exc.strerror}") from None
    out = []
    for lineno, rec in enumerate(rows, start=2):
        kind, match, url = rec.get("kind"), rec.get("match"), (rec.get("url") or "").strip()
        if kind not in ("page", "workbook") or match not in ("exact", "prefix") or not url:
            raise ConfigError(
                f"{source}: line {lineno}: needs kind page|workbook, match exact|prefix and a url"
            )
        note, extra = rec.get("note") or "", (rec.get("filter") or "").strip()
        out.append(Target(kind, match, url, note, extra))  # type: ignore[arg-type]
    return out


def _key(url: str) -> str:
    """An address as the CDX index matches it: no scheme, no ``www.``, lower-case host."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return host + path


def _covered(url: str, targets: Iterable[Target]) -> bool:
    key = _key(url)
    return any(
        (key == _key(t.url)) if t.match == "exact" else key.startswith(_key(t.url)) for t in targets
    )


def _group(captures: Iterable[Capture]) -> list[list[Capture]]:
    """Captures by digest, each group in time order, groups by their earliest capture."""
    groups: dict[str, list[Capture]] = defaultdict(list)
    for c in captures:
        groups[c.digest].append(c)
    out = [sorted(g, key=lambda c: c.timestamp) for g in groups.values()]
    return sorted(out, key=lambda g: (g[0].timestamp, g[0].original))


def _earliest_per_address(group: list[Capture]) -> list[Capture]:
    seen: dict[str, Capture] = {}
    for c in group:
        seen.setdefault(_key(c.original), c)
    return list(seen.values())


def _is_workbook_address(url: str) -> bool:
    path = urlsplit(url).path
    return not _NOT_WORKBOOK.search(path) and not path.endswith("/")


def _file_name(original: str, headers: httpx.Headers | None, kind: str | None) -> str:
    path_name = unquote(PurePosixPath(urlsplit(original).path).name)
    if _WORKBOOK.search(path_name):
        return path_name
    for header in ("content-disposition", "x-archive-orig-content-disposition"):
        name = disposition_name(headers.get(header) if headers is not None else None)
        if name:
            return name
    if kind in ("participating", "pending"):
        return f"{kind}Agencies.xlsx"
    return path_name or "workbook.xlsx"
