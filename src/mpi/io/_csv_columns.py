"""Reading a plain part of a CSV record file column by column instead of row by row.

In a part without a quote character, a carriage return or a NUL, and without a line near
the length caps, csv.reader's rows are exactly the lines split at commas. Such a part is
decoded at once, cut into columns and each column parsed by parse_column, several times
faster than parse_record per row. Anything else (or a part that is not UTF-8) is left to
records_file's row reader: `read_columns` returns None for it. The rows, errors and line
numbers are those the row reader gives.
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from datetime import date
from itertools import repeat

from mpi.domain.errors import Problem
from mpi.domain.records import RECORD_FIELDS
from mpi.identity.record_columns import ColumnMemo, parse_column
from mpi.identity.record_rules import record_key_of
from mpi.io._lines import MAX_LINE_BYTES, Part
from mpi.io.records_file import RowError

# Records' field values (RECORD_FIELDS order) as columns, and the rejected rows by their
# position among the part's rows. Columns pickle far cheaper than Record objects.
Packed = tuple[list[list[object]], list[tuple[int, RowError]]]
_SPECIAL = (b'"', b"\r", b"\x00")
CHUNK_BYTES = 256 << 10  # ~2,800 records: a chunk's cells stay in the CPU caches while parsed


def read_columns(data: bytes, part: Part, header: list[str], today: date) -> Packed | None:
    """The rows of `part` (bytes `data` of it), or None when the part is not plain.

    A part starting at byte 0 begins with the header row, which is skipped (`header` is the
    checked header of the file). The part is parsed CHUNK_BYTES at a time: the cells of a
    whole part at once would cost hundreds of megabytes more at the peak, and each column
    pass over a small chunk's cells finds them in the CPU caches (half the reading time at
    1M records measured against 4 MB chunks).
    """
    if any(special in data for special in _SPECIAL):
        return None
    line, start = part.lines_before, 0
    if part.start == 0:
        line, start = line + 1, data.find(b"\n") + 1 or len(data)
    columns: list[list[object]] = [[] for _ in RECORD_FIELDS]
    errors: list[tuple[int, RowError]] = []
    # Each distinct value parsed once in the part, not once per chunk.
    memos = {field: ColumnMemo() for field in RECORD_FIELDS}
    while start < len(data):
        stop = data.find(b"\n", start + CHUNK_BYTES) + 1 or len(data)
        chunk = _chunk(data[start:stop], line, header, today, memos)
        if chunk is None:
            return None
        rows = len(columns[0]) + len(errors)
        for column, more in zip(columns, chunk[0], strict=True):
            column.extend(more)
        errors.extend((rows + position, error) for position, error in chunk[1])
        line += data.count(b"\n", start, stop)
        start = stop
    return columns, errors


def _chunk(
    data: bytes, line: int, header: list[str], today: date, memos: dict[str, ColumnMemo]
) -> Packed | None:
    """The rows of whole lines `data`, the first of them after line `line` of the file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # the row reader names the line
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # after the last line break
    if lines and max(map(len, lines)) > _longest_plain_line():
        return None
    return _parse(lines, line, header, today, memos)


def _longest_plain_line() -> int:
    # Within csv's field size limit (else csv.Error) and far from FileLines' byte cap
    # (a character is at most 4 bytes).
    return min(csv.field_size_limit(), MAX_LINE_BYTES // 4 - 1)


def _parse(
    lines: list[str], first: int, header: list[str], today: date, memos: dict[str, ColumnMemo]
) -> Packed:
    want = len(header) - 1
    counts = list(map(str.count, lines, repeat(",")))
    errors: list[tuple[int, RowError]] = []
    if counts.count(want) == len(lines):
        rows, good = list(range(len(lines))), lines
    else:
        rows, errors = _shape(lines, counts, want, first)
        good = [lines[i] for i in rows]
    cells = ",".join(good).split(",") if good else []
    by_name = {name: cells[i :: want + 1] for i, name in enumerate(header) if name in RECORD_FIELDS}
    columns: list[list[object]] = []
    broken: dict[int, list[Problem]] = {}
    for field in RECORD_FIELDS:
        values = by_name.get(field)
        if values is None:  # an optional column the file does not have
            columns.append([None] * len(rows))
            continue
        column, rejected = parse_column(field, values, today, memos[field])
        columns.append(column)
        for row, found in rejected.items():
            broken.setdefault(row, []).extend(found)
    if not broken:
        return columns, _positions(errors, lines)
    for row, problems in broken.items():
        raw = {name: (by_name[name][row] or None) if name in by_name else None for name in _KEY}
        errors.append(
            (rows[row], RowError(first + rows[row] + 1, record_key_of(raw), tuple(problems)))
        )
    kept = [i for i in range(len(rows)) if i not in broken]
    columns = [[column[i] for i in kept] for column in columns]
    return columns, _positions(errors, lines)


_KEY = ("institution", "record_id")


def _shape(
    lines: list[str], counts: list[int], want: int, first: int
) -> tuple[list[int], list[tuple[int, RowError]]]:
    """The lines with the header's number of values, and a RowError for each other line that
    is not blank (errors keyed by line index for now)."""
    rows: list[int] = []
    errors: list[tuple[int, RowError]] = []
    for i, (line, count) in enumerate(zip(lines, counts, strict=True)):
        if count == want:
            rows.append(i)
        elif line:
            message = f"has {count + 1} values, the header has {want + 1} columns"
            problem = Problem("row", "column_count", message)
            errors.append((i, RowError(first + i + 1, None, (problem,))))
    return rows, errors


def _positions(errors: list[tuple[int, RowError]], lines: list[str]) -> list[tuple[int, RowError]]:
    # Line index -> position among the rows (blank lines are no rows).
    errors.sort(key=lambda error: error[0])
    if "" not in lines:
        return errors
    rows = [i for i, line in enumerate(lines) if line]
    return [(bisect_left(rows, i), error) for i, error in errors]
