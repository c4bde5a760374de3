"""Data problems found in ICE's sheets, kept as data.

Each :class:`DataIssue` names the publication row (Excel row number), the
column, the raw value and what is wrong. They are stored and listed
(``g287 issues``), never raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "warning", "error"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class IssueKind:
    slug: str
    severity: Severity
    description: str


ISSUE_KINDS: dict[str, IssueKind] = {
    k.slug: k
    for k in (
        IssueKind("whitespace", "info", "leading, trailing, doubled or non-breaking spaces"),
        IssueKind("curly_apostrophe", "info", "typographic quote in a name"),
        IssueKind("case", "info", "value written in unusual case"),
        IssueKind("error_cell", "info", "an Excel error cell such as #N/A, read as missing"),
        IssueKind("missing_text", "info", "literal N/A, #NA or NA typed as text, read as missing"),
        IssueKind("missing_value", "warning", "a required cell is blank"),
        IssueKind("unknown_value", "warning", "a value outside the column's vocabulary"),
        IssueKind("variant_value", "info", "a known variant of a vocabulary value"),
        IssueKind("state_snapped", "warning", "STATE misspelt; matched to the nearest state"),
        IssueKind("unknown_state", "error", "STATE matches no state or territory"),
        IssueKind("serial_date", "info", "SIGNED given as an Excel serial number"),
        IssueKind("text_date", "warning", "SIGNED typed as text and parsed"),
        IssueKind("malformed_date", "warning", "SIGNED typed as malformed text, repaired"),
        IssueKind("unparseable_date", "error", "SIGNED cannot be read as a date; kept raw"),
        IssueKind("impossible_date", "error", "SIGNED is a date that cannot be right; kept raw"),
        IssueKind("safelink_unwrapped", "info", "an Outlook safelink, unwrapped to its target"),
        IssueKind("link_repaired", "info", "a hyperlink repaired (scheme, prefix)"),
        IssueKind("link_text_without_hyperlink", "warning", "the cell says 'link' but has no link"),
        IssueKind(
            "pending_with_hyperlink", "warning", "the cell says 'link pending' but has a link"
        ),
        IssueKind("non_ice_link", "warning", "a hyperlink that does not point at ice.gov"),
        IssueKind(
            "link_path_escapes", "warning", "a hyperlink whose path climbs out of its folder (..)"
        ),
        IssueKind("unexpected_link_text", "warning", "MOA/ADDENDUM text other than link/pending"),
        IssueKind(
            "hidden_rows", "info", "rows hidden by a saved filter; they are data, and counted"
        ),
        IssueKind("missing_column", "warning", "an expected column is absent from the layout"),
        IssueKind("extra_column", "info", "a column g287 does not know; kept as extra data"),
        IssueKind("duplicate_row", "warning", "the same normalized row twice in one list"),
        IssueKind("file_date", "warning", "the date in the file name was not used as is"),
        IssueKind("kind_mismatch", "warning", "file name and columns disagree on the list's kind"),
    )
}


@dataclass(slots=True)
class DataIssue:
    kind: str
    note: str
    row_number: int | None = None
    column: str | None = None
    raw_value: str | None = None

    @property
    def severity(self) -> Severity:
        return ISSUE_KINDS[self.kind].severity
