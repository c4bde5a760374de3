"""The jurisdiction (level, counties, place) of every resolved agency."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from g287.enrich.indexcache import data_files, load_memo, save_memo
from g287.enrich.jurisdiction import Jurisdiction, resolve_jurisdiction
from g287.resolve.lineage import History
from g287.resolve.model import Obs, snapshot
from g287.resolve.pending import PendingRequest


def _newest_row(agreements: list[Any], mine: list[PendingRequest]) -> Obs | None:
    """The most recent row printed for an agency (participating first, else pending)."""
    if agreements:
        latest = max(agreements, key=lambda a: (a.presence.last, a.presence.first, a.id))
        return snapshot(latest.obs, latest.presence.last)
    if mine:
        latest_request = max(mine, key=lambda r: (r.presence.last, r.id))
        return snapshot(latest_request.obs, latest_request.presence.last)
    return None


_Key = tuple[str, str, str | None, str | None]


def _memo_inputs() -> list[tuple[str, str]]:
    """The bundled files a jurisdiction is made from (with the code, the memo's key)."""
    return data_files("geo") + data_files("jurisdiction")


@lru_cache(maxsize=1)
def _memo() -> dict[_Key, Jurisdiction]:
    """Jurisdictions by (state, name, TYPE, COUNTY): they depend only on these four values,
    the bundled tables and the code, so each is worked out once and kept on disk for the
    next process (:func:`g287.enrich.indexcache.load_memo`); a cold ``g287 import`` then
    needs no geography index at all unless an agency is new."""
    return load_memo("jurisdictions", _memo_inputs())


def agency_place_rows(
    history: History, pending: list[PendingRequest]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for ``agency_places`` and ``agency_counties``."""
    places: list[dict[str, Any]] = []
    counties: list[dict[str, Any]] = []
    by_agency: dict[str, list[Any]] = {}
    for a in history.agreements:
        by_agency.setdefault(a.agency_id, []).append(a)
    requests: dict[str, list[PendingRequest]] = {}
    for r in pending:
        requests.setdefault(r.agency_id, []).append(r)
    memo = _memo()
    known = len(memo)
    for agency in sorted(history.agencies.values(), key=lambda x: x.id):
        row = _newest_row(by_agency.get(agency.id, []), requests.get(agency.id, []))
        name = row.name if row else agency.name
        key = (agency.state, name, row.type if row else None, row.county if row else None)
        found = memo.get(key)
        if found is None:
            found = memo[key] = resolve_jurisdiction(*key)
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
    if len(memo) > known:
        save_memo("jurisdictions", _memo_inputs(), memo)
    return places, counties
