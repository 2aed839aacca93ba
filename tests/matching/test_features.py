from __future__ import annotations

from datetime import date

import pytest

from mpi.domain.batch_columns import RecordColumns
from mpi.matching.features import Features, format_date, prepare
from tests.matching.conftest import MakeRecord
from tests.matching.test_engine import random_records


def test_features_normalise_names_and_encode_equal_values_to_equal_ids(
    make_record: MakeRecord,
) -> None:
    f = prepare([
        make_record(given_names="Ma. Guadalupe", first_surname="Pérez"),
        make_record(given_names="MARIA GUADALUPE", first_surname="PEREZ DE LA CRUZ"),
        make_record(first_surname="Perez de García", second_surname="VDA. DE LOPEZ"),
    ])  # fmt: skip
    given = f.text["given_names"]
    assert given.values.tolist()[:2] == ["MARIA GUADALUPE", "MARIA GUADALUPE"]
    assert given.ids[0] == given.ids[1]
    assert f.text["first_surname"].values.tolist() == ["PEREZ", "PEREZCRUZ", "PEREZ"]
    assert f.text["second_surname"].value(2) is None  # a bare "VDA. DE X" hides the maiden name


def test_placeholders_are_missing(make_record: MakeRecord) -> None:
    f = prepare([make_record(curp="XXXX999999XXXXXX99", birth_date=date(1900, 1, 1))])
    assert f.curp.column.ids[0] == -1
    assert f.birth_date[0] == -1


def test_curp_validity_root_and_date_digits(make_record: MakeRecord) -> None:
    f = prepare([make_record(), make_record(curp="PESG850314MJCRLD01")])
    assert f.curp.valid.tolist() == [True, False]  # wrong check digit
    assert f.curp.root[0] == f.curp.root[1]
    assert f.curp.date_digits[0] == 850314


@pytest.mark.parametrize(
    ("curp", "digits"),
    [
        ("PESG850314MJCRLD09", 850314),
        ("PESG000101MJCRLD09", 101),
        ("PESG8503", -1),  # too short
        ("PESG85", -1),
        ("PESG85Ñ314MJCRLD09", -1),  # not a digit, not ASCII
        ("PESG85O314MJCRLD09", -1),
    ],
)
def test_curp_date_digits_are_positions_5_to_10_when_all_six_are_digits(
    make_record: MakeRecord, curp: str, digits: int
) -> None:
    f = prepare([make_record(curp=curp), make_record(curp="PESG850314MJCRLD09")] * 40)
    assert f.curp.date_digits.tolist()[:2] == [digits, 850314]


def test_dates_are_yyyymmdd_numbers() -> None:
    assert format_date(19850314) == "1985-03-14"
    assert format_date(-1) is None


def _row_view(f: Features, i: int) -> tuple[object, ...]:
    """Everything prepare says about row i, decoded from ids so tables can be compared."""
    g = f.given
    return (
        tuple(f.text[name].value(i) for name in f.text),
        tuple(f.phonetic[name].value(i) for name in f.phonetic),
        f.curp.column.value(i),
        bool(f.curp.valid[i]),
        int(f.curp.date_digits[i]),
        f.curp.chars[i].tobytes(),
        int(f.birth_date[i]),
        tuple(str(g.words[t]) for t in g.tokens[i]),
        tuple(str(g.words[t]) for t in g.significant[i]),
        g.first_phonetic_vocab.value(int(g.first_phonetic[i])),
        bool(g.has_nickname[i]),
        tuple(bool(g.uninformative[t]) for t in g.tokens[i]),
    )


def test_a_record_prepares_the_same_alone_in_a_table_and_again() -> None:
    # prepare remembers per-string work across calls (the service path); that must never
    # change what a row says, whichever records came before or sit next to it.
    records = random_records(40, seed=3)
    together = prepare(records)
    for i, record in enumerate(records):
        assert _row_view(prepare([record]), 0) == _row_view(together, i)
    again = prepare(list(reversed(records)))
    for i in range(len(records)):
        assert _row_view(again, len(records) - 1 - i) == _row_view(together, i)


def test_columns_prepare_as_the_records_they_hold() -> None:
    records = random_records(300, seed=5)
    columns = RecordColumns.of(records)
    by_records, by_columns = prepare(records), prepare(columns)
    assert by_columns.keys == by_records.keys
    assert [_row_view(by_columns, i) for i in range(300)] == [
        _row_view(by_records, i) for i in range(300)
    ]
