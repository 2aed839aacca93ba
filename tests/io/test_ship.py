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


def test_columns_of_repeated_values_land_as_they_were_with_one_object_per_value() -> None:
    days = [date(1990, 5, 1), date(1, 1, 1), date(9999, 12, 31), None]
    names: list[object] = ["ANA", "", None, "JOSÉ", "a,b"]
    columns: list[list[object]] = [
        [days[i % 4] for i in range(0, 400, 3)],
        [names[i % 5] for i in range(0, 500, 7)],
        [f"x{i % 9}" for i in range(300)],
    ]
    packed: Packed = (columns, [])
    landed = land(ship(packed))
    assert landed == packed
    assert all(type(v) is date for v in landed[0][0] if v is not None)
    assert len({id(v) for v in landed[0][2]}) == 9
