"""CLI commands for MOA documents: fetch, import, search, pending, check."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from g287.acquire.wayback import DEFAULT_WAYBACK
from g287.errors import ConfigError
from g287.interfaces import output
from g287.interfaces.cli_common import App, handle_errors, json_option, pass_app


@click.group("moa")
def moa_group() -> None:
    """MOA and addendum PDFs: archive, full-text search, pending links, checks."""


@moa_group.command("fetch")
@click.option("--refetch", is_flag=True, help="Check every link again, not only new ones.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many downloads.")
@click.option(
    "--wayback", default=DEFAULT_WAYBACK, show_default=True, metavar="URL",
    help="Read links dead on ice.gov from this web archive's newest capture ('' to skip).",
)  # fmt: skip
@click.option(
    "--ocr/--no-ocr", default=None, help="OCR scanned pages (default: when Tesseract is installed)."
)
@json_option
@pass_app
@handle_errors
def moa_fetch(
    app: App, refetch: bool, limit: int | None, wayback: str, ocr: bool | None, as_json: bool
) -> None:
    """Download every MOA the lists link (archived by sha256; dead links recorded)."""
    from g287.app.moa_fetching import fetch_moas
    from g287.app.moa_library import MoaResult

    def show(done: int, total: int, result: MoaResult) -> None:
        """One line per link as it is fetched (a run may take tens of minutes)."""
        line = f"[{done}/{total}] {result.line()}"
        click.echo(line, err=result.outcome == "rejected")

    results = fetch_moas(
        app.importer,
        refetch=refetch,
        limit=limit,
        ocr=_use_ocr(ocr),
        progress=None if as_json else show,
        wayback=wayback or None,
    )
    _report(results, as_json, each=False)


@moa_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 when any PDF is rejected.")
@click.option(
    "--ocr/--no-ocr",
    default=None,
    help="OCR scanned pages with Tesseract (default: when it is installed).",
)
@json_option
@pass_app
@handle_errors
def moa_import(
    app: App, paths: tuple[Path, ...], strict: bool, ocr: bool | None, as_json: bool
) -> None:
    """Import MOA PDFs from disk; each is tied to the list URLs with its file name.

    One line per PDF (read, unchanged, or rejected with its reason), then a summary.
    A rejected PDF is recorded (see ``g287 files --status rejected``), not an error.
    """
    from g287.app.moa_library import MoaResult, import_moa_files, import_summary

    def show(result: MoaResult) -> None:
        click.echo(result.line(), err=result.outcome == "rejected")

    results = import_moa_files(
        app.importer,
        list(paths),
        seen_at=datetime.now(UTC),
        progress=None if as_json else show,
        ocr=_use_ocr(ocr),
    )
    if as_json:
        output.emit_json({"documents": [r.__dict__ for r in results], **import_summary(results)})
    else:
        click.echo(import_summary(results)["summary"])
    if strict and any(r.outcome == "rejected" for r in results):
        sys.exit(1)


def _use_ocr(asked: bool | None) -> bool:
    from g287.read.moa import ocr

    if asked and not ocr.available():
        raise ConfigError("--ocr needs the tesseract program and Pillow (pip install 'g287[ocr]')")
    return ocr.available() if asked is None else asked


def _report(results: list, as_json: bool, *, each: bool = True) -> None:  # type: ignore[type-arg]
    if as_json:
        output.emit_json([r.__dict__ for r in results])
    else:
        for r in results if each else ():
            if r.outcome == "rejected":
                output.error(f"{r.name}: {r.reason}")
        ok = sum(1 for r in results if r.outcome != "rejected")
        click.echo(f"{len(results)} document(s): {ok} held, {len(results) - ok} rejected or dead")
    if any(r.outcome == "rejected" for r in results):
        sys.exit(1)


@moa_group.command("search")
@click.argument("query")
@click.option("--any-words", is_flag=True, help="All the words anywhere, not the phrase.")
@click.option("--exact", is_flag=True, help="The words as typed ('detainer', not 'detained').")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Passages to skip.")
@json_option
@pass_app
@handle_errors
def moa_search(
    app: App, query: str, any_words: bool, exact: bool, limit: int, offset: int, as_json: bool
) -> None:
    """Full-text search across every MOA: how many documents match, each distinct passage
    once (with its page) and the agreements that link it."""
    from g287.query.moa_search import search_report

    with app.db.connect() as conn:
        report = search_report(
            conn, query, phrase=not any_words, exact=exact, limit=limit, offset=offset
        )
    if as_json:
        output.emit_json(report)
        return
    for hit in report["data"]:
        click.echo(f"{hit['file_name']}: {', '.join(hit['agreements']) or '(no agreement linked)'}")
        click.echo(f"    {_page(hit['page'])}{hit['snippet']}")
        if hit["more_count"]:
            names = ", ".join(
                d["file_name"] + (f" (p. {d['page']})" if d["page"] else "")
                for d in hit["more"][:3]
            )
            rest = " ..." if hit["more_count"] > 3 else ""
            s = "s" if hit["more_count"] != 1 else ""
            click.echo(
                f"    and {hit['more_count']} more document{s} with this passage: {names}{rest}"
            )
    click.echo(search_summary(report))


def _page(page: int | None) -> str:
    return f"p. {page}: " if page else ""


def search_summary(report: dict[str, Any]) -> str:
    """``'9 documents match "48 hours", in 3 distinct passages; passages 1-3 shown'``."""
    docs, count, offset = report["documents"], report["count"], report["offset"]
    shown = len(report["data"])
    verb = "document matches" if docs == 1 else "documents match"
    line = f'{docs} {verb} "{report["query"]}"'
    if report.get("exact"):
        line += " exactly"
    if not docs:
        return line
    line += f", in {count} distinct passage{'s' if count != 1 else ''}"
    if shown == 1:
        line += f"; passage {offset + 1} shown"
    elif shown:
        line += f"; passages {offset + 1}-{offset + shown} shown"
    else:
        line += f"; none from --offset {offset}"
    if offset + shown < count:
        line += f" (next: --offset {offset + shown})"
    return line


@moa_group.command("pending")
@json_option
@pass_app
@handle_errors
def moa_pending(app: App, as_json: bool) -> None:
    """Active agreements whose MOA is still 'link pending', with how long."""
    from g287.query.moa_checks import pending_moas

    with app.db.connect() as conn:
        rows = pending_moas(conn)
    if as_json:
        output.emit_json(rows)
    else:
        output.table(
            rows,
            [
                ("agreement_id", "agreement"),
                ("signed", "signed"),
                ("first_listed", "first listed"),
                ("days_pending", "days pending"),
            ],
        )


@moa_group.command("check")
@click.option(
    "--near-days", type=click.IntRange(min=0), default=1, show_default=True,
    help="Signing dates this close to SIGNED are 'near' differences, listed apart, not alarms.",
)  # fmt: skip
@json_option
@pass_app
@handle_errors
def moa_check(app: App, near_days: int, as_json: bool) -> None:
    """Where a linked PDF disagrees with its sheet row (agency, state, model, signing date,
    another agency's MOA), each with the page and text that show it and a confidence."""
    from g287.query.moa_checks import check_moas

    with app.db.connect() as conn:
        report = check_moas(conn, near_days=near_days)
    if as_json:
        output.emit_json(report)
        return
    columns = [
        ("agreement", "agreement"),
        ("file_name", "PDF"),
        ("field", "field"),
        ("sheet", "sheet"),
        ("pdf", "PDF says"),
        ("shown", "evidence (page: text)"),
        ("confidence", "confidence"),
        ("reason", "reason"),
    ]
    for key, title in (("disagreements", "Disagreements"), ("near", "Near differences")):
        rows = [
            {
                **row,
                "agreement": row["agreement_id"] or row["row"]["agency"],
                "shown": "; ".join(
                    f"{'file name' if e['page'] == 0 else 'p. ' + str(e['page'])}: {e['text']}"
                    for e in row["evidence"]
                ),
                "confidence": f"{row['confidence']} ({row['source']})",
            }
            for row in report[key]
        ]
        if rows:
            output.table(rows, columns, title=title)
    click.echo(
        f"{len(report['disagreements'])} disagreement(s), {len(report['near'])} near "
        f"difference(s) (signing dates within {near_days} day(s), not alarms) in "
        f"{report['checked']} row(s) linking {report['documents']} document(s)"
    )


@moa_group.command("list")
@json_option
@pass_app
@handle_errors
def moa_list(app: App, as_json: bool) -> None:
    """Every MOA document held: pages, scanned pages, model, agency, state, signing dates."""
    from g287.query.moa_documents import document_list

    with app.db.connect() as conn:
        rows = document_list(conn)
    if as_json:
        output.emit_json(rows)
        return
    for row in rows:
        row["signed"] = ", ".join(row["signing_dates"])
        row["pages"] = f"{row['page_count']}" + (f" {row['scan_note']}" if row["scan_note"] else "")
    output.table(
        rows,
        [
            ("file_name", "PDF"),
            ("pages", "pages"),
            ("model", "model"),
            ("agency", "agency"),
            ("state", "state"),
            ("signed", "signing dates"),
        ],
    )
    click.echo(f"{len(rows)} document(s)")


@moa_group.command("facts")
@click.argument("document", required=False)
@json_option
@pass_app
@handle_errors
def moa_facts(app: App, document: str | None, as_json: bool) -> None:
    """The facts read from every MOA (or one: file name or sha256), each with page and text."""
    from g287.query.moa_documents import document_facts

    with app.db.connect() as conn:
        docs = document_facts(conn, document)
    if as_json:
        output.emit_json(docs)
        return
    for doc in docs:
        click.echo(render_facts(doc))


EVIDENCE_WIDTH = 90  # characters of evidence text shown per fact


def _evidence(found: list[dict[str, Any]] | dict[str, Any] | None) -> str:
    if found is None:
        return "(no evidence stored: g287 rebuild re-reads it)"
    items = [found] if isinstance(found, dict) else found
    if not items:
        return ""
    parts = []
    for item in items:
        where = "PDF metadata" if item["page"] == 0 else f"p. {item['page']}"
        text = item["text"] if len(item["text"]) <= EVIDENCE_WIDTH else item["text"][:87] + "..."
        parts.append(f'{where}: "{text}"')
    return "; ".join(parts)


def render_facts(doc: dict[str, Any]) -> str:
    """One document's facts, one per line, each with the page and text it was read from."""
    scan = doc["scan"]
    head = f"{doc['file_name']} ({doc['page_count']} pages"
    if scan and scan["note"]:
        head += f"; {scan['note']})" if "OCR'd" in scan["note"] else f"; {scan['note']}, no OCR)"
    else:
        head += ")"
    lines = [head, f"  sha256         {doc['sha256']}"]
    for name, fact in doc["facts"].items():
        value = fact["value"]
        if isinstance(value, list):
            value = ", ".join(value)
        if value is None or value == "":
            lines.append(f"  {name.replace('_', ' '):<14} (not found)")
            continue
        shown = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        lines.append(f"  {name.replace('_', ' '):<14} {shown}")
        if evidence := _evidence(fact["evidence"]):
            lines.append(f"  {'':<14}   {evidence}")
    for s in doc["signatories"]:
        who = ", ".join(x for x in (s["name"], s["title"], s["organization"], s["date"]) if x)
        lines.append(f"  {'signed (' + s['side'] + ')':<14} {who or '(illegible)'}")
        if evidence := _evidence(s["evidence"]):
            lines.append(f"  {'':<14}   {evidence}")
    lines.append(f"  {'linked by':<14} {', '.join(doc['agreements']) or '(no agreement)'}")
    return "\n".join(lines)


COMMANDS = (moa_group,)
