"""Date a publication: ICE's claimed date weighed against when it was first seen.

Rules, in order:

1. ICE's file-name date, when there is one. If the file was demonstrably
   online more than one day *before* that date (its first-seen Eastern date is
   earlier than the claimed date minus one day), the first-seen date wins and
   the publication is flagged.
2. A file-name date a year early (``01062025`` on a January 2026 list) is moved
   forward one year when it falls before the newest signing date printed in the
   list and one year later does not; flagged.
3. Otherwise the Eastern date of the first sighting (the caller's
   ``first_seen``, e.g. a manifest's ``first_seen_utc``, or the import time).

Publications are ordered by that date, then part of day (am < none/mid < pm),
then first-seen time, then content hash: so two different files under one
name are ordered by when each was first seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from g287.model.naming import PART_RANK, FileName

EASTERN = ZoneInfo("America/New_York")

DateSource = Literal["file_name", "first_seen"]


@dataclass(frozen=True)
class PublicationDate:
    published: date
    part_of_day: str | None
    source: DateSource
    flag: str | None

    def sort_key(self, first_seen: datetime, sha256: str) -> tuple[object, ...]:
        return (self.published, PART_RANK.get(self.part_of_day, 2), first_seen, sha256)


def eastern_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(EASTERN).date()


def date_publication(
    name: FileName, first_seen: datetime, newest_signed: date | None = None
) -> PublicationDate:
    seen = eastern_date(first_seen)
    claimed = name.ice_date
    if claimed is not None and claimed > seen + timedelta(days=30):
        return PublicationDate(
            seen,
            None,
            "first_seen",
            f"file-name date {claimed} is more than 30 days after the file was first seen ({seen})",
        )
    if claimed is None:
        return PublicationDate(seen, None, "first_seen", None)
    if seen < claimed - timedelta(days=1):
        return PublicationDate(
            seen,
            name.part_of_day,
            "first_seen",
            f"file seen on {seen}, before its file-name date {claimed}",
        )
    if newest_signed is not None and claimed < newest_signed:
        later = _plus_year(claimed)
        if later >= newest_signed and later <= seen + timedelta(days=1):
            return PublicationDate(
                later,
                name.part_of_day,
                "file_name",
                f"file-name date {claimed} predates signings it lists ({newest_signed});"
                f" read as {later}",
            )
    return PublicationDate(claimed, name.part_of_day, "file_name", None)


def _plus_year(d: date) -> date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)
