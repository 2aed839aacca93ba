"""Assignment files: `institution,record_id,person_id`, one row per record.

The same shape carries the ground truth of a synthetic population and the output of
`mpi link`, so that `mpi evaluate` can compare the two.
"""

from __future__ import annotations

import csv
import os
import threading
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


# Rows joined per write: the file is built a slice at a time, so that its strings (~250 MB
# for a million rows at once) never all exist together.
SLICE_ROWS = 100_000


def write_assignment_columns(
    path: str | Path, record_keys: Sequence[str], person_ids: Sequence[str]
) -> int:
    """write_assignments(path, zip(record_keys, person_ids)), the same bytes, for a whole
    batch at once; returns the row count."""
    if len(record_keys) != len(person_ids):
        raise ValueError(f"{len(record_keys)} record keys given with {len(person_ids)} ids")
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ASSIGNMENT_FIELDS)
        for start in range(0, len(record_keys), SLICE_ROWS):
            keys = record_keys[start : start + SLICE_ROWS]
            ids = person_ids[start : start + SLICE_ROWS]
            rows = _joined_rows(keys, ids)
            if rows is None:
                writer.writerows(
                    (*key.partition(":")[::2], person_id)
                    for key, person_id in zip(keys, ids, strict=True)
                )
            else:
                handle.write(rows)
    return len(record_keys)


def _joined_rows(record_keys: Sequence[str], person_ids: Sequence[str]) -> str | None:
    """The rows csv.writer writes for these pairs, joined at once (a writer call per row
    costs ~0.5 s at 1M), if no value needs quoting and every key has exactly one colon
    (the comma between institution and record id); else None."""
    keys, ids = "\n".join(record_keys), "\n".join(person_ids)
    n = len(record_keys)
    plain = (
        _plain(keys, n)
        and _plain(ids, n)
        and keys.count(":") == n
        and all(map(str.__contains__, record_keys, repeat(":")))
    )
    if not plain:
        return None
    del ids
    cells = keys.replace(":", ",").split("\n")
    del keys
    return "\n".join(map(",".join, zip(cells, person_ids, strict=True))) + "\n"


def _plain(lines: str, count: int) -> bool:
    """Whether `lines` (count values joined by newlines) holds no character csv quotes and
    no line break within a value."""
    return not any(c in lines for c in ',"\r') and lines.count("\n") == max(count - 1, 0)


class AssignmentsBeside:
    """An assignment file written on a thread, under a temporary name beside `path`, while
    the caller finishes other work; it takes its name only when `publish` is called (so a
    file at `path` never describes work that failed), and `discard` removes it. A process
    killed in between leaves only the partial file, which the next writer overwrites.

    The thread needs the GIL only between the other work's blocking calls (`mpi link`
    starts it while SQLite copies, indexes and syncs the graph, which release it).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(f".{self.path.name}.partial")
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._count = 0

    def start(self, record_keys: Sequence[str], person_ids: Sequence[str]) -> None:
        """Begin writing `write_assignment_columns(partial, record_keys, person_ids)`."""
        if self._thread is not None:
            raise RuntimeError("the assignment file is already being written")
        self._thread = threading.Thread(
            target=self._write, args=(record_keys, person_ids), name="assignments"
        )
        self._thread.start()

    def publish(self, record_keys: Sequence[str], person_ids: Sequence[str]) -> int:
        """Rename the written file to `path` (writing it now if `start` was never called);
        returns the row count. An error of the writing is raised here, and no file is left."""
        if self._thread is None:
            self.start(record_keys, person_ids)
        self._join()
        try:
            if self._error is not None:
                raise self._error
            os.replace(self.partial, self.path)
        except BaseException:
            self.partial.unlink(missing_ok=True)
            raise
        return self._count

    def discard(self) -> None:
        """Wait for the writing, if started, and remove what it wrote."""
        self._join()
        self.partial.unlink(missing_ok=True)

    def _write(self, record_keys: Sequence[str], person_ids: Sequence[str]) -> None:
        try:
            self._count = write_assignment_columns(self.partial, record_keys, person_ids)
        except BaseException as exc:  # handed to the publishing thread
            self._error = exc

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
