"""Rejected rows of a record file, for the commands that load it into the store (import, link)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from mpi.domain.records import Record
from mpi.io.records_file import RowError, read_records
from mpi.services.importer import Rejection

REJECTED_FIELDS = ("line", "record_key", "field", "rule", "message")


def records_or_rejections(
    path: Path, rows: Iterable[Record | RowError] | None = None
) -> Iterator[Record | Rejection]:
    """Every row of `path` (or the `rows` already read from it): a Record, or a Rejection."""
    for row in read_records(path) if rows is None else rows:
        if isinstance(row, RowError):
            yield Rejection(row.line, row.record_key, row.problems)
        else:
            yield row


class RejectedWriter:
    """Writes each rejected row's problems, one CSV line per problem."""

    def __init__(self, out: TextIO) -> None:
        self._csv = csv.writer(out, lineterminator="\n")
        self._csv.writerow(REJECTED_FIELDS)

    def __call__(self, rejection: Rejection) -> None:
        line = "" if rejection.line is None else rejection.line
        for p in rejection.problems:
            self._csv.writerow((line, rejection.record_key or "", p.field, p.rule, p.message))
