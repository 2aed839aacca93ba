from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mpi.domain.batch_columns import RecordColumns
from mpi.domain.errors import ValidationError
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.io import bulk_read
from mpi.io._lines import MAX_LINE_BYTES
from mpi.io.bulk_read import read_record_columns
from mpi.io.records_file import RowError, read_records

TODAY = date(2026, 11, 21)
HEADER = ",".join(RECORD_FIELDS)


@pytest.fixture(autouse=True)
def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small files are read in one pass; lowered, these take the two-process path.
    monkeypatch.setenv("MPI_WORKERS", "2")
    monkeypatch.setattr(bulk_read, "PARALLEL_BYTES", 1)


def _rows(count: int) -> list[str]:
    rows = []
    for i in range(count):
        rows.append(f"IMSS,{i},,ANA{i % 7},LOPEZ,PEREZ,M,1990-05-{1 + i % 28:02d},JC,44100,,")
        if i % 9 == 4:
            rows.append(f"IMSS,bad {i},,ANA,LOPEZ,,Q,1990-02-30,ZZ,1,,")  # three broken rules
        if i % 13 == 6:
            rows.append("IMSS,short,row")
    return rows


def _file(tmp_path: Path, rows: list[str], tail: bytes = b"") -> Path:
    path = tmp_path / "records.csv"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode() + tail)
    return path


def _columns_of(path: Path) -> tuple[RecordColumns, list[RowError]]:
    """What read_record_columns must give: the rows of one pass, split."""
    rows = list(read_records(path, today=TODAY))
    records = [row for row in rows if isinstance(row, Record)]
    return RecordColumns.of(records), [row for row in rows if isinstance(row, RowError)]


def _read(path: Path) -> tuple[tuple[object, ...], list[RowError]]:
    columns, rejected = read_record_columns(path, today=TODAY)
    return (columns.fields, columns.keys), rejected


def _expected(path: Path) -> tuple[tuple[object, ...], list[RowError]]:
    columns, rejected = _columns_of(path)
    return (columns.fields, columns.keys), rejected


def test_an_over_long_line_in_the_second_half_keeps_its_line_number(tmp_path: Path) -> None:
    path = _file(tmp_path, [*_rows(10), "IMSS,9," + "A" * MAX_LINE_BYTES, *_rows(3)])
    got = _read(path)
    assert got == _expected(path)
    assert any(error.problems[0].rule == "max_length" for error in got[1])


def test_bad_encoding_in_the_second_half_raises_as_one_pass_does(tmp_path: Path) -> None:
    path = _file(tmp_path, _rows(30), b"IMSS,99,,\xff,X,,H,,,,,\n")
    with pytest.raises(ValidationError) as one_pass:
        list(read_records(path, today=TODAY))
    with pytest.raises(ValidationError) as two:
        read_record_columns(path, today=TODAY)
    assert str(two.value) == str(one_pass.value)
    assert "line 37" in str(two.value)  # the last line, in the second part


def test_a_file_with_quotes_is_read_in_one_pass(tmp_path: Path) -> None:
    # A quoted field may hold a line break, so a cut at a line break could split a row.
    rows = [*_rows(5), 'IMSS,q,,"ANA\nMARIA",LOPEZ,,M,,,,,', *_rows(5)]
    path = _file(tmp_path, rows)
    assert bulk_read._parts(path, None) is None
    assert _read(path) == _expected(path)


@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("count", [0, 1, 2, 40])
def test_record_columns_hold_the_rows_one_pass_reads(
    tmp_path: Path, count: int, quoted: bool
) -> None:
    # Unquoted files go column by column on two processes, quoted ones row by row.
    tail = 'IMSS,q,,"ANA, MARIA",LOPEZ,,M,,,,,' if quoted else "IMSS,last,,X,Y,,H,,,,,"
    path = _file(tmp_path, [*_rows(count), tail])
    columns, rejected = read_record_columns(path, today=TODAY)
    expected, expected_rejected = _columns_of(path)
    assert (columns.fields, columns.keys) == (expected.fields, expected.keys)
    assert rejected == expected_rejected
    assert [error.line for error in rejected] == [error.line for error in expected_rejected]
    assert columns.keys[-1] == ("IMSS:q" if quoted else "IMSS:last")


def test_record_columns_of_an_ndjson_file_are_its_records(tmp_path: Path) -> None:
    path = tmp_path / "records.ndjson"
    path.write_text(
        '{"institution": "IMSS", "record_id": "1", "given_names": "ANA"}\n'
        '{"institution": "IMSS", "record_id": "2", "birth_date": "1990-02-30"}\n',
        encoding="utf-8",
    )
    columns, rejected = read_record_columns(path, today=TODAY)
    assert columns.records(0, len(columns)) == [Record("IMSS", "1", given_names="ANA")]
    assert [error.line for error in rejected] == [2]
