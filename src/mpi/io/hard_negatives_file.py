"""The hard-negatives file: `person_a,person_b,kind`, pairs of persons that must stay apart."""

from __future__ import annotations

import csv
from pathlib import Path

from mpi.io._lines import FileLines, file_error

HARD_NEGATIVE_FIELDS: tuple[str, str, str] = ("person_a", "person_b", "kind")


def read_hard_negatives(path: str | Path) -> list[tuple[str, str, str]]:
    """Read (person_a, person_b, kind) rows.

    Raises:
        ValidationError: the file is unreadable, lacks a column or has an empty value;
            the message names the file and the line.
    """
    lines = FileLines(Path(path))
    reader = csv.reader(lines)
    header = [name.strip().lower() for name in next(reader, [])]
    if not set(HARD_NEGATIVE_FIELDS) <= set(header):
        message = "header must have person_a, person_b and kind columns"
        raise file_error(lines.path, 1, "required_columns", message)
    positions = [header.index(name) for name in HARD_NEGATIVE_FIELDS]
    pairs: list[tuple[str, str, str]] = []
    for cells in reader:
        if not cells:
            continue
        if len(cells) != len(header):
            raise file_error(lines.path, reader.line_num, "column_count", "wrong number of values")
        a, b, kind = (cells[i].strip() for i in positions)
        if not (a and b and kind):
            raise file_error(lines.path, reader.line_num, "required", "has an empty value")
        pairs.append((a, b, kind))
    return pairs
