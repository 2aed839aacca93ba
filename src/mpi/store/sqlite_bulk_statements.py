"""A bulk load's inserts as prepared multi-row statements.

Binding and stepping a statement is much of the cost of a row once the B-tree only
appends, so a bulk load inserts hundreds of rows per statement. The rows are given as
columns and laid into one flat list by a strided slice assignment per column; each
statement's parameters are then one plain slice of it. Both copy pointers at C speed,
with no tuple per row and no pass that flattens them (measured at 1M records: 0.87 s
to make the records' parameters that way, 0.33 s this way). Values every row shares are
literals of the statement instead of parameters.

(Numbering the parameters column by column, ?(c * per + r + 1), so that a statement's
parameters are its slice of each column one after the other, makes them as fast, but
SQLite looks up each ?NNN below the highest one seen in a list: preparing one
statement of 8,000 parameters took 165 ms.)

(Running these statements on a thread of their own, while the next chunk's rows are
made, was built and measured at 1M: sqlite3 does let go of the GIL while SQLite steps,
but the load then took about 4 CPU seconds more and no less wall time on the shared
2-core machine; the rows cross from one core's caches to the other's.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from typing import Any

# Parameters per statement: hundreds of records or thousands of block-key rows; far
# larger statements insert more slowly (1,489 records per statement: +10 %).
PARAMETERS = 8_000

# A C function returning None for None (any dict's get): sqlite3's adapter for None.
_NONE: Callable[[None], None] = dict[None, None]().get

# SQL and the parameter lists it runs with, one per execution.
Statement = tuple[str, Iterable[Sequence[Any]]]


def literal(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def by_columns(
    sql: str, columns: Sequence[Sequence[Any]], tail: Sequence[str] = ()
) -> list[Statement]:
    """`sql` (its `{values}` a VALUES list) inserting the rows of `columns` (lists of
    Python values, all of one length; row i is value i of each), each row followed by
    the SQL expressions of `tail` (values every row shares)."""
    width = len(columns)
    count = len(columns[0]) if columns else 0
    flat: list[Any] = [None] * (width * count)
    for at, column in enumerate(columns):
        flat[at::width] = column
    per = max(1, PARAMETERS // max(1, width))
    full = count // per * per
    work: list[Statement] = []
    if full:
        step = per * width
        parts = (flat[at : at + step] for at in range(0, full * width, step))
        work.append((_sql(sql, width, per, tuple(tail)), parts))
    if count > full:
        work.append((_sql(sql, width, count - full, tuple(tail)), [flat[full * width :]]))
    return work


@lru_cache(maxsize=16)  # a load runs statements of a few shapes thousands of times
def _sql(sql: str, width: int, per: int, tail: tuple[str, ...]) -> str:
    row = "(" + ", ".join(["?"] * width + list(tail)) + ")"
    return sql.format(values=", ".join([row] * per))


def run(conn: sqlite3.Connection, work: list[Statement]) -> None:
    """Run the statements of `work` on `conn`, in order."""
    bind_none_directly()
    for sql, rows in work:
        conn.executemany(sql, rows)


@cache
def bind_none_directly() -> None:
    """Have sqlite3 bind None (as NULL) without searching for an adapter first.

    sqlite3 binds an int, float or str at once, but for any other value it looks for an
    adapter in its registry, then for `__adapt__` and `__conform__` methods: binding a
    None costs three times a string's binding, and a million records bind ~1.3M of them
    (-0.2 s at 1M). An adapter registered for None (a C function that returns None, so
    NULL is still what is bound) ends that search at its first step. Process-wide, and
    the same NULL for every connection.
    """
    sqlite3.register_adapter(type(None), _NONE)
