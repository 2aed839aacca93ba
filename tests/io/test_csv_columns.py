from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mpi.domain.records import RECORD_FIELDS, Record
from mpi.io import _csv_columns
from mpi.io._csv_columns import Packed, read_columns
from mpi.io._lines import Part
from mpi.io.records_file import RowError, csv_header, read_records

TODAY = date(2026, 11, 21)
HEADER = ",".join(RECORD_FIELDS)
GOOD = "IMSS,1,HEGG560427MVZRRL04,ANA,LOPEZ,PEREZ,M,1990-05-01,JC,44100,5512345678,"


def _unpack(packed: Packed) -> list[Record | RowError]:
    """The rows in file order, as the row reader gives them: a Record per accepted row, the
    RowError of each rejected one."""
    columns, errors = packed
    records: list[Record | RowError] = list(map(Record, *columns))
    at = dict(errors)
    built = iter(records)
    return [at[i] if i in at else next(built) for i in range(len(records) + len(errors))]


def _columns(path: Path) -> list[object]:
    data = path.read_bytes()
    packed = read_columns(data, Part(0, len(data), 0), csv_header(path), TODAY)
    assert packed is not None
    return _unpack(packed)  # type: ignore[return-value]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "records.csv"
    path.write_bytes(text.encode())
    return path


CASES = {
    "plain": f"{HEADER}\n{GOOD}\n{GOOD.replace(',1,', ',2,')}\n",
    "no final line break": f"{HEADER}\n{GOOD}",
    "byte order mark": f"\ufeff{HEADER}\n{GOOD}\n",
    "blank lines": f"{HEADER}\n\n{GOOD}\n\n\nIMSS,b,,X,Y,,H,,,,,\n",
    "bad rows among good": (
        f"{HEADER}\n{GOOD}\nIMSS,bad 1,,ANA,LOPEZ,,Q,1990-02-30,ZZ,1,,\n"
        f"\nIMSS,short,row\n{GOOD}\n, ,,,,,,,,,,\n"
    ),
    "other column order and extras": "record_id,extra,institution,sex\n1,x,IMSS,h\n2,,IMSS,\n",
    "lower-case curp, padded names": f"{HEADER}\nIMSS,1,hegg560427mvzrrl04, ANA ,LOPEZ,,M,,,,,\n",
    "only a header": f"{HEADER}\n",
}


@pytest.mark.parametrize("chunk", [1 << 20, 1, 40])
@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_columns_give_the_rows_and_line_numbers_of_the_row_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, chunk: int
) -> None:
    # A chunk of 1 byte is one line; of 40 bytes, a line and part of the next.
    monkeypatch.setattr(_csv_columns, "CHUNK_BYTES", chunk)
    path = _write(tmp_path, text)
    expected = list(read_records(path, today=TODAY))
    got = _columns(path)
    assert got == expected
    assert [getattr(r, "line", None) for r in got] == [getattr(r, "line", None) for r in expected]


@pytest.mark.parametrize(
    "tail",
    [
        b'IMSS,"q",,,,,,,,,,\n',
        b"IMSS,r,,,,,,,,,,\r\n",
        b"IMSS,n,,\x00,,,,,,,,\n",
        b"IMSS,\xff,,,,\n",
    ],
    ids=["quote", "carriage return", "NUL", "not UTF-8"],
)
def test_a_part_that_is_not_plain_is_left_to_the_row_reader(tmp_path: Path, tail: bytes) -> None:
    data = f"{HEADER}\n{GOOD}\n".encode() + tail
    assert read_columns(data, Part(0, len(data), 0), list(RECORD_FIELDS), TODAY) is None


def test_a_line_longer_than_any_field_may_be_is_left_to_the_row_reader() -> None:
    data = f"{HEADER}\nIMSS,1,,{'A' * 300_000},,,,,,,,\n".encode()
    assert read_columns(data, Part(0, len(data), 0), list(RECORD_FIELDS), TODAY) is None


def test_a_later_part_counts_its_lines_after_those_before_it(tmp_path: Path) -> None:
    text = f"{HEADER}\n{GOOD}\nIMSS,x,,,,,Q,,,,,\n"
    data = text.encode()
    cut = data.index(b"\n") + 1
    part = Part(cut, len(data), 1)
    packed = read_columns(data[cut:], part, list(RECORD_FIELDS), TODAY)
    assert packed is not None
    rows = _unpack(packed)
    assert [getattr(r, "line", None) for r in rows] == [None, 3]
