"""A bulk load's inserts as prepared multi-row statements.

Binding and stepping a statement is much of the cost of a row once the B-tree only
appends, so a bulk load inserts hundreds of rows per statement. The rows are given as
columns, or as windows on columns (a column and the row it starts at: a chunk of a
batch's rows is not copied out of its columns first), and each statement's parameters
are laid into its list by a strided slice assignment per column, as the statement runs.
That copies pointers at C speed, with no tuple per row and no pass that flattens them
(measured at 1M records: 0.87 s to make the records' parameters that way, 0.33 s
through one flat list of a chunk's parameters, sliced per statement; ~0.15 s less again
one statement at a time, which copies each value once less and within the caches).
Values every row shares are literals of the statement instead of parameters.

(Numbering the parameters column by column, ?(c * per + r + 1), so that a statement's
parameters are its slice of each column one after the other, makes them as fast, but
SQLite looks up each ?NNN below the highest one seen in a list: preparing one
statement of 8,000 parameters took 165 ms.)

(Running these statements on a thread of their own, while the next chunk's rows are
made, was built and measured at 1M: sqlite3 does let go of the GIL while SQLite steps,
but the load then took about 4 CPU seconds more and no less wall time on the shared
2-core machine; the rows cross from one core's caches to the other's. Measured again with
the statements of a few thousand rows at a time handed to a writer thread and a GIL
switch interval of 0.1-0.5 ms: no less wall time, 0.05-0.2 CPU s more, and slower when
the other core is busy: the GIL passes back and forth at every statement.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache, lru_cache
from typing import Any

# Parameters per statement: hundreds of records or thousands of block-key rows; far
# larger statements insert more slowly (1,489 records per statement: +10 %).
PARAMETERS = 8_000

# A C function returning None for None (any dict's get): sqlite3's adapter for None.
_NONE: Callable[[None], None] = dict[None, None]().get

# SQL and the parameter lists it runs with, one per execution.
Statement = tuple[str, Iterable[Sequence[Any]]]
# A column's values from a row on: (values, first).
Window = tuple[Sequence[Any], int]


def literal(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def by_columns(
    sql: str, columns: Sequence[Sequence[Any]], tail: Sequence[str] = ()
) -> list[Statement]:
    """`sql` (its `{values}` a VALUES list) inserting the rows of `columns` (lists of
    Python values, all of one length; row i is value i of each), each row followed by
    the SQL expressions of `tail` (values every row shares)."""
    count = len(columns[0]) if columns else 0
    if any(len(column) != count for column in columns):
        raise ValueError(f"columns of different sizes: {sorted({len(c) for c in columns})}")
    return by_windows(sql, [(column, 0) for column in columns], count, tail)


def by_windows(
    sql: str, windows: Sequence[Window], count: int, tail: Sequence[str] = ()
) -> list[Statement]:
    """`by_columns` inserting `count` rows given as windows on columns: row i is value
    first + i of each window's (values, first)."""
    if any(first < 0 or len(values) < first + count for values, first in windows):
        raise ValueError(f"a window holds fewer than {count} values")
    width = len(windows)
    per = max(1, PARAMETERS // max(1, width))
    full = count // per * per
    work: list[Statement] = []
    if full:
        work.append((_sql(sql, width, per, tuple(tail)), _parts(windows, 0, full, per)))
    if count > full:
        last = count - full
        work.append((_sql(sql, width, last, tuple(tail)), _parts(windows, full, count, last)))
    return work


def _parts(windows: Sequence[Window], start: int, stop: int, per: int) -> Iterator[list[Any]]:
    """The parameters of rows start..stop-1, `per` rows a statement."""
    width = len(windows)
    for row in range(start, stop, per):
        part: list[Any] = [None] * (per * width)
        for at, (values, first) in enumerate(windows):
            part[at::width] = values[first + row : first + row + per]
        yield part


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
