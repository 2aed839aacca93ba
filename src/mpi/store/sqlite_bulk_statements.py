"""A bulk load's inserts as prepared multi-row statements.

Binding and stepping a statement is much of the cost of a row once the B-tree only
appends, so a bulk load inserts hundreds of rows per statement: the rows' values are
flattened into one parameter tuple per statement, at C speed.

(Running these statements on a thread of their own, while the next chunk's rows are
made, was built and measured at 1M: sqlite3 does let go of the GIL while SQLite steps,
but the load then took about 4 CPU seconds more and no less wall time on the shared
2-core machine; the rows cross from one core's caches to the other's.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any

# Parameters per statement: hundreds of records or thousands of block-key rows; far
# larger statements insert more slowly (1,489 records per statement: +10 %).
PARAMETERS = 8_000

# SQL and its rows of parameters.
Statement = tuple[str, list[tuple[Any, ...]]]


def statements(
    sql: str, width: int, rows: Iterable[Sequence[Any]], count: int, per: int, values: str
) -> list[Statement]:
    """`sql` (its `{values}` a VALUES list of `per` rows of `values`, `width` parameters
    each) over `count` rows, as prepared parameter tuples."""
    rows = iter(rows)
    full = count // per * per
    flat = chain.from_iterable(islice(rows, full))
    many = list(zip(*[flat] * (width * per), strict=True))
    rest = list(map(tuple, rows))
    prepared = [(sql.format(values=", ".join([values] * per)), many)] if many else []
    return prepared + ([(sql.format(values=values), rest)] if rest else [])


def run(conn: sqlite3.Connection, work: list[Statement]) -> None:
    """Run the statements of `work` on `conn`, in order."""
    for sql, rows in work:
        conn.executemany(sql, rows)
