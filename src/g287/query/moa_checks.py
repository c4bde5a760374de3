"""What the MOA library answers about the lists: MOAs still pending and for how long, the
sheet rows each held PDF disagrees with (with evidence, confidence and mislinks), and a
summary of what is held."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from g287.read.moa.compare import NEAR_DAYS, compare_with_sheet
from g287.read.moa.facts import MoaFacts
from g287.read.moa.signatures import Signatory
from g287.read.moa.text import Snippet
from g287.store import moa as store
from g287.store.schema import (
    agreements,
    content_agreements,
    moa_documents,
    moa_urls,
    publication_rows,
    publications,
    row_contents,
)


def pending_moas(conn: Connection, *, today: date | None = None) -> list[dict[str, Any]]:
    """Active agreements whose newest row still says 'link pending', longest-waiting first."""
    today = today or date.today()
    newest = conn.execute(
        select(publications.c.id, publications.c.published_date)
        .where(publications.c.kind == "participating")
        .order_by(publications.c.seq.desc())
        .limit(1)
    ).first()
    if newest is None:
        return []
    q = (
        select(
            agreements.c.id,
            agreements.c.name,
            agreements.c.state,
            agreements.c.model,
            agreements.c.signed,
            agreements.c.first_listed,
        )
        .where(agreements.c.status == "active")
        .where(
            agreements.c.id.in_(
                select(content_agreements.c.agreement_id)
                .join(
                    publication_rows,
                    publication_rows.c.content_id == content_agreements.c.content_id,
                )
                .join(row_contents, row_contents.c.id == content_agreements.c.content_id)
                .where(publication_rows.c.publication_id == newest.id)
                .where(row_contents.c.moa_status == "pending")
            )
        )
    )
    out = []
    for r in conn.execute(q):
        out.append(
            {
                "agreement_id": r.id,
                "name": r.name,
                "state": r.state,
                "model": r.model,
                "signed": r.signed.isoformat(),
                "first_listed": r.first_listed.isoformat(),
                "days_pending": (newest.published_date - r.first_listed).days,
                "days_since_signed": (newest.published_date - r.signed).days,
                "as_of": newest.published_date.isoformat(),
            }
        )
    return sorted(out, key=lambda x: (-x["days_pending"], x["agreement_id"]))


def check_moas(conn: Connection, *, near_days: int = NEAR_DAYS) -> dict[str, Any]:
    """Where a linked PDF disagrees with the sheet row that links it, with evidence.

    Every row of any list whose MOA link leads to a held document (not an addendum) is
    compared with the document's facts and file name (:func:`compare_with_sheet`),
    against the other agencies of the same state on the row's newest list (for
    mislinks). Returns ``{"checked", "documents", "disagreements", "near"}``: signing
    dates within ``near_days`` of SIGNED are listed under ``near``, never as
    disagreements. Each entry names the document (sha256, file name), the row (agency,
    state, model, signed, the newest list that printed it), the field, both values, the
    evidence (page and text; page 0 for the file name), its source, a confidence and the
    reason.
    """
    docs = {d["sha256"]: d for d in store.documents(conn)}
    doc_of = {u: s for u, s in conn.execute(select(moa_urls.c.url, moa_urls.c.sha256)) if s}
    newest_list = _newest_lists(conn)
    rows = conn.execute(
        select(row_contents, content_agreements.c.agreement_id)
        .join(
            content_agreements, content_agreements.c.content_id == row_contents.c.id, isouter=True
        )
        .where(row_contents.c.moa_url.is_not(None))
        .order_by(row_contents.c.moa_url, row_contents.c.id)
    ).all()
    names_on: dict[tuple[str, str | None], list[str]] = {}
    disagreements: list[dict[str, Any]] = []
    near: list[dict[str, Any]] = []
    checked, seen_docs = 0, set()
    for r in rows:
        sha = doc_of.get(r.moa_url)
        d = docs.get(sha) if sha else None
        if d is None or d["is_addendum"] or r.id not in newest_list:
            continue
        listed = newest_list[r.id]
        key = (listed["id"], r.state)
        if key not in names_on:
            names_on[key] = _agencies_on(conn, listed["id"], r.state)
        checked += 1
        seen_docs.add(d["sha256"])
        found = compare_with_sheet(
            facts_from_row(d),
            agency=r.agency_raw,
            state=r.state_raw,
            model=r.support_raw,
            signed=r.signed,
            file_name=d["file_name"],
            others=names_on[key],
            ocr_pages=_ocr_pages(d["pages"]),
            near_days=near_days,
        )
        for problem in found:
            entry = {
                "sha256": d["sha256"],
                "file_name": d["file_name"],
                "url": r.moa_url,
                "agreement_id": r.agreement_id,
                "row": {
                    "agency": r.agency_raw,
                    "state": r.state_raw,
                    "model": r.support_raw,
                    "signed": r.signed.isoformat() if r.signed else r.signed_raw,
                    "list": listed["label"],
                    "list_date": listed["published_date"].isoformat(),
                },
                "field": problem.kind,
                "sheet": problem.sheet,
                "pdf": problem.pdf,
                "better_match": problem.better,
                "days": problem.days,
                "evidence": [{"page": e.page, "text": e.text} for e in problem.evidence],
                "source": problem.source,
                "confidence": problem.confidence,
                "near": problem.near,
                "reason": problem.note,
            }
            (near if problem.near else disagreements).append(entry)
    return {
        "checked": checked,
        "documents": len(seen_docs),
        "near_days": near_days,
        "disagreements": disagreements,
        "near": near,
    }


def _newest_lists(conn: Connection) -> dict[str, dict[str, Any]]:
    """Row content id -> the newest participating list printing it (id, label, date)."""
    out: dict[str, dict[str, Any]] = {}
    q = (
        select(
            publication_rows.c.content_id,
            publications.c.id,
            publications.c.label,
            publications.c.published_date,
        )
        .join(publications, publications.c.id == publication_rows.c.publication_id)
        .where(publications.c.kind == "participating")
        .order_by(publications.c.seq)
    )
    for content_id, pid, label, published in conn.execute(q):
        out[content_id] = {"id": pid, "label": label, "published_date": published}
    return out


def _agencies_on(conn: Connection, publication_id: str, state: str | None) -> list[str]:
    """The agencies a list prints for one state (all of them when the state is unknown)."""
    q = (
        select(row_contents.c.agency_raw)
        .join(publication_rows, publication_rows.c.content_id == row_contents.c.id)
        .where(publication_rows.c.publication_id == publication_id)
    )
    if state:
        q = q.where(row_contents.c.state == state)
    return sorted({name for (name,) in conn.execute(q) if name})


def _ocr_pages(pages: list[dict[str, Any]] | None) -> set[int]:
    """Pages whose text is OCR (a scan's text layer, or g287's OCR)."""
    return {
        p["page"]
        for p in pages or []
        if p.get("kind") == "ocr" or p.get("ocr_confidence") is not None
    }


def facts_from_row(d: dict[str, Any]) -> MoaFacts:
    """A stored document's facts, with the evidence kept for them."""
    evidence = {
        fact: tuple(Snippet(e["page"], e["text"]) for e in found)
        for fact, found in (d.get("evidence") or {}).items()
        if not fact.startswith("signatory.")
    }
    sigs = tuple(
        Signatory(
            s["side"],
            s["name"],
            s["title"],
            s["organization"],
            date.fromisoformat(s["date"]) if s["date"] else None,
            Snippet(0, ""),
        )
        for s in d["signatories"]
    )
    return MoaFacts(
        d["model"],
        d["agency"],
        d["state"],
        sigs,
        tuple(date.fromisoformat(x) for x in d["signing_dates"]),
        d["is_addendum"],
        evidence,
    )


def moa_summary(conn: Connection) -> dict[str, Any]:
    statuses: dict[str, int] = dict(
        conn.execute(select(moa_urls.c.status, func.count()).group_by(moa_urls.c.status)).all()
    )
    return {
        "documents": conn.execute(select(func.count()).select_from(moa_documents)).scalar_one(),
        "linked_urls": len(store.linked_urls(conn)),
        "urls_by_status": statuses,
    }
