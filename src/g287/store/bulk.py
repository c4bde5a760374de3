"""Fast bulk inserts: one driver-level executemany, with SQLAlchemy's own type conversion.

``conn.execute(insert(table), rows)`` builds parameters row by row in Python;
for the hundred thousand rows of a large list that dominates an import. Here
each column's bind processor is looked up once and the rows go to the driver
as tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table

CHUNK = 10_000


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    dialect = conn.dialect
    columns = list(table.columns)
    names = [c.name for c in columns]
    processors: list[Callable[[Any], Any] | None] = [
        c.type._cached_bind_processor(dialect) for c in columns
    ]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join([marker] * len(names))})"
    )
    pairs = list(zip(names, processors, strict=True))
    params = [tuple(p(row.get(n)) if p else row.get(n) for n, p in pairs) for row in rows]
    for start in range(0, len(params), CHUNK):
        conn.exec_driver_sql(sql, params[start : start + CHUNK])
