"""The jurisdiction (level, counties, place) of every resolved agency."""

from __future__ import annotations

import json
from typing import Any

from g287.enrich.jurisdiction import resolve_jurisdiction
from g287.resolve.lineage import History
from g287.resolve.model import Obs, snapshot
from g287.resolve.pending import PendingRequest


def _newest_row(history: History, pending: list[PendingRequest], agency_id: str) -> Obs | None:
    """The most recent row printed for an agency (participating first, else pending)."""
    agreements = [a for a in history.agreements if a.agency_id == agency_id]
    if agreements:
        latest = max(agreements, key=lambda a: (a.presence.last, a.presence.first, a.id))
        return snapshot(latest.obs, latest.presence.last)
    mine = [r for r in pending if r.agency_id == agency_id]
    if mine:
        latest_request = max(mine, key=lambda r: (r.presence.last, r.id))
        return snapshot(latest_request.obs, latest_request.presence.last)
    return None


def agency_place_rows(
    history: History, pending: list[PendingRequest]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for ``agency_places`` and ``agency_counties``."""
    places: list[dict[str, Any]] = []
    counties: list[dict[str, Any]] = []
    by_agency: dict[str, list[Any]] = {}
    for a in history.agreements:
        by_agency.setdefault(a.agency_id, []).append(a)
    for agency in sorted(history.agencies.values(), key=lambda x: x.id):
        row = _newest_row(history, pending, agency.id)
        name = row.name if row else agency.name
        found = resolve_jurisdiction(
            agency.state, name, row.type if row else None, row.county if row else None
        )
        place = found.place
        places.append(
            {
                "agency_id": agency.id,
                "level": found.level,
                "level_source": found.level_source,
                "rule": found.rule,
                "county_source": found.county_source,
                "place_id": place.id if place else None,
                "place_name": place.name if place else None,
                "place_county_fips": place.county_fips if place else None,
                "place_lat": place.lat if place else None,
                "place_lng": place.lng if place else None,
                "unmatched_reason": found.unmatched_reason,
                "notes": json.dumps(list(found.notes)),
                "ice_type": row.type if row else None,
                "ice_county": row.county if row else None,
            }
        )
        for fips in sorted(set(found.county_fips)):
            counties.append({"agency_id": agency.id, "county_fips": fips})
    return places, counties
