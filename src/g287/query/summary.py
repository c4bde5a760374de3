"""A short summary of what the database holds: the newest lists and their counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from g287.config import Settings
from g287.errors import NotFound
from g287.model.models import MODEL_NAMES
from g287.query import publications as q
from g287.query.issues import issue_summary
from g287.query.publication_stats import list_publications


def summary(conn: Connection) -> dict[str, Any]:
    out: dict[str, Any] = {"counts": q.counts(conn)}
    pubs = list_publications(conn)
    for kind in ("participating", "pending"):
        mine = [p for p in pubs if p["kind"] == kind]
        out[f"latest_{kind}"] = mine[-1] if mine else None
    try:
        out["issues"] = issue_summary(conn)
    except NotFound:
        out["issues"] = []
    return out


def render_summary(report: dict[str, Any], settings: Settings | None = None) -> str:
    lines = []
    c = report["counts"]
    lines.append(
        f"Archive: {c['files']} file(s), {c['rejected_files']} rejected; "
        f"{c['participating']} participating and {c['pending']} pending lists; "
        f"{c['rows']:,} rows; {c['issues']:,} data issues."
    )
    part = report.get("latest_participating")
    if part:
        models = ", ".join(
            f"{MODEL_NAMES.get(m, m)} {n}"
            for m, n in sorted(part["by_model"].items(), key=lambda x: -x[1])
        )
        lines.append(
            f"Newest participating list: {part['label']} ({part['published_date']}, {part['id']}): "
            f"{part['row_count']} agreements in {part['states']} states and territories: {models}."
        )
    pend = report.get("latest_pending")
    if pend:
        lines.append(
            f"Newest pending list: {pend['label']} ({pend['published_date']}): "
            f"{pend['row_count']} pending requests in {pend['states']} states."
        )
    worst = [i for i in report.get("issues", []) if i["severity"] != "info"]
    if worst:
        lines.append(
            "Data problems in ICE's sheets: "
            + ", ".join(f"{i['kind']} {i['count']}" for i in worst)
            + " (g287 issues)."
        )
    if settings is not None:
        lines.append(f"Database: {settings.database_url}")
    return "\n".join(lines)
