"""Stream the canonical record file (DESIGN.md §4) in and out: CSV with a header, or NDJSON.

Reading never stops on a bad row: each row comes out as a validated Record or as a RowError
with its line number and every problem found. Only a file that cannot be read at all (missing,
not text, not UTF-8, without the required columns) raises.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from mpi.domain.errors import Problem, ValidationError
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.identity.record_rules import REQUIRED_FIELDS, parse_record, record_key_of
from mpi.io._lines import MAX_LINE_BYTES, FileLines, file_error

Format = Literal["csv", "ndjson"]
_EXTENSIONS: dict[str, Format] = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson"}


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was rejected: its line in the file, its key when readable, and why."""

    line: int
    record_key: str | None
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" ({self.record_key})" if self.record_key else "")
        return f"{where}: " + "; ".join(str(p) for p in self.problems)


def detect_format(path: str | Path) -> Format:
    """The file's format from its extension (.csv, .ndjson, .jsonl), else from its first byte."""
    path = Path(path)
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension is not None:
        return by_extension
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise file_error(path, None, "unreadable", f"cannot be opened ({exc.strerror})") from exc
    return "ndjson" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def read_records(
    path: str | Path, *, format: Format | None = None, today: date | None = None
) -> Iterator[Record | RowError]:
    """Yield a Record or a RowError for every data row of a canonical record file.

    Args:
        path: a .csv (header row, UTF-8, BOM tolerated) or .ndjson/.jsonl file.
        format: overrides detection by extension and content.
        today: birth dates after this day are rejected; defaults to today.

    Raises:
        ValidationError: the file is missing, not UTF-8 text, or lacks required columns;
            the message names the file and the line.
    """
    return parse_rows(read_raw_rows(path, format=format), today or date.today())


def parse_rows(
    rows: Iterable[tuple[int, dict[str, str | None] | RowError]], reference: date
) -> Iterator[Record | RowError]:
    """A Record or a RowError for every (line, raw row) of `rows` (see read_raw_rows)."""
    for line, raw in rows:
        if isinstance(raw, RowError):
            yield raw
            continue
        try:
            yield parse_record(raw, today=reference)
        except ValidationError as exc:
            yield RowError(line, record_key_of(raw), exc.problems)


def read_raw_rows(
    path: str | Path, *, format: Format | None = None
) -> Iterator[tuple[int, dict[str, str | None] | RowError]]:
    """Yield (line, column -> text) for each data row, before any field rule is applied.

    Rows that cannot even be split into columns come out as a RowError instead of a mapping.
    """
    chosen = format or detect_format(path)
    lines = FileLines(Path(path))
    if chosen == "csv":
        yield from csv_rows(lines)
    else:
        yield from _ndjson_rows(lines)


def write_records(path: str | Path, records: Iterable[Record]) -> int:
    """Write records as canonical CSV (or NDJSON for a .ndjson/.jsonl path); returns the count."""
    path = Path(path)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        if _EXTENSIONS.get(path.suffix.lower()) == "ndjson":
            for record in records:
                row = {k: v for k, v in zip(RECORD_FIELDS, record_row(record), strict=True) if v}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
            return count
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(RECORD_FIELDS)
        for record in records:
            writer.writerow(record_row(record))
            count += 1
    return count


def record_row(record: Record) -> tuple[str, ...]:
    """The record's values in RECORD_FIELDS order, as file text ('' for missing)."""
    values = (getattr(record, field) for field in RECORD_FIELDS)
    return tuple("" if v is None else v.isoformat() if isinstance(v, date) else v for v in values)


def _skipped_rows(lines: FileLines) -> Iterator[tuple[int, RowError]]:
    message = f"line is longer than {MAX_LINE_BYTES} bytes"
    for line in lines.drain_skipped():
        yield line, RowError(line, None, (Problem("row", "max_length", message),))


def csv_header(path: Path) -> list[str]:
    """The checked header row of a CSV record file (lower-cased column names)."""
    lines = FileLines(path)
    return _csv_header(lines, csv.reader(lines))


def csv_rows(
    lines: FileLines, header: list[str] | None = None
) -> Iterator[tuple[int, dict[str, str | None] | RowError]]:
    """(line, column -> text) for each CSV data row of `lines`; `header` when they start
    after the header row (a part of the file read by another process)."""
    reader = csv.reader(lines)
    header = header if header is not None else _csv_header(lines, reader)
    known = [(i, name) for i, name in enumerate(header) if name in RECORD_FIELDS]
    start = lines.line_number + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield from _skipped_rows(lines)
            yield start, RowError(start, None, (Problem("row", "csv", str(exc)),))
            start = lines.line_number + 1
            continue
        yield from _skipped_rows(lines)
        line, start = start, lines.line_number + 1
        if not cells or cells == [""]:
            continue
        if len(cells) != len(header):
            message = f"has {len(cells)} values, the header has {len(header)} columns"
            yield line, RowError(line, None, (Problem("row", "column_count", message),))
            continue
        yield line, {name: cells[i] or None for i, name in known}
    yield from _skipped_rows(lines)


def _csv_header(lines: FileLines, reader: Iterator[list[str]]) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise file_error(lines.path, None, "header", "is empty; expected a header row") from None
    except csv.Error as exc:
        raise file_error(
            lines.path, lines.line_number, "header", f"header unreadable: {exc}"
        ) from exc
    header = [name.strip().lower() for name in header]
    repeated = sorted({name for name in header if name in RECORD_FIELDS and header.count(name) > 1})
    if repeated:
        message = f"header repeats column(s) {', '.join(repeated)}"
        raise file_error(lines.path, lines.line_number, "duplicate_columns", message)
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    if missing:
        raise file_error(
            lines.path,
            lines.line_number,
            "required_columns",
            f"header lacks required column(s) {', '.join(missing)}",
        )
    return header


def _ndjson_rows(lines: FileLines) -> Iterator[tuple[int, dict[str, str | None] | RowError]]:
    for text in lines:
        yield from _skipped_rows(lines)
        line = lines.line_number
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield line, RowError(line, None, (Problem("row", "json", f"not JSON: {exc.msg}"),))
            continue
        if not isinstance(obj, dict):
            yield line, RowError(line, None, (Problem("row", "json", "is not a JSON object"),))
            continue
        yield line, _json_row(line, obj)
    yield from _skipped_rows(lines)


def _json_row(line: int, obj: dict[str, object]) -> dict[str, str | None] | RowError:
    row: dict[str, str | None] = {}
    problems: list[Problem] = []
    for field in RECORD_FIELDS:
        value = obj.get(field)
        if value is None or isinstance(value, str):
            row[field] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            row[field] = str(value)
        else:
            problems.append(Problem(field, "type", "must be a string or null"))
    if problems:
        return RowError(line, record_key_of(row), tuple(problems))
    return row
