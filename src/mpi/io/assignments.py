"""Assignment files: `institution,record_id,person_id`, one row per record.

The same shape carries the ground truth of a synthetic population and the output of
`mpi link`, so that `mpi evaluate` can compare the two.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from pathlib import Path

from mpi.io._lines import FileLines, file_error

ASSIGNMENT_FIELDS: tuple[str, str, str] = ("institution", "record_id", "person_id")
# `cluster_id` is accepted too: other linkage tools name their output column that way.
_ID_COLUMNS = ("person_id", "cluster_id")


def read_assignments(path: str | Path) -> dict[str, str]:
    """Read an assignment file into record key (`institution:record_id`) -> person id.

    Raises:
        ValidationError: the file is unreadable, lacks a column, has an empty value or assigns
            one record twice; the message names the file and the line.
    """
    lines = FileLines(Path(path))
    reader = csv.reader(lines)
    header = [name.strip().lower() for name in next(reader, [])]
    id_column = next((c for c in _ID_COLUMNS if c in header), None)
    if "institution" not in header or "record_id" not in header or id_column is None:
        message = "header must have institution, record_id and person_id columns"
        raise file_error(lines.path, 1, "required_columns", message)
    positions = [header.index(c) for c in ("institution", "record_id", id_column)]
    assignments: dict[str, str] = {}
    for cells in reader:
        if not cells:
            continue
        if len(cells) != len(header):
            raise file_error(lines.path, reader.line_num, "column_count", "wrong number of values")
        institution, record_id, person_id = (cells[i].strip() for i in positions)
        if not (institution and record_id and person_id):
            raise file_error(lines.path, reader.line_num, "required", "has an empty value")
        key = f"{institution}:{record_id}"
        if key in assignments:
            raise file_error(lines.path, reader.line_num, "duplicate", f"{key} appears twice")
        assignments[key] = person_id
    return assignments


def write_assignments(
    path: str | Path, assignments: Mapping[str, str] | Iterable[tuple[str, str]]
) -> int:
    """Write record key -> person id pairs as an assignment file; returns the row count."""
    pairs = assignments.items() if isinstance(assignments, Mapping) else assignments
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ASSIGNMENT_FIELDS)
        for key, person_id in pairs:
            institution, _, record_id = key.partition(":")
            writer.writerow((institution, record_id, person_id))
            count += 1
    return count


def write_assignment_columns(
    path: str | Path, record_keys: Sequence[str], person_ids: Sequence[str]
) -> int:
    """write_assignments(path, zip(record_keys, person_ids)), the same bytes, for a whole
    batch at once; returns the row count."""
    if len(record_keys) != len(person_ids):
        raise ValueError(f"{len(record_keys)} record keys given with {len(person_ids)} ids")
    keys, ids = "\n".join(record_keys), "\n".join(person_ids)
    n = len(record_keys)
    # The file joined at once (a csv.writer call per row costs ~0.5 s at 1M). It is what
    # csv.writer writes when no value needs quoting and every key has exactly one colon,
    # the comma between institution and record id.
    plain = (
        _plain(keys, n)
        and _plain(ids, n)
        and keys.count(":") == n
        and all(map(str.__contains__, record_keys, repeat(":")))
    )
    if not plain:
        return write_assignments(path, zip(record_keys, person_ids, strict=True))
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(ASSIGNMENT_FIELDS) + "\n")
        if n:
            cells = keys.replace(":", ",").split("\n")
            handle.write("\n".join(map(",".join, zip(cells, person_ids, strict=True))) + "\n")
    return n


def _plain(lines: str, count: int) -> bool:
    """Whether `lines` (count values joined by newlines) holds no character csv quotes and
    no line break within a value."""
    return not any(c in lines for c in ',"\r') and lines.count("\n") == max(count - 1, 0)
