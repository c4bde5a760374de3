"""The glossary: the program's terms, as ICE's lists and g287 use them.

Each term has an anchor (``/glossary#wso``) that pages link where the term appears; the
definitions follow the project's domain notes (``docs/DOMAIN.md``) and g287's own rules
(a status means what :mod:`g287.resolve.lineage` decides). Fixed text, translated
through the catalogue like every message.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.interfaces.web.pages_common import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Term:
    anchor: str
    term: str
    definition: str
    see: tuple[str, ...] = ()


TERMS = (
    Term(
        "287g",
        "287(g)",
        "Section 287(g) of the Immigration and Nationality Act (1996): it lets ICE sign an "
        "agreement with a state or local law-enforcement agency whose trained officers then "
        "perform some functions of federal immigration officers, under ICE supervision. The "
        "first agreement was signed in 2002.",
        ("ice", "moa"),
    ),
    Term(
        "ice",
        "ICE",
        "U.S. Immigration and Customs Enforcement, the agency of the Department of Homeland "
        "Security (DHS) that signs 287(g) agreements and publishes the lists g287 keeps.",
    ),
    Term(
        "moa",
        "MOA (memorandum of agreement)",
        "The signed agreement between ICE and an agency. ICE's list links each agreement's MOA "
        "as a PDF; g287 keeps a copy of every PDF it has fetched, because ICE's links die.",
        ("addendum", "link-pending"),
    ),
    Term(
        "addendum",
        "Addendum",
        "A later document amending an MOA. ICE's list has an ADDENDUM column from July 2025.",
        ("moa",),
    ),
    Term(
        "model",
        "Model (support type)",
        "Which kind of 287(g) agreement an agency signed, in the SUPPORT TYPE column of ICE's "
        "list: the Jail Enforcement Model, the Warrant Service Officer model or the Task Force "
        "Model. One agency may hold agreements of several models.",
        ("jem", "wso", "tfm", "ttf"),
    ),
    Term(
        "jem",
        "JEM (Jail Enforcement Model)",
        "Officers screen people already booked into a jail: they may interview them about "
        "their immigration status, check DHS databases, issue detainers, hold someone up to 48 "
        "hours past release for ICE, serve administrative warrants and start removal "
        "paperwork.",
        ("detainer", "administrative-warrant"),
    ),
    Term(
        "wso",
        "WSO (Warrant Service Officer)",
        "Officers serve and execute ICE administrative warrants (forms I-200 and I-205) on "
        "people already in the agency's jail, so that ICE can take custody. They do not "
        "question people about their immigration status.",
        ("administrative-warrant",),
    ),
    Term(
        "tfm",
        "TFM (Task Force Model)",
        "Officers may question and arrest people for immigration violations during routine "
        "police work in the field, under ICE supervision: the broadest powers, and since 2025 "
        "the most common model.",
        ("ttf",),
    ),
    Term(
        "ttf",
        "Tribal Task Force Model",
        "A task-force variant for tribal agencies that ICE began listing in 2026.",
        ("tfm",),
    ),
    Term(
        "older-models",
        "JTF, TFO, JEO (older labels)",
        'Older lists use "Jail & Task Force" (JTF), "Task Force Officer" (TFO) and '
        '"Jail Enforcement Officer" (JEO) for the models now called TFM and JEM.',
        ("jem", "tfm"),
    ),
    Term(
        "detainer",
        "Detainer",
        "ICE's request that a jail hold a person it would otherwise release, for up to 48 "
        "hours, so that ICE can take custody. Officers under the Jail Enforcement Model may "
        "issue them.",
        ("jem",),
    ),
    Term(
        "administrative-warrant",
        "Administrative warrant (I-200, I-205)",
        "An arrest or removal warrant signed by an ICE officer, not by a judge. Warrant "
        "Service Officers serve them on people in their jail.",
        ("wso",),
    ),
    Term(
        "participating",
        "Participating agencies",
        "ICE's workbook of agencies with a signed agreement: state, agency, type, county, "
        "model, date signed and MOA link. Each row is one agreement on that day's list.",
        ("pending", "list"),
    ),
    Term(
        "pending",
        "Pending agencies (pending request)",
        "ICE's second workbook: agencies that have asked for an agreement ICE has not yet "
        "signed. g287 follows each request until it becomes an agreement or leaves the list.",
        ("participating",),
    ),
    Term(
        "list",
        "List (publication)",
        "One workbook as ICE published it, kept byte for byte and named by its content. ICE "
        "replaces its files several times a week and keeps no history, so every date's "
        "figures come from the newest list published by then.",
    ),
    Term(
        "signed",
        "Signed date",
        "The date in the SIGNED column of ICE's list. ICE sometimes reprints it "
        "differently on a later list (g287 records this as re-dated).",
    ),
    Term(
        "active",
        "Active",
        "An agreement printed on ICE's newest list.",
        ("superseded", "removed"),
    ),
    Term(
        "superseded",
        "Superseded",
        "An agreement no longer on ICE's newest list that a later agreement of the same "
        "agency took over (same model or same signing date, listed right after it): the "
        "agency still takes part.",
        ("active", "removed"),
    ),
    Term(
        "removed",
        "Removed",
        "An agreement no longer on ICE's newest list that no later agreement took over. "
        "g287 flags a removal that may be a re-signing or a switch to another model, and one "
        "missing from the newest list only (it may return).",
        ("active", "superseded"),
    ),
    Term(
        "link-pending",
        "MOA link pending",
        'ICE printed "link pending" instead of a link to the signed MOA.',
        ("moa",),
    ),
    Term(
        "covered",
        "Covered county",
        "A county where an agency whose jurisdiction is the whole county (a sheriff or county "
        "agency) or the whole state (a state agency) holds an active agreement. City police, "
        "campus, port and district agreements cover part of a county.",
    ),
)
ANCHORS = {t.anchor: t for t in TERMS}


@router.get("/glossary", name="glossary")
def glossary_page(request: Request) -> Response:
    return render(request, "glossary.html", {"terms": TERMS, "anchors": ANCHORS})
