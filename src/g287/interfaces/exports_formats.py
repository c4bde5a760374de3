"""The file formats of :mod:`g287.interfaces.exports`: one writer per format, each taking a
:class:`~g287.interfaces.exports.Dataset` and a path.

Values are typed by their column first (:func:`typed_rows`); CSV, JSON and XLSX stream
the rows; Parquet writes Arrow record batches; Stata and SPSS need the whole table in
memory (a pandas DataFrame, written by pyreadstat).
"""

from __future__ import annotations

import importlib
import json
import textwrap
from collections.abc import Iterator
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any, Literal

from g287.errors import ConfigError, InvalidQuery
from g287.interfaces.csv_safe import SafeWriter
from g287.interfaces.exports_spec import Dataset

XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
BATCH = 50_000


def _value(v: Any, kind: str) -> Any:
    """A cell as the column's Python type (None stays None)."""
    if v is None or (v == "" and kind != "str"):
        return None
    if kind == "date":
        return (
            v
            if isinstance(v, date) and not isinstance(v, datetime)
            else date.fromisoformat(str(v)[:10])
        )
    if kind == "datetime":
        moment = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if kind == "int":
        return int(v)
    if kind == "float":
        return float(v)
    if kind == "bool":
        return bool(v)
    return str(v)


def typed_rows(ds: Dataset) -> Iterator[tuple[dict[str, Any], list[Any]]]:
    """Each row with its cells in column order, typed."""
    for row in ds.rows:
        yield row, [_value(row.get(c.name), c.type) for c in ds.columns]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.isoformat().replace("+00:00", "Z")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _json_value(v: Any) -> Any:
    return _text(v) if isinstance(v, date) else v


def _header_lines(ds: Dataset) -> list[str]:
    return [
        f"g287 {ds.version}: {ds.title}",
        f"as of {ds.as_of or '-'}"
        + (f" (newest ICE list used: {ds.publication})" if ds.publication else "")
        + (f"; agreements on the list in force on {ds.asked_as_of}" if ds.asked_as_of else ""),
        f"cite: {ds.citation}",
    ]


def write_csv(ds: Dataset, path: Path) -> None:
    """A header row, then the data: nothing else, so every CSV reader reads it as it is
    (the citation and provenance are in :func:`g287.interfaces.exports.datapackage`)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = SafeWriter(out, text=_text)
        writer.writerow([c.name for c in ds.columns])
        for _row, cells in typed_rows(ds):
            writer.writerow(cells)


def _json_rows(ds: Dataset, out: IO[str], feature: bool) -> int:
    n = 0
    for row, cells in typed_rows(ds):
        props = {c.name: _json_value(v) for c, v in zip(ds.columns, cells, strict=True)}
        if feature:
            shape = ds.shapes(row) if ds.shapes else None
            props["geometry_kind"] = shape.kind if shape else "none"
            props["geometry_reason"] = shape.reason if shape else "no geometry"
            item: dict[str, Any] = {
                "type": "Feature",
                "id": props["id"],
                "geometry": shape.geometry if shape else None,
                "properties": props,
            }
        else:
            item = props
        out.write(("," if n else "") + "\n" + json.dumps(item, ensure_ascii=False))
        n += 1
    return n


def write_json(ds: Dataset, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        meta = json.dumps(ds.metadata(), ensure_ascii=False)[1:-1]
        columns = json.dumps(
            [{"name": c.name, "type": c.type, "label": c.label} for c in ds.columns]
        )
        out.write("{" + meta + ', "columns": ' + columns + ', "data": [')
        n = _json_rows(ds, out, feature=False)
        out.write(f'\n], "count": {n}}}\n')


def write_geojson(ds: Dataset, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        meta = json.dumps(ds.metadata(), ensure_ascii=False)
        out.write('{"type": "FeatureCollection", "g287": ' + meta + ', "features": [')
        _json_rows(ds, out, feature=True)
        out.write("\n]}\n")


def write_xlsx(ds: Dataset, path: Path) -> None:
    import xlsxwriter  # type: ignore[import-untyped]

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet = book.add_worksheet("data")
        for i, c in enumerate(ds.columns):
            sheet.set_column(i, i, 12 if c.type in ("date", "int", "bool") else 24)
            sheet.write_string(0, i, c.name, bold)
        sheet.freeze_panes(1, 0)
        n = 0
        for n, (_row, cells) in enumerate(typed_rows(ds), start=1):
            if n > XLSX_MAX_ROWS:
                raise InvalidQuery(
                    f"{ds.name} has more rows than an Excel sheet holds; use CSV or Parquet"
                )
            for i, v in enumerate(cells):
                if v is None:
                    continue
                if isinstance(v, bool):
                    sheet.write_boolean(n, i, v)
                elif isinstance(v, datetime):
                    sheet.write_datetime(n, i, v.replace(tzinfo=None), moment)
                elif isinstance(v, date):
                    sheet.write_datetime(n, i, datetime(v.year, v.month, v.day), day)
                elif isinstance(v, int | float):
                    sheet.write_number(n, i, v)
                else:
                    sheet.write_string(n, i, v[:32767])
        if n:
            sheet.autofilter(0, 0, n, len(ds.columns) - 1)
        about = book.add_worksheet("about")
        about.set_column(0, 0, 22)
        about.set_column(1, 1, 100)
        r = 0
        for key, value in ds.metadata().items():
            about.write_string(r, 0, key, bold)
            about.write_string(r, 1, "" if value is None else str(value))
            r += 1
        about.write_string(r, 0, "rows", bold)
        about.write_number(r, 1, n)
        r += 2
        about.write_string(r, 0, "column", bold)
        about.write_string(r, 1, "meaning", bold)
        for c in ds.columns:
            r += 1
            about.write_string(r, 0, c.name)
            about.write_string(r, 1, f"{c.label} ({c.type})")
    finally:
        book.close()


EXTRA_NEEDED = "Parquet, Stata and SPSS need: pip install 'g287[exports]'"


def _pyarrow() -> Any:
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
    except ImportError:  # depends on the install
        raise ConfigError(EXTRA_NEEDED) from None
    return pa


def _pyreadstat() -> Any:
    """pyreadstat and pandas (Stata and SPSS), or the one-line install hint."""
    _pyarrow()
    try:
        importlib.import_module("pandas")
        import pyreadstat
    except ImportError:  # depends on the install
        raise ConfigError(EXTRA_NEEDED) from None
    return pyreadstat


def _arrow_schema(ds: Dataset) -> Any:
    pa = _pyarrow()
    types = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("s", tz="UTC"),
    }
    fields = [
        pa.field(c.name, types[c.type], metadata={"description": c.label}) for c in ds.columns
    ]
    meta = {f"g287:{k}": "" if v is None else str(v) for k, v in ds.metadata().items()}
    return pa.schema(fields, metadata=meta)


def arrow_batches(ds: Dataset) -> Iterator[Any]:
    """The dataset as Arrow record batches of at most :data:`BATCH` rows."""
    pa = _pyarrow()
    schema = _arrow_schema(ds)
    rows = (cells for _row, cells in typed_rows(ds))
    while True:
        chunk = list(islice(rows, BATCH))
        if not chunk:
            return
        columns = list(zip(*chunk, strict=True))
        yield pa.record_batch(
            [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
            schema=schema,
        )


def arrow_table(ds: Dataset) -> Any:
    pa = _pyarrow()
    return pa.Table.from_batches(list(arrow_batches(ds)), schema=_arrow_schema(ds))


def write_parquet(ds: Dataset, path: Path) -> None:
    _pyarrow()
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    schema = _arrow_schema(ds)
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for batch in arrow_batches(ds):
            writer.write_batch(batch)


EPOCHS = {"dta": "1960-01-01", "sav": "1582-10-14"}
"""Day zero of Stata's dates (days, %td) and of SPSS's (seconds, DATE11)."""


def _frame(ds: Dataset, flavor: Literal["dta", "sav"]) -> tuple[Any, dict[str, str]]:
    """A pandas DataFrame for Stata or SPSS, and the display format of its date columns.

    Dates and moments become the format's own numbers (Stata: days or milliseconds since
    1960; SPSS: seconds since 14 October 1582) with a date format, so both programs show
    them as dates; booleans become 0/1; numbers are doubles (for Stata, 32-bit integers
    when none is missing and all fit); text stays in Arrow-backed columns, a missing text
    written as an empty string (neither format has a missing string)."""
    import pandas as pd  # type: ignore[import-untyped]

    table = arrow_table(ds)
    frame = table.to_pandas(date_as_object=False, timestamp_as_object=False)
    del table
    zero = pd.Timestamp(EPOCHS[flavor])
    formats: dict[str, str] = {}
    for c in ds.columns:
        col = frame[c.name]
        if c.type == "str":
            frame[c.name] = col.fillna("")
        elif c.type in ("int", "bool"):
            number = col.astype("float64")
            fits = number.notna().all() and (number.abs() < 2**31 - 1).all()
            frame[c.name] = number.astype("int32") if flavor == "dta" and fits else number
        elif c.type in ("date", "datetime"):
            if c.type == "datetime":
                col = col.dt.tz_convert(None)
            since = col - zero
            if flavor == "dta" and c.type == "date":
                frame[c.name], formats[c.name] = since / pd.Timedelta(days=1), "%td"
            elif flavor == "dta":
                frame[c.name], formats[c.name] = since / pd.Timedelta(milliseconds=1), "%tc"
            else:
                seconds = since / pd.Timedelta(seconds=1)
                frame[c.name] = seconds
                formats[c.name] = "DATE11" if c.type == "date" else "DATETIME20"
    return frame, formats


def write_dta(ds: Dataset, path: Path) -> None:
    pyreadstat = _pyreadstat()
    frame, formats = _frame(ds, "dta")
    pyreadstat.write_dta(
        frame,
        str(path),
        file_label=ds.label,
        column_labels={c.name: c.label for c in ds.columns},
        version=15,
        variable_format=formats,
    )


def write_sav(ds: Dataset, path: Path) -> None:
    pyreadstat = _pyreadstat()
    frame, formats = _frame(ds, "sav")
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label=ds.label,
        column_labels={c.name: c.label for c in ds.columns},
        note=[part for line in _header_lines(ds) for part in textwrap.wrap(line, 80)],
        variable_format=formats,
    )
