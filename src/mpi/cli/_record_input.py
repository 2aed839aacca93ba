"""Reading a record file for the batch commands: bad rows are reported and skipped."""

from __future__ import annotations

import sys
from pathlib import Path

from mpi.domain.records import Record
from mpi.io.records_file import RowError, read_records

SHOWN_ERRORS = 5


def load_records(path: str | Path, command: str) -> list[Record]:
    """Every good record of `path`; each rejected row is counted, the first few printed."""
    records: list[Record] = []
    errors = 0
    for item in read_records(path):
        if isinstance(item, RowError):
            errors += 1
            if errors <= SHOWN_ERRORS:
                print(f"mpi {command}: skipped {path}: {item}", file=sys.stderr)
        else:
            records.append(item)
    if errors:
        print(f"mpi {command}: {errors} row(s) rejected, {len(records)} read", file=sys.stderr)
    return records
