from __future__ import annotations

from datetime import date

import pytest

from mpi.domain.errors import Problem
from mpi.domain.records import RECORD_FIELDS
from mpi.identity.record_columns import parse_column
from mpi.identity.record_rules import parse_field

TODAY = date(2026, 11, 21)
# Per field: plain values (a column of only these takes the one-check path) and values that
# a rule changes or refuses (a column holding one is parsed value by value).
PLAIN = {
    "institution": ["IMSS", "ISSSTE-2", "a.b_c"],
    "record_id": ["0001", "X" * 64, "r-9"],
    "curp": ["", "HEGG560427MVZRRL04", "PEÑA", "XEXX010101HNEXXXA4"],
    "given_names": ["", "MARIA DEL CARMEN", "JOSÉ", "Ana María"],
    "first_surname": ["", "LOPEZ", "DE LA O"],
    "second_surname": ["", "PEREZ"],
    "postal_code": ["", "44100", "01000"],
    "phone": ["", "5512345678"],
    "nss": ["", "12345678901"],
    "sex": ["H", "M", "X"],
    "birth_date": ["1990-05-01", "1900-01-01", "1900-01-02", "2026-11-21", "1901-01-01"],
    "birth_state": ["JC", "NE"],
}
CHANGED_OR_REFUSED = {
    "institution": ["", " IMSS", "IMSS 2", "X" * 65, "IM,SS"],
    "record_id": ["", "r 1", "r\t1", "é1"],
    "curp": [" HEGG560427MVZRRL04", "hegg560427mvzrrl04", "HEGG560427MVZRRL040", "HE-GG"],
    "given_names": [" ANA", "ANA ", "   ", "A" * 201, "ANA\x00", "ANA\u00a0MARIA", "A\u200bB"],
    "first_surname": ["LOPEZ ", "\tLOPEZ"],
    "second_surname": ["PEREZ\x1f"],
    "postal_code": ["4410", "44 100", "441000", "٤٤١٠٠"],
    "phone": ["+52 55 1234 5678", "55-1234-5678", "123", "5512345678 "],
    "nss": ["12-34-56-7890-1", "1234567890", "١٢٣٤٥٦٧٨٩٠١"],
    "sex": ["h", "mujer", "Q", ""],
    "birth_date": [
        *("1990-02-30", "2099-01-01", "01/05/1990", "", "1899-06-15", "2026-11-22"),
        *("1990-5-01", "2023-02-29", "19900501", "1990-05-01 ", "\uff11\uff19\uff19\uff10-05-01"),
    ],
    "birth_state": ["jalisco", "ZZ", ""],
}


def _row_by_row(field: str, values: list[str]) -> tuple[list[object], dict[int, list[Problem]]]:
    parsed, problems = [], {}
    for i, value in enumerate(values):
        found: list[Problem] = []
        parsed.append(parse_field(field, value, TODAY, found))
        if found:
            problems[i] = found
    return parsed, problems


@pytest.mark.parametrize("field", RECORD_FIELDS)
def test_a_plain_column_parses_as_each_value_alone(field: str) -> None:
    values = PLAIN[field] * 3
    assert parse_column(field, values, TODAY) == _row_by_row(field, values)


@pytest.mark.parametrize("field", RECORD_FIELDS)
def test_a_column_with_values_a_rule_changes_parses_as_each_value_alone(field: str) -> None:
    for odd in CHANGED_OR_REFUSED[field]:
        values = [*PLAIN[field], odd, *PLAIN[field]]
        assert parse_column(field, values, TODAY) == _row_by_row(field, values), odd


def test_missing_values_given_as_none_are_missing() -> None:
    parsed, problems = parse_column("record_id", ["1", None, "2"], TODAY)
    assert parsed == ["1", None, "2"]
    assert [p.rule for p in problems[1]] == ["required"]


def test_an_empty_column_parses_to_nothing() -> None:
    assert parse_column("phone", [], TODAY) == ([], {})


@pytest.mark.parametrize("field", ["record_id", "curp", "phone", "nss"])
def test_a_long_column_with_a_few_odd_values_parses_as_each_value_alone(field: str) -> None:
    values = [PLAIN[field][i % len(PLAIN[field])] for i in range(700)]
    odd = CHANGED_OR_REFUSED[field]
    for k, position in enumerate((0, 137, 138, 400, 699)):
        values[position] = odd[k % len(odd)]
    assert parse_column(field, values, TODAY) == _row_by_row(field, values)
