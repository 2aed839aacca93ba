"""Packed rows of a file part as they cross the pipe from the reading child to its parent.

Pickling half a million strings one by one costs several times more than pickling one
string they are joined into, and a column of repeated values (names, dates, codes) travels
as its distinct values (dates as day numbers) and one small integer per row, which also
leaves the parent's rows sharing one object per distinct value, as the child's did.
"""

from __future__ import annotations

from array import array
from datetime import date
from typing import cast

import numpy as np
from numpy.typing import NDArray

from mpi.io._csv_columns import Packed
from mpi.io.records_file import RowError

_ShippedColumn = tuple[str, int, object, object]
Shipped = tuple[list[_ShippedColumn], list[tuple[int, RowError]]]
_SEP = ","
_SAMPLE = 20_000  # names: ~0.1 distinct per value in a sample this large, ids ~1


def ship(packed: Packed) -> Shipped:
    """`packed` in a form that pickles fast; land(ship(p)) == p."""
    columns, errors = packed
    return [_ship_column(column) for column in columns], errors


def land(shipped: Shipped) -> Packed:
    """The Packed rows that `ship` was given."""
    columns, errors = shipped
    return [_land_column(column) for column in columns], errors


def _ship_column(column: list[object]) -> _ShippedColumn:
    size = len(column)
    # A column of few distinct values (judged on a sample) travels as codes, which also
    # keeps one object per distinct value on landing.
    sample = column[:_SAMPLE]
    if (
        len(set(sample)) * 4 > len(sample)
        and all(type(v) is str or v is None for v in sample)  # else not joined: no text
        and "" not in column  # '' means None when joined
    ):
        text, missing = _joined(column)
        if text is not None and text.count(_SEP) == size - 1:
            return ("text", size, text, missing)
    values, codes = _codes(column)
    if len(values) * 4 > size:
        return ("list", size, column, None)
    if all(type(v) is date or v is None for v in values):
        # Dates pickle one by one (a reduce call each): their day numbers go as one array.
        days = array("i", [0 if v is None else v.toordinal() for v in values])  # type: ignore[attr-defined]
        return ("dates", size, days, codes)
    return ("codes", size, values, codes)


def _codes(column: list[object]) -> tuple[list[object], NDArray[np.int32]]:
    """The distinct values in order of first appearance, and each row's index among them."""
    size = len(column)
    table: dict[object, int] = {}
    # One C-level pass: each row gets the position where its value first appears.
    first = np.fromiter(map(table.setdefault, column, range(size)), dtype=np.int64, count=size)
    starts = np.zeros(size, dtype=np.int32)
    starts[first] = 1
    return list(table), (np.cumsum(starts, dtype=np.int32) - 1)[first]


def _joined(column: list[object]) -> tuple[str | None, bool]:
    """The values joined by _SEP ('' for None), and whether one was None; None if not text."""
    try:
        return _SEP.join(column), False  # type: ignore[arg-type]
    except TypeError:  # a None, or not text at all
        pass
    try:
        return _SEP.join(["" if v is None else v for v in column]), True  # type: ignore[misc]
    except TypeError:
        return None, False


def _land_column(shipped: _ShippedColumn) -> list[object]:
    kind, size, data, extra = shipped
    if kind == "text":
        assert isinstance(data, str)
        values = data.split(_SEP) if size else []
        return [v or None for v in values] if extra else cast(list[object], values)
    if kind in ("codes", "dates"):
        assert isinstance(extra, np.ndarray)
        if kind == "dates":
            assert isinstance(data, array)
            data = [None if day == 0 else date.fromordinal(day) for day in data]
        assert isinstance(data, list)
        table = np.empty(len(data), dtype=object)
        table[:] = data
        landed: list[object] = table[extra].tolist()
        return landed
    assert isinstance(data, list)
    return data
