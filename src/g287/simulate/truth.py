"""The truth files: which agreement every row is, and what became of each agreement.

Written incrementally while the workbooks are written (``rows.csv`` streams), then
completed from the final state of the simulated world. The formats are described
in :mod:`g287.simulate`.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from g287.simulate.model import Agreement, Event, Publication

ROWS_FIELDS = (
    "sha256",
    "file_name",
    "row_number",
    "true_agreement_id",
    "true_agency_id",
    "kind",
)
PUBLICATIONS_FIELDS = (
    "sha256",
    "file_name",
    "folder",
    "kind",
    "published",
    "part_of_day",
    "first_seen_utc",
    "step",
    "rows",
    "distinct",
    "suspect",
    "active",
)
AGREEMENTS_FIELDS = (
    "true_agreement_id",
    "agency_id",
    "state",
    "model",
    "signed",
    "printed_signed",
    "status",
    "end_reason",
    "successor_id",
    "switched_to",
    "first_listed",
    "last_listed",
    "removed_by",
    "first_pending",
    "last_pending",
    "agency_name",
    "rows",
    "scenario",
)
AGENCIES_FIELDS = ("agency_id", "state", "type", "county", "name", "names_printed")
EVENTS_FIELDS = (
    "step",
    "published",
    "part_of_day",
    "captured",
    "event",
    "agreement_id",
    "agency_id",
    "detail",
)
STATUSES = ("active", "superseded", "removed", "pending", "withdrawn")


@dataclass
class _Seen:
    first: int | None = None  # index into the distinct participating publications
    last: int | None = None
    first_pending: date | None = None
    last_pending: date | None = None
    rows: int = 0


@dataclass
class TruthWriter:
    """Collects the truth while publications are written; ``close`` finishes the files."""

    directory: Path
    seen: dict[str, _Seen] = field(default_factory=dict)
    part_dates: list[date] = field(default_factory=list)  # distinct participating lists
    shas: set[str] = field(default_factory=set)
    publications: list[dict[str, Any]] = field(default_factory=list)
    row_count: int = 0
    believed_active: int = 0  # true active agreements on the last believed list

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._rows_file: IO[str] = open(  # noqa: SIM115 - closed in close()
            self.directory / "rows.csv", "w", newline="", encoding="utf-8"
        )
        self._rows = csv.writer(self._rows_file, lineterminator="\n")
        self._rows.writerow(ROWS_FIELDS)

    def add(self, pub: Publication, sha256: str) -> None:
        distinct = sha256 not in self.shas
        participating = pub.kind == "participating"
        active: int | str = ""
        if participating and distinct:  # a suspect list's true count is the last list's
            if not pub.suspect:
                self.believed_active = len({r.agreement_id for r in pub.rows})
            active = self.believed_active
        self.publications.append(
            {
                "sha256": sha256,
                "file_name": pub.file_name,
                "folder": pub.folder,
                "kind": pub.kind,
                "published": pub.published.isoformat(),
                "part_of_day": pub.part,
                "first_seen_utc": pub.first_seen.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "step": pub.step,
                "rows": len(pub.rows),
                "distinct": int(distinct),
                "suspect": int(pub.suspect),
                "active": active,
            }
        )
        if not distinct:
            return
        self.shas.add(sha256)
        counted = participating and not pub.suspect  # a held list lists nobody
        if counted:
            self.part_dates.append(pub.published)
        index = len(self.part_dates) - 1
        out = []
        seen = self.seen
        # sha256, file names, ids and kinds never need CSV quoting: write lines directly
        prefix = f"{sha256},{pub.file_name},"
        suffix = f",{pub.kind}\n"
        for n, row in enumerate(pub.rows, start=2):
            out.append(f"{prefix}{n},{row.agreement_id},{row.agency_id}{suffix}")
            s = seen.get(row.agreement_id)
            if s is None:
                s = seen[row.agreement_id] = _Seen()
            s.rows += 1
            if counted:
                if s.first is None:
                    s.first = index
                s.last = index
            elif not participating:
                if s.first_pending is None:
                    s.first_pending = pub.published
                s.last_pending = pub.published
        self._rows_file.write("".join(out))
        self.row_count += len(out)

    def close(
        self,
        agreements: list[Agreement],
        events: list[Event],
        scenarios: Mapping[str, set[str]] | None = None,
    ) -> dict[str, int]:
        """Write the remaining files; returns the number of agreements by final status.

        ``scenarios`` names the scenario(s) of each agreement (``|``-joined in the truth)."""
        scenarios = scenarios or {}
        self._rows_file.close()
        _write(self.directory / "publications.csv", PUBLICATIONS_FIELDS, self.publications)
        final = len(self.part_dates) - 1
        records = []
        statuses: dict[str, int] = dict.fromkeys(STATUSES, 0)
        agencies = {}
        for a in agreements:
            s = self.seen.get(a.id)
            if s is None:
                continue  # listed only while the scraper was not looking
            agencies[a.agency.id] = a.agency
            successor = _observed_successor(a, self.seen)
            if s.first is None:
                status = "withdrawn" if a.end_reason == "withdrawn" else "pending"
            elif s.last == final:
                status = "active"
            elif successor is not None:
                status = "superseded"
            else:
                status = "removed"
            statuses[status] += 1
            removed_by = ""
            if s.last is not None and s.last < final:
                removed_by = self.part_dates[s.last + 1].isoformat()
            records.append(
                {
                    "true_agreement_id": a.id,
                    "agency_id": a.agency.id,
                    "state": a.agency.state,
                    "model": a.model,
                    "signed": a.signed.isoformat() if a.signed and s.first is not None else "",
                    "printed_signed": "|".join(a.printed_variants) if s.first is not None else "",
                    "status": status,
                    "end_reason": a.end_reason if status != "active" else "",
                    "successor_id": successor.id if successor and status == "superseded" else "",
                    "switched_to": a.switched_to.id if a.switched_to else "",
                    "first_listed": _day(self.part_dates, s.first),
                    "last_listed": _day(self.part_dates, s.last),
                    "removed_by": removed_by,
                    "first_pending": s.first_pending.isoformat() if s.first_pending else "",
                    "last_pending": s.last_pending.isoformat() if s.last_pending else "",
                    "agency_name": a.agency.final_name,
                    "rows": s.rows,
                    "scenario": "|".join(sorted(scenarios.get(a.id, ()))),
                }
            )
        _write(self.directory / "agreements.csv", AGREEMENTS_FIELDS, records)
        _write(
            self.directory / "agencies.csv",
            AGENCIES_FIELDS,
            [
                {
                    "agency_id": ag.id,
                    "state": ag.state,
                    "type": ag.type,
                    "county": ag.county or "",
                    "name": ag.final_name,
                    "names_printed": "|".join(ag.names_seen),
                }
                for ag in sorted(agencies.values(), key=lambda g: g.id)
            ],
        )
        _write(
            self.directory / "events.csv",
            EVENTS_FIELDS,
            [
                {
                    "step": e.step,
                    "published": e.published.isoformat(),
                    "part_of_day": e.part,
                    "captured": int(e.captured),
                    "event": e.event,
                    "agreement_id": e.agreement_id,
                    "agency_id": e.agency_id,
                    "detail": e.detail,
                }
                for e in events
            ],
        )
        return statuses


def _observed_successor(a: Agreement, seen: dict[str, _Seen]) -> Agreement | None:
    """The first agreement down ``a``'s chain of renewals that appears on a captured list."""
    nxt = a.successor
    while nxt is not None:
        s = seen.get(nxt.id)
        if s is not None and s.first is not None:
            return nxt
        nxt = nxt.successor
    return None


def _day(dates: list[date], index: int | None) -> str:
    return dates[index].isoformat() if index is not None else ""


def _write(path: Path, fields: tuple[str, ...], records: list[dict[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
