"""API: the lists ICE published, their raw files, their rows, and the data problems in them."""

from __future__ import annotations

from itertools import islice
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from g287.errors import NotFound
from g287.interfaces.web.api_common import (
    ERRORS,
    NO_CONTROL,
    LimitQ,
    ModelQ,
    OffsetQ,
    StateQ,
    TextQ,
    publication_urls,
    split_cells,
)
from g287.interfaces.web.deps import ArchiveDep, ConnDep
from g287.interfaces.web.schemas_lists import (
    FilesPublic,
    IssuesPublic,
    IssueSummaryPublic,
    PublicationDetail,
    PublicationRowsPublic,
    PublicationsPublic,
)
from g287.model.issues import ISSUE_KINDS
from g287.query import issues, publication_stats
from g287.query import publications as p
from g287.query.moa_copies import moa_document
from g287.query.provenance import placed_rows

router = APIRouter(tags=["publications"], responses=ERRORS)

MEDIA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
}
"""Raw files are served as what they are; anything else (an archived HTML page, say) as
opaque bytes, never as a document the browser would render."""

PublicationRef = Annotated[
    str,
    Path(
        description=(
            "A publication: its id (`pb_4b87a1f97165`), a sha256 prefix, its label "
            "(`part 07032025pm#2`, URL-encoded), ICE's stamp when unique, its file name, "
            "or `latest` / `latest-pending`."
        ),
        examples=["latest", "pb_4b87a1f97165"],
        max_length=300,
        pattern=NO_CONTROL,
    ),
]


def _with_urls(pub: dict[str, Any]) -> dict[str, Any]:
    pub.update(publication_urls(pub["id"]))
    return pub


@router.get("/publications", name="list_publications", response_model=PublicationsPublic)
def list_publications(
    conn: ConnDep,
    kind: Annotated[
        Literal["participating", "pending"] | None, Query(description="Which of ICE's lists.")
    ] = None,
    limit: LimitQ = 1000,
    offset: OffsetQ = 0,
) -> dict[str, Any]:
    """The lists ICE published that g287 holds, in order (by kind, then date), paged, with
    the total `count`; each with its rows by model, TYPE and MOA status, states,
    signing-date range and issue counts."""
    found = publication_stats.publication_page(conn, kind, limit=limit, offset=offset)
    return {
        "count": found["count"],
        "limit": limit,
        "offset": offset,
        "data": [_with_urls(x) for x in found["data"]],
    }


@router.get("/publications/{ref}", name="get_publication", response_model=PublicationDetail)
def get_publication(conn: ConnDep, ref: PublicationRef) -> dict[str, Any]:
    """One list: where it came from (file name, sha256, dates and how they were decided),
    its sheet layout, its counts and its data problems by kind."""
    return _with_urls(publication_stats.publication_summary(conn, ref))


@router.get(
    "/publications/{ref}/raw",
    name="get_publication_raw",
    response_class=Response,
    responses={
        200: {
            "description": "The archived file, byte for byte, under its original name.",
            "content": {
                mt: {"schema": {"type": "string", "format": "binary"}}
                for mt in [*MEDIA_TYPES.values(), "application/octet-stream"]
            },
        }
    },
)
def get_publication_raw(conn: ConnDep, archive: ArchiveDep, ref: PublicationRef) -> Response:
    """The file ICE published, exactly as archived (its sha256 is in the `X-Sha256`
    header and in the publication), as an attachment under the name it was seen with."""
    pub = p.resolve_publication(conn, ref)
    if not archive.has(pub["sha256"]):
        raise NotFound(f"the archived file of {pub['label']} is missing from this server")
    name = pub["file_name"]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return Response(
        archive.read(pub["sha256"]),
        media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"),
        headers={
            "Content-Disposition": content_disposition(name),
            "X-Sha256": pub["sha256"],
            "Cache-Control": "public, max-age=31536000, immutable",
        },
    )


@router.get(
    "/moas/{sha256}/pdf",
    name="get_moa_pdf",
    response_class=Response,
    responses={
        200: {
            "description": "The archived PDF, byte for byte.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def get_moa_pdf(
    conn: ConnDep,
    archive: ArchiveDep,
    sha256: Annotated[
        str, Path(description="The PDF's sha256 (64 hex digits).", pattern=r"^[0-9a-f]{64}$")
    ],
) -> Response:
    """g287's archived copy of a MOA or addendum PDF that ICE linked (ICE's links die):
    the bytes as archived, under the file name it was seen with, its sha256 in
    `X-Sha256`."""
    doc = moa_document(conn, sha256)
    if not archive.has(doc["sha256"]):
        raise NotFound(f"the archived PDF {doc['file_name']} is missing from this server")
    disposition = content_disposition(doc["file_name"] or "moa.pdf")
    return Response(
        archive.read(doc["sha256"]),
        media_type="application/pdf",
        headers={
            "Content-Disposition": disposition.replace("attachment;", "inline;", 1),
            "X-Sha256": doc["sha256"],
            "Cache-Control": "public, max-age=31536000, immutable",
        },
    )


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name (RFC 6266 / 5987)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get(
    "/publications/{ref}/rows", name="list_publication_rows", response_model=PublicationRowsPublic
)
def list_publication_rows(
    conn: ConnDep,
    ref: PublicationRef,
    state: StateQ = None,
    model: ModelQ = None,
    text: TextQ = None,
    hidden: Annotated[bool | None, Query(description="Only hidden (or visible) rows.")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    offset: OffsetQ = 0,
) -> dict[str, Any]:
    """The rows of one list in sheet order: Excel row number, hidden or not, ICE's cells
    as printed (`raw`) beside the normalized values, and the agreement (or pending request)
    g287 resolved each row to."""
    pub = p.resolve_publication(conn, ref)
    rows = list(
        placed_rows(
            conn, publication_id=pub["id"], state=state, model=model, text=text, hidden=hidden
        )
    )
    page = [split_cells(r) for r in islice(rows, offset, offset + limit)]
    return {
        "publication": {k: pub[k] for k in ("id", "label", "published_date")},
        "count": len(rows),
        "limit": limit,
        "offset": offset,
        "data": page,
    }


@router.get("/issues", name="list_issues", response_model=IssuesPublic)
def list_issues(
    conn: ConnDep,
    publication: Annotated[
        str | None,
        Query(description="Only this list (any publication reference).", pattern=NO_CONTROL),
    ] = None,
    kind: Annotated[
        str | None,
        Query(
            description="One issue kind (see /api/issues/summary).",
            pattern="^(?:" + "|".join(sorted(ISSUE_KINDS)) + ")$",
        ),
    ] = None,
    severity: Annotated[
        Literal["info", "warning", "error"], Query(description="At least this severe.")
    ] = "warning",
    limit: LimitQ = 100,
    offset: OffsetQ = 0,
) -> dict[str, Any]:
    """Data problems found in ICE's sheets, by list, Excel row and column: the raw value,
    the kind, its severity and a note. A `kind` lists that kind at every severity."""
    found = issues.list_issues(conn, publication=publication, kind=kind, severity=severity)
    return {
        "count": len(found),
        "limit": limit,
        "offset": offset,
        "data": found[offset : offset + limit],
    }


@router.get("/issues/summary", name="get_issue_summary", response_model=IssueSummaryPublic)
def get_issue_summary(
    conn: ConnDep,
    publication: Annotated[
        str | None, Query(description="Only this list.", pattern=NO_CONTROL)
    ] = None,
) -> dict[str, Any]:
    """Issue counts by kind (occurrences, and in how many lists), with what each kind means."""
    return {"data": issues.issue_summary(conn, publication=publication)}


@router.get("/files", name="list_files", response_model=FilesPublic)
def list_files(
    conn: ConnDep,
    status: Annotated[Literal["accepted", "rejected"] | None, Query()] = None,
) -> dict[str, Any]:
    """The raw archive: every file g287 was given, accepted or rejected and why, with its
    sha256 and first sighting. Local paths are not shown (only URLs)."""
    files = p.list_files(conn, status=status)
    for f in files:
        source = f.get("first_source") or ""
        f["first_source"] = source if source.startswith(("http://", "https://")) else None
    return {"count": len(files), "data": files}
