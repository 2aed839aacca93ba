"""Reading a whole record file into memory, the second half of a large CSV in a forked child.

Validating rows is most of the cost of reading a million records, and rows are independent:
the file is cut at a line break near the middle, a child reads the second part while this
process reads the first, and the child's Records come back as columns (pickled per field,
about a third of the cost of pickling Record objects). The cut is exact only when no field
can span lines, so files holding a quote character, NDJSON files, small files and
MPI_WORKERS=1 are read in one pass. Either way the result equals list(read_records(path)).
"""

from __future__ import annotations

import gc
import os
import pickle
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from mpi.domain.errors import ValidationError
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.io._lines import FileLines, Part
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
PARENT_SHARE = 0.54  # the parent also unpickles the child's part (balanced at 1M records)
_ENV = "MPI_WORKERS"

Rows = list[Record | RowError]


def read_all_records(
    path: str | Path, *, format: Format | None = None, today: date | None = None
) -> Rows:
    """list(read_records(path, format=format, today=today)), on two processes when it pays.

    Raises:
        ValidationError: as read_records, for the first unreadable line.
    """
    path = Path(path)
    reference = today or date.today()
    with _collector_paused():
        cut = _cut(path, format)
        if cut is None:
            return list(read_records(path, format=format, today=reference))
        header = csv_header(path)
        first, second = Part(0, cut[0], 0), Part(cut[0], cut[1], cut[2])
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_end)
            _child(path, second, header, reference, write_end)
        os.close(write_end)
        try:
            rows = list(parse_rows(csv_rows(FileLines(path, first)), reference))
        finally:
            with os.fdopen(read_end, "rb") as pipe:
                payload = pipe.read()
            os.waitpid(pid, 0)
        rows.extend(_unpack(payload))
        return rows


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A million new Records (acyclic) would trigger full collections over everything
    # allocated so far, ~15% of the reading time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _workers() -> int:
    configured = os.environ.get(_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def _cut(path: Path, format: Format | None) -> tuple[int, int, int] | None:
    """(byte where the second part starts, file size, lines before it), or None."""
    if not hasattr(os, "fork") or _workers() < 2:
        return None
    try:
        size = path.stat().st_size
        if size < PARALLEL_BYTES or (format or detect_format(path)) != "csv":
            return None
        data = path.read_bytes()
    except (OSError, ValidationError):
        return None  # the one-pass reader reports it
    if b'"' in data:
        return None
    newline = data.find(b"\n", int(len(data) * PARENT_SHARE))
    if newline < 0 or newline + 1 >= len(data):
        return None
    return newline + 1, len(data), data.count(b"\n", 0, newline + 1)


def _child(
    path: Path, part: Part, header: list[str], today: date, write_end: int
) -> None:  # pragma: no cover - runs in the child
    code = 0
    try:
        try:
            rows = list(parse_rows(csv_rows(FileLines(path, part), header), today))
            payload = pickle.dumps(("ok", _pack(rows)), protocol=5)
        except ValidationError as exc:
            payload = pickle.dumps(("invalid", exc.problems), protocol=5)
        except BaseException:
            payload = pickle.dumps(("error", traceback.format_exc()), protocol=5)
            code = 1
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(code)


Packed = tuple[list[list[object]], list[tuple[int, RowError]]]


def _pack(rows: Rows) -> Packed:
    records = [row for row in rows if isinstance(row, Record)]
    errors = [(i, row) for i, row in enumerate(rows) if isinstance(row, RowError)]
    columns = [[getattr(r, name) for r in records] for name in RECORD_FIELDS]
    return columns, errors


def _unpack(payload: bytes) -> Rows:
    if not payload:
        raise RuntimeError("the reading child died without a result")
    status, value = pickle.loads(payload)
    if status == "invalid":
        raise ValidationError(value)
    if status != "ok":
        raise RuntimeError(f"the reading child failed:\n{value}")
    columns, errors = value
    records: Rows = list(map(Record, *columns))
    if not errors:
        return records
    at = dict(errors)  # position in the child's rows -> the RowError there
    built = iter(records)
    return [at[i] if i in at else next(built) for i in range(len(records) + len(errors))]
