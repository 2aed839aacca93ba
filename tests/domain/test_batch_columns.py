from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.persons import Link
from mpi.domain.records import Record

AT = datetime(2026, 3, 1, tzinfo=UTC)
RECORDS = [
    Record("IMSS", "1", "PELJ800101HDFRPN09", "JUAN", "PEREZ", None, "H", date(1980, 1, 1)),
    Record("SSA", "7", given_names="ANA", phone="5512345678"),
    Record("IMSS", "2", first_surname="LOPEZ", birth_state="JC", postal_code="44100"),
]


def test_columns_give_back_the_records_they_were_made_of() -> None:
    columns = RecordColumns.of(RECORDS)
    assert len(columns) == 3
    assert columns.keys == ["IMSS:1", "SSA:7", "IMSS:2"]
    assert columns.column("phone") == [None, "5512345678", None]
    assert [columns.record(i) for i in range(3)] == RECORDS
    assert columns.records(1, 3) == RECORDS[1:]


def test_the_record_view_builds_records_by_index_and_by_slice() -> None:
    view = RecordColumns.of(RECORDS).as_records()
    assert len(view) == 3
    assert view[-1] == RECORDS[2]
    assert list(view[0:2]) == RECORDS[:2]
    assert list(view[::2]) == RECORDS[::2]
    assert list(view) == RECORDS
    with pytest.raises(IndexError):
        view[3]


@pytest.mark.parametrize("drop", ["a column", "a row"])
def test_columns_of_the_wrong_shape_are_refused(drop: str) -> None:
    columns = RecordColumns.of(RECORDS)
    fields = (
        columns.fields[1:] if drop == "a column" else (columns.fields[0][:2], *columns.fields[1:])
    )
    with pytest.raises(ValueError, match="column"):
        RecordColumns(fields, columns.keys)


def test_link_columns_give_each_row_its_link() -> None:
    links = LinkColumns(
        ["IMSS:1", "SSA:7"], ["P1", "P2"], ["batch-link", "new-person"], [0.97, None], "clerk", AT
    )
    expected = [
        Link("IMSS:1", "P1", AT, "clerk", "batch-link", 0.97),
        Link("SSA:7", "P2", AT, "clerk", "new-person", None),
    ]
    assert len(links) == 2
    view = links.as_links()
    assert (len(view), view[-1], list(view[0:2]), list(view)) == (
        2,
        expected[1],
        expected,
        expected,
    )
    with pytest.raises(IndexError):
        view[2]


def test_link_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        LinkColumns(["IMSS:1"], ["P1", "P2"], ["new-person"], [None], "clerk", AT)
