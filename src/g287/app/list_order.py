"""Where a list stands among the others of its kind, kept right whatever order files arrive in.

``redate`` dates a publication again from all its sightings (so the outcome does not
depend on arrival order); ``index_runs`` renumbers a kind's lists after one is stored and
keeps the content-runs index current, or clears it for resolution to rebuild.
"""

from __future__ import annotations

from sqlalchemy import Connection

from g287.model import dating
from g287.model.issues import DataIssue
from g287.model.naming import parse_file_name
from g287.query.publication_stats import count_publication
from g287.store import publications as store


def redate(conn: Connection, sha: str, *, force: bool) -> bool:
    """Date a publication again from all its sightings: the earliest first seen, and
    the name of its earliest sighting that carries ICE's date (else its earliest
    name), so that the outcome does not depend on the order files arrived in.
    True when the publication changed."""
    pub = store.publication_by_sha(conn, sha)
    if pub is None:
        return False
    names = store.sighting_names(conn, sha)
    name = next((n for n in names if parse_file_name(n).ice_date is not None), None)
    name = name or (names[0] if names else pub["file_name"])
    if not force and name == pub["file_name"]:
        return False
    raw = store.get_raw_file(conn, sha)
    seen_at = store.as_utc(raw["first_seen"]) if raw is not None else pub["first_seen"]
    file_name = parse_file_name(name)
    newest = store.newest_signed(conn, pub["id"])
    when = dating.date_publication(file_name, seen_at, newest)
    store.update_publication(
        conn,
        pub["id"],
        {
            "file_name": name,
            "ice_date": file_name.ice_date,
            "first_seen": seen_at,
            "published_date": when.published,
            "date_source": when.source,
            "date_flag": when.flag,
            "part_of_day": when.part_of_day,
        },
    )
    flag = when.flag or file_name.note
    store.replace_issues(
        conn,
        pub["id"],
        "file_date",
        [DataIssue("file_date", flag, raw_value=name)] if flag else [],
    )
    store.save_counts(conn, pub["id"], count_publication(conn, pub["id"]))
    if store.reorder(conn, pub["kind"]):
        store.clear_runs(conn, pub["kind"])
    return True


def index_runs(conn: Connection, kind: str, pid: str) -> None:
    """Re-order the kind's lists and keep the content-runs index current (or mark it stale).

    A list appended at the end extends the runs; one that lands among existing lists
    shifts their sequence numbers, so the runs are cleared and resolution rebuilds them.
    """
    shifted = store.reorder(conn, kind)
    if shifted:
        store.clear_runs(conn, kind)
        return
    count = store.count_publications(conn, kind)
    if count == 1 or store.has_runs(conn, kind):
        store.extend_runs(conn, kind, pid, count)
