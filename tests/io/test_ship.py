from __future__ import annotations

from datetime import date

from mpi.io._csv_columns import Packed
from mpi.io._ship import land, ship


def test_shipped_columns_land_as_they_were() -> None:
    columns: list[list[object]] = [
        ["IMSS", "ISSSTE", "IMSS"],  # strings: joined
        ["A", None, "B"],  # strings and missing: joined, '' standing for None
        [date(1990, 5, 1), None, date(1990, 5, 1)] * 2,  # repeated objects: codes
        ["has,comma", "x", "y"],  # the separator inside: as a list
        ["", "x", None],  # an empty string is no missing value: as a list
        [None],
        [],
    ]
    packed: Packed = (columns, [])
    assert land(ship(packed)) == packed
