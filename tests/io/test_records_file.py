from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpi.domain.errors import ValidationError
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.io._lines import MAX_LINE_BYTES
from mpi.io.records_file import RowError, detect_format, read_records, write_records

TODAY = date(2026, 11, 21)
HEADER = ",".join(RECORD_FIELDS)
ANA = Record(
    institution="IMSS",
    record_id="1",
    given_names="ANA",
    first_surname="LÓPEZ",
    sex="M",
    birth_date=date(1990, 5, 4),
    birth_state="JC",
)


def read_all(path: Path) -> list[Record | RowError]:
    return list(read_records(path, today=TODAY))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding, newline="")
    return path


def test_csv_rows_become_records(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", f"{HEADER}\nIMSS,1,,ANA,LÓPEZ,,M,1990-05-04,JC,,,\n")
    assert read_all(path) == [ANA]


def test_a_byte_order_mark_and_column_order_do_not_matter(tmp_path: Path) -> None:
    text = "\ufeffsex,record_id,institution,given_names\nH,2,ISSSTE,JUAN\n"
    path = write(tmp_path / "r.csv", text)
    assert read_all(path) == [
        Record(institution="ISSSTE", record_id="2", given_names="JUAN", sex="H")
    ]


def test_unknown_columns_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "institution,record_id,colour\nIMSS,3,blue\n")
    assert read_all(path) == [Record(institution="IMSS", record_id="3")]


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "institution,curp\nIMSS,X\n")
    with pytest.raises(ValidationError, match=r"r\.csv line 1: .*record_id"):
        read_all(path)


def test_a_repeated_known_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "institution,record_id,curp,CURP,x,x\nIMSS,1,A,B,,\n")
    with pytest.raises(ValidationError, match=r"line 1: header repeats column\(s\) curp"):
        read_all(path)


def test_bad_rows_are_reported_with_their_line_and_do_not_stop_the_stream(
    tmp_path: Path,
) -> None:
    text = (
        "institution,record_id,sex,birth_date\n"
        "IMSS,1,H,1990-01-01\n"
        "IMSS,2,Q,1990-01-01\n"
        "\n"
        'IMSS,3,H,"1990-13-01"\n'
        "IMSS,4\n"
        "IMSS,5,M,1991-01-01\n"
    )
    results = read_all(write(tmp_path / "r.csv", text))
    assert [type(r).__name__ for r in results] == [
        "Record",
        "RowError",
        "RowError",
        "RowError",
        "Record",
    ]
    errors = [r for r in results if isinstance(r, RowError)]
    assert [(e.line, e.record_key) for e in errors] == [(3, "IMSS:2"), (5, "IMSS:3"), (6, None)]
    assert [p.rule for e in errors for p in e.problems] == ["sex", "date", "column_count"]


def test_a_quoted_field_spanning_lines_keeps_later_line_numbers_right(tmp_path: Path) -> None:
    text = 'institution,record_id,given_names\nIMSS,1,"ANA\nMARIA"\nIMSS,2,Q\x07\n'
    results = read_all(write(tmp_path / "r.csv", text))
    assert [(r.line, r.problems[0].rule) for r in results if isinstance(r, RowError)] == [
        (2, "control_characters"),
        (4, "control_characters"),
    ]


def test_ndjson_rows_use_the_same_keys(tmp_path: Path) -> None:
    rows = [
        {
            "institution": "IMSS",
            "record_id": "1",
            "given_names": "ANA",
            "first_surname": "LÓPEZ",
            "sex": "M",
            "birth_date": "1990-05-04",
            "birth_state": "JC",
            "curp": None,
            "extra": 1,
        },
        "not an object",
    ]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{oops\n"
    results = read_all(write(tmp_path / "r.ndjson", text))
    assert results[0] == ANA
    assert [(r.line, r.problems[0].rule) for r in results[1:] if isinstance(r, RowError)] == [
        (2, "json"),
        (3, "json"),
    ]


def test_ndjson_values_must_be_strings(tmp_path: Path) -> None:
    line = json.dumps({"institution": "IMSS", "record_id": 7, "given_names": ["A"]})
    results = read_all(write(tmp_path / "r.jsonl", line + "\n"))
    assert results == [RowError(1, "IMSS:7", results[0].problems)]  # type: ignore[union-attr]
    assert [(p.field, p.rule) for p in results[0].problems] == [  # type: ignore[union-attr]
        ("given_names", "type")
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("r.csv", "{}", "csv"),
        ("r.NDJSON", "", "ndjson"),
        ("r.txt", '\ufeff {"institution": "IMSS"}', "ndjson"),
        ("r.dat", "institution,record_id", "csv"),
    ],
)
def test_format_comes_from_the_extension_or_the_first_byte(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    assert detect_format(write(tmp_path / name, text)) == expected


def test_a_huge_field_is_a_row_error_and_reading_goes_on(tmp_path: Path) -> None:
    huge = "A" * 300_000
    text = f"institution,record_id,given_names\nIMSS,1,{huge}\nIMSS,2,{huge[:300]}\nIMSS,3,ANA\n"
    results = read_all(write(tmp_path / "r.csv", text))
    assert [(r.line, r.problems[0].rule) for r in results if isinstance(r, RowError)] == [
        (2, "csv"),
        (3, "max_length"),
    ]
    assert results[-1] == Record(institution="IMSS", record_id="3", given_names="ANA")


def test_a_line_longer_than_the_cap_is_skipped_as_a_row_error(tmp_path: Path) -> None:
    huge = "A" * (MAX_LINE_BYTES * 2)
    text = f"institution,record_id,given_names\nIMSS,1,{huge}\nIMSS,2,ANA\n"
    results = read_all(write(tmp_path / "r.csv", text))
    assert isinstance(results[0], RowError)
    assert (results[0].line, results[0].problems[0].rule) == (2, "max_length")
    assert results[1] == Record(institution="IMSS", record_id="2", given_names="ANA")


def test_a_binary_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ValidationError, match=r"photo\.csv line 3: is not a text file"):
        read_all(path)


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "latin1.csv", "institution,record_id,given_names\nIMSS,1,NÚÑEZ\n", "latin-1"
    )
    with pytest.raises(ValidationError, match=r"latin1\.csv line 2: is not UTF-8"):
        read_all(path)


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"nowhere\.csv: cannot be opened"):
        read_all(tmp_path / "nowhere.csv")


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is empty"):
        read_all(write(tmp_path / "r.csv", ""))


@pytest.mark.parametrize("name", ["out.csv", "out.ndjson"])
def test_written_records_read_back_unchanged(tmp_path: Path, name: str) -> None:
    records = [
        ANA,
        Record(
            institution="SSA-JC",
            record_id="x.9",
            curp="XEXX010101HNEXXXA4",
            nss="12345678903",
            given_names='JOSÉ "PEPE", LUIS',
            phone="5512345678",
            postal_code="01000",
        ),
    ]
    assert write_records(tmp_path / name, records) == 2
    assert read_all(tmp_path / name) == records


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: (HEADER + "\n" + t).encode("utf-8")),
    ),
    st.sampled_from(["r.csv", "r.ndjson"]),
)
def test_arbitrary_bytes_give_rows_or_one_clear_file_error(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            results = read_all(path)
        except ValidationError as exc:
            assert name in str(exc)
        else:
            assert all(isinstance(r, Record | RowError) for r in results)
