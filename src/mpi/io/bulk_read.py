"""Reading a whole record file into memory: column by column, on two processes when it pays.

A plain CSV file (no quote character, see io/_csv_columns.py) is parsed column by column,
each distinct value once. A large one is cut at a line break near the middle and a forked
child (mpi._fork) reads the second part while this process reads the first; the child's
columns come back cheap to pickle (io/_ship.py). The cut is exact only when no field can
span lines, so files holding a quote character and NDJSON files are read in one pass, small
files on one process, and parts that are not plain row by row.

`read_record_columns` gives the rows of list(read_records(path)) without a Record per row:
the accepted ones as the columns they were parsed into (what `mpi link` links and
bulk-loads), the rejected ones as RowErrors.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from mpi._fork import forked_map, workers
from mpi.domain.batch_columns import RecordColumns
from mpi.domain.errors import Problem, ValidationError
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.io._csv_columns import Packed, read_columns
from mpi.io._lines import FileLines, Part
from mpi.io._ship import Shipped, land, ship
from mpi.io.records_file import (
    Format,
    RowError,
    csv_header,
    csv_rows,
    detect_format,
    parse_rows,
    read_records,
)

PARALLEL_BYTES = 8 << 20  # ~90,000 records: below this a fork is not worth it
# The parent also lands the child's part, which the child ships (~0.4 of the time to read it).
PARENT_SHARE = 0.60

Rows = list[Record | RowError]
# A part's rows as columns, or the problems of the first line that made it unreadable.
_Result = tuple[Packed | None, tuple[Problem, ...]]


def read_record_columns(
    path: str | Path, *, format: Format | None = None, today: date | None = None
) -> tuple[RecordColumns, list[RowError]]:
    """The rows of read_records(path): the accepted ones as columns, in file order, and
    the rejected ones, in file order.

    Raises:
        ValidationError: as read_records, for the first unreadable line.
    """
    path = Path(path)
    reference = today or date.today()
    with _collector_paused():
        found = _parts(path, format)
        if found is None:
            return _split(list(read_records(path, format=format, today=reference)))
        data, parts = found
        header = csv_header(path)

        def read(part: Part) -> _Result:
            packed, problems = _read_part(path, data, part, header, reference)
            if packed is None:
                return None, problems
            columns, errors = packed
            # Each process makes its own part's keys (the child's cross the pipe joined).
            return ([*columns, _keys(columns[0], columns[1])], errors), problems

        results = forked_map(read, parts, parallel=len(parts) > 1, transport=(_ship, _land))
        columns: list[list[object]] = []
        rejected: list[RowError] = []
        for packed, problems in results:
            if packed is None:
                raise ValidationError(problems)
            if columns:
                for column, more in zip(columns, packed[0], strict=True):
                    column.extend(more)
            else:
                columns = packed[0]
            rejected.extend(error for _, error in packed[1])
        *fields, keys = columns
        return RecordColumns(tuple(fields), keys), rejected  # type: ignore[arg-type]


def _keys(institutions: list[object], record_ids: list[object]) -> list[object]:
    return list(map(":".join, zip(institutions, record_ids, strict=True)))  # type: ignore[arg-type]


def _split(rows: Rows) -> tuple[RecordColumns, list[RowError]]:
    records = [row for row in rows if isinstance(row, Record)]
    return RecordColumns.of(records), [row for row in rows if isinstance(row, RowError)]


@contextmanager
def _collector_paused() -> Iterator[None]:
    # The row-by-row reader (quoted files, NDJSON, parts that are not plain) makes a Record
    # per row, acyclic: a million of them would trigger full collections over everything
    # allocated so far (~15% of the reading time when every row became a Record).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parts(path: Path, format: Format | None) -> tuple[bytes, list[Part]] | None:
    """The file's bytes and the parts to read, or None to read it row by row in one pass."""
    try:
        if (format or detect_format(path)) != "csv":
            return None
        data = path.read_bytes()
    except (OSError, ValidationError):
        return None  # the one-pass reader reports it
    if b'"' in data:
        return None
    whole = [Part(0, len(data), 0)]
    if len(data) < PARALLEL_BYTES or workers() < 2:
        return data, whole
    newline = data.find(b"\n", int(len(data) * PARENT_SHARE))
    if newline < 0 or newline + 1 >= len(data):
        return data, whole
    cut = newline + 1
    return data, [Part(0, cut, 0), Part(cut, len(data), data.count(b"\n", 0, cut))]


def _read_part(path: Path, data: bytes, part: Part, header: list[str], today: date) -> _Result:
    try:
        packed = read_columns(data[part.start : part.stop], part, header, today)
        if packed is None:
            # Not plain: row by row (a part after the first starts without the header).
            lines = FileLines(path, part)
            rows = parse_rows(csv_rows(lines, header if part.start else None), today)
            packed = _pack(list(rows))
    except ValidationError as exc:
        return None, exc.problems
    return packed, ()


def _ship(result: _Result) -> object:
    packed, problems = result
    return (None if packed is None else ship(packed)), problems


def _land(shipped: tuple[Shipped | None, tuple[Problem, ...]]) -> _Result:
    packed, problems = shipped
    return (None if packed is None else land(packed)), problems


def _pack(rows: Rows) -> Packed:
    records = [row for row in rows if isinstance(row, Record)]
    errors = [(i, row) for i, row in enumerate(rows) if isinstance(row, RowError)]
    columns: list[list[object]] = [[getattr(r, name) for r in records] for name in RECORD_FIELDS]
    return columns, errors
