"""Import an archived copy of ICE's 287(g) page: its roster (pre-2025) as a list whose raw
file is the page, and the workbooks it links (fetched through the update's download)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from g287.errors import InputError
from g287.model.dating import eastern_date
from g287.model.naming import parse_file_name
from g287.store.archive import Sighting, format_utc, parse_utc

if TYPE_CHECKING:
    import httpx

    from g287.acquire.http import FetchPolicy
    from g287.app.importer import Importer, ImportResult
    from g287.app.update_state import FileReport
from g287.read.page import WorkbookLink, _path_name, find_workbook_links
from g287.read.roster import (
    ROSTER_MARK,
    Roster,
    parse_roster,
    roster_file_name,
    roster_list,
    roster_source,
)


@dataclass
class PageImport:
    """What importing one archived page did."""

    url: str
    captured_at: datetime
    sha256: str
    links: list[WorkbookLink]
    roster: Roster | None
    results: list[ImportResult] = field(default_factory=list)  # the roster workbook
    files: list[FileReport] = field(default_factory=list)  # workbooks fetched from its links

    @property
    def ok(self) -> bool:
        return all(r.outcome != "rejected" for r in self.results) and all(f.ok for f in self.files)

    def lines(self) -> list[str]:
        out = [f"page {self.url} ({format_utc(self.captured_at)}), sha256 {self.sha256[:12]}"]
        if self.roster is not None:
            as_of = f", as of {self.roster.as_of}" if self.roster.as_of else ""
            out.append(
                f"  roster: {len(self.roster.rows)} row(s) in {self.roster.tables} table(s)"
                f"{as_of}; columns {', '.join(self.roster.headers)}"
            )
        for r in self.results:
            what = r.reason if r.outcome == "rejected" else f"{r.publication_id}, {r.rows} rows"
            out.append(f"  {r.name}: {r.outcome} ({what})")
        for link in self.links:
            out.append(f"  link ({link.kind}): {link.url}")
        out.extend("  " + f.line() for f in self.files)
        if self.roster is None and not self.links:
            out.append("  no roster table and no workbook link on this page")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "captured_at": format_utc(self.captured_at),
            "sha256": self.sha256,
            "links": [link.as_dict() for link in self.links],
            "roster": self.roster.as_dict() if self.roster else None,
            "results": [r.as_dict() for r in self.results],
            "files": [f.as_dict() for f in self.files],
        }


def _page_name(url: str) -> str:
    name = _path_name(url) or "page"
    return name if name.lower().endswith((".htm", ".html")) else name + ".html"


def import_page(
    importer: Importer,
    html: bytes,
    *,
    url: str,
    captured_at: datetime,
    fetch: bool = False,
    client: httpx.Client | None = None,
    policy: FetchPolicy | None = None,
    resolve: bool = True,
    base_url: str | None = None,
    roster: Roster | None = None,
) -> PageImport:
    """Archive an archived copy of ICE's page (role ``page``) and load what it holds.

    A pre-2025 page's roster table is read into a participating list named from the
    capture date (``participatingAgencies<MMDDYYYY>.html``) and stored like any list, its
    raw file the page itself (a ``roster`` sighting, source ``<url>#g287-roster-<page
    sha>``, see :func:`g287.read.roster.roster_source`); a page an earlier version
    converted to a workbook is that workbook seen again. A 2025+ page's workbook links
    are reported and, with ``fetch``, downloaded (Wayback links in their raw ``id_`` form)
    and imported. Importing the same page again changes nothing. ``base_url`` (default
    ``url``) resolves the page's relative links: the backfill gives the address ICE served
    the page at, so rows carry ICE's own MOA links rather than one capture's; ``roster``,
    if parsed already (against ``base_url``), is used.
    """
    if not html:
        raise InputError("the page is empty (0 bytes)", source=url)
    captured_at = parse_utc(format_utc(captured_at))
    sha = importer.archive.put(html)
    importer.archive.record(
        Sighting(sha, _page_name(url), url, format_utc(captured_at), len(html), role="page")
    )
    base = base_url or url
    report = PageImport(url, captured_at, sha, find_workbook_links(html, base), None)
    report.roster = roster if roster is not None else parse_roster(html, base)
    if report.roster is not None and report.roster.rows:
        report.results.append(_import_roster(importer, report.roster, url, sha, captured_at, base))
    if fetch and report.links:
        from g287.app.update import download_links

        report.files = download_links(
            importer, report.links, seen_at=captured_at, client=client, policy=policy
        )
    if resolve:
        importer.ensure_derived()
    return report


def _import_roster(
    importer: Importer, roster: Roster, url: str, page_sha: str, captured_at: datetime, base: str
) -> ImportResult:
    """Store the roster as a list whose raw file is the page itself: a ``roster`` sighting
    of the page's bytes (named from the capture date, its source saying where the links
    resolve), which ``rebuild`` reads back into the same rows."""
    legacy = f"{url}{ROSTER_MARK}{page_sha[:16]}"  # the source earlier versions gave it
    source = roster_source(url, page_sha, base)
    name = roster_file_name(captured_at)
    for s in importer.archive.sightings():
        if s.source == legacy and s.role == "list" and importer.archive.has(s.sha256):
            # converted to a workbook by an earlier version: that list, seen again
            return importer.import_bytes(
                importer.archive.read(s.sha256), name=s.name, source=legacy, seen_at=captured_at
            )
        if s.source == source and s.role == "roster" and s.sha256 == page_sha:
            name = s.name  # imported before: the same list, under its first name
    html = importer.archive.read(page_sha)
    parsed = roster_list(
        roster, captured=eastern_date(captured_at), reference=parse_file_name(name).ice_date
    )
    return importer.import_bytes(
        html, name=name, source=source, seen_at=captured_at, parsed_already=parsed, role="roster"
    )
