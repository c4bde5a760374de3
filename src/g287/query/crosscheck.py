"""Compare each stored list with an independently made per-file count table.

The table has one row per list, keyed by ``label`` (as ``g287 publications`` prints
it), in the layout of ``tests/data/publication_counts.csv``::

    label,kind,file,first_folder,rows,TFM,WSO,JEM,states,County,Municipality,
    State_Agency,moa_hyperlinked,moa_link_pending,signed_min

Only ``label`` is required; every other column the table has and g287 knows is
compared, and a blank cell is not compared (pending lists have no MOA column).
:func:`crosscheck` returns every difference as data; ``g287 check --against``
prints them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy import Connection, select

from g287.errors import InputError
from g287.query.publication_stats import list_publications
from g287.store.schema import publications, raw_files


def _folder(source: str | None) -> str | None:
    """The folder a file was first imported from (local paths only)."""
    if not source or "://" in source:
        return None
    path = PureWindowsPath(source) if "\\" in source else PurePosixPath(source)
    return path.parent.name or None


def _whole(value: str) -> int:
    if not value.isdigit():
        raise ValueError("is not a whole number")
    return int(value)


def _day(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError("is not a date (YYYY-MM-DD)") from None


def _text(value: str) -> str:
    return value


Getter = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Column:
    """A column of the count table: how to read its cells and g287's own figure."""

    name: str
    parse: Callable[[str], Any]
    ours: Getter


def _count(key: str, within: str) -> Column:
    name = key.replace(" ", "_")
    return Column(name, _whole, lambda p: p[within].get(key, 0))


COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        Column("kind", _text, lambda p: p["kind"]),
        Column("file", _text, lambda p: p["file_name"]),
        Column("first_folder", _text, lambda p: p["first_folder"]),
        Column("rows", _whole, lambda p: p["row_count"]),
        *(_count(m, "by_model") for m in ("TFM", "WSO", "JEM")),
        Column("states", _whole, lambda p: p["states"]),
        *(_count(t, "by_type") for t in ("County", "Municipality", "State Agency")),
        Column("moa_hyperlinked", _whole, lambda p: p["moa"].get("linked", 0)),
        Column("moa_link_pending", _whole, lambda p: p["moa"].get("pending", 0)),
        Column("signed_min", _day, lambda p: p["signed_min"]),
    )
}


@dataclass(frozen=True)
class Difference:
    """One figure (or one list) on which the table and g287 disagree."""

    label: str
    file: str | None
    column: str
    expected: Any
    found: Any
    line: int | None  # the table's line, None for a list the table lacks

    @property
    def message(self) -> str:
        where = f"{self.label} ({self.file})" if self.file else self.label
        if self.column == "label":
            if self.line is None:
                return f"{where}: in the database but not in the table"
            return f"{where}: in the table (line {self.line}) but not in the database"
        return f"{where}: {self.column} is {self.expected} in the table, g287 has {self.found}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "file": self.file,
            "column": self.column,
            "expected": self.expected,
            "found": self.found,
            "line": self.line,
            "message": self.message,
        }


@dataclass(frozen=True)
class CountRow:
    label: str
    line: int
    values: dict[str, Any]  # column -> parsed value (blank cells left out)


@dataclass(frozen=True)
class CountTable:
    source: str
    columns: list[str]  # the columns compared, in the table's order
    ignored: list[str]  # columns g287 does not know
    rows: list[CountRow]


@dataclass
class CrossCheck:
    source: str
    lists: int
    columns: list[str]
    ignored: list[str]
    differences: list[Difference] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {
            "against": self.source,
            "status": "pass" if self.passed else "fail",
            "lists": self.lists,
            "columns": self.columns,
            "ignored_columns": self.ignored,
            "differences": [d.as_dict() for d in self.differences],
        }


def read_count_table(path: str | Path) -> CountTable:
    """Read and validate a count table; :class:`InputError` names the line and field."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read as UTF-8 text ({exc})", source=source) from None
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(
            "is empty (a header with a 'label' column is needed)", source=source
        ) from None
    except csv.Error as exc:
        raise InputError(f"line 1: {exc}", source=source) from None
    if "label" not in header:
        raise InputError("line 1: no 'label' column in the header", source=source)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputError(f"line 1: column {name!r} appears twice", source=source)
        seen.add(name)
    compared = [h for h in header if h in COLUMNS]
    rows: list[CountRow] = []
    labels: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise InputError(
                    f"line {line}: {len(cells)} fields, the header has {len(header)}",
                    source=source,
                )
            record = dict(zip(header, (c.strip() for c in cells), strict=True))
            label = record["label"]
            if not label:
                raise InputError(f"line {line}, field label: blank", source=source)
            if label in labels:
                raise InputError(
                    f"line {line}, field label: {label!r} is also on line {labels[label]}",
                    source=source,
                )
            labels[label] = line
            values: dict[str, Any] = {}
            for name in compared:
                cell = record[name]
                if cell == "":
                    continue
                try:
                    values[name] = COLUMNS[name].parse(cell)
                except ValueError as exc:
                    raise InputError(
                        f"line {line}, field {name}: {cell!r} {exc}", source=source
                    ) from None
            rows.append(CountRow(label, line, values))
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: {exc}", source=source) from None
    ignored = [h for h in header if h not in COLUMNS and h != "label"]
    return CountTable(source, compared, ignored, rows)


def _stored(conn: Connection) -> dict[str, dict[str, Any]]:
    """Every stored list by label, with g287's figures and the folder it came from."""
    folders = dict(
        conn.execute(
            select(publications.c.id, raw_files.c.first_source).join(
                raw_files, raw_files.c.sha256 == publications.c.sha256
            )
        ).all()
    )
    out = {}
    for p in list_publications(conn):
        p["first_folder"] = _folder(folders.get(p["id"]))
        out[p["label"]] = p
    return out


def crosscheck(conn: Connection, table: CountTable) -> CrossCheck:
    """Every difference between the table and the stored lists, in the table's order."""
    stored = _stored(conn)
    result = CrossCheck(table.source, len(table.rows), table.columns, table.ignored)
    for row in table.rows:
        pub = stored.get(row.label)
        if pub is None:
            file = row.values.get("file")
            result.differences.append(
                Difference(row.label, file, "label", row.label, None, row.line)
            )
            continue
        for name, expected in row.values.items():
            found = COLUMNS[name].ours(pub)
            if found != expected:
                result.differences.append(
                    Difference(row.label, pub["file_name"], name, expected, found, row.line)
                )
    listed = {r.label for r in table.rows}
    for label, pub in stored.items():
        if label not in listed:
            result.differences.append(
                Difference(label, pub["file_name"], "label", None, label, None)
            )
    return result
