from __future__ import annotations

from datetime import date

import pytest

from mpi.domain.errors import ValidationError
from mpi.identity.curp import (
    CurpCheck,
    check_digit,
    compact,
    complete_curp,
    is_placeholder,
    validate,
)

TODAY = date(2026, 11, 21)


def test_check_digit_follows_the_weighted_sum_of_the_documented_example() -> None:
    assert check_digit("SABC560626MDFLRN0") == "1"


def test_check_digit_values_enye_between_n_and_o() -> None:
    # Ñ is worth 24 and shifts O to 25; a plain A-Z alphabet would give another digit.
    assert check_digit("MOTR930411HJCRMÑ0") != check_digit("MOTR930411HJCRMN0")
    assert check_digit("motr930411hjcrmn0") == check_digit("MOTR930411HJCRMN0")


@pytest.mark.parametrize("bad", ["", "SABC560626MDFLRN", "SABC560626MDFLRN01", "SABC560626MDFLR_0"])
def test_check_digit_rejects_anything_but_17_alphabet_characters(bad: str) -> None:
    with pytest.raises(ValidationError) as error:
        check_digit(bad)
    assert error.value.problems[0].field == "curp"


def test_validate_parses_the_fields_of_a_valid_curp() -> None:
    assert validate("HEGG560427MVZRRL04", today=TODAY) == CurpCheck(
        valid=True,
        reason=validate("PEGL890909MJCRMS08", today=TODAY).reason,
        curp="HEGG560427MVZRRL04",
        is_placeholder=False,
        birth_date=date(1956, 4, 27),
        sex="M",
        state="VZ",
    )


def test_validate_takes_the_century_from_position_17() -> None:
    assert validate("PEPL000909HNLRDSA1", today=TODAY).birth_date == date(2000, 9, 9)
    assert validate("HUHG200901MSPRRL09", today=TODAY).birth_date == date(1920, 9, 1)


def test_validate_rejects_a_birth_date_after_today() -> None:
    curp = complete_curp("TOMA880125HMNRRN", "A")  # born 2088
    check = validate(curp, today=TODAY)
    assert (check.valid, check.reason.code, check.birth_date) == (
        False,
        "future_date",
        date(2088, 1, 25),
    )
    assert validate(curp, today=date(2088, 1, 25)).valid


def test_validate_ignores_case_and_surrounding_whitespace() -> None:
    check = validate("  hegg560427mvzrrl04\n", today=TODAY)
    assert check.valid
    assert check.curp == "HEGG560427MVZRRL04"


def test_validate_reports_inner_whitespace_but_reads_the_compacted_key() -> None:
    check = validate("HEGG 560427 MVZRRL04", today=TODAY)
    assert (check.valid, check.reason.code, check.curp) == (
        False,
        "whitespace",
        "HEGG560427MVZRRL04",
    )
    assert check.reason.message.endswith("without it: ok")
    assert check.birth_date == date(1956, 4, 27)
    assert validate(compact("HEGG 560427 MVZRRL04"), today=TODAY).valid
    assert validate("HEGG 560427 MVZRRL05", today=TODAY).reason.message.endswith("check_digit")


@pytest.mark.parametrize(
    ("curp", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("HEGG560427MVZRRL0", "length"),
        ("HEGG560427MVZRRL044", "length"),
        ("HBGG560427MVZRRL04", "structure"),  # position 2 must be a vowel or X
        ("HEGG560427MVZRAL04", "structure"),  # positions 14-16 must be consonants
        ("HEGG570229MVZRRL04", "date"),  # 1957 is not a leap year
        ("HEGG560427MVZRRL05", "check_digit"),
        ("BUEY560427HVZRRL04", "inconvenient_word"),
    ],
)
def test_validate_names_the_first_rule_broken(curp: str, code: str) -> None:
    check = validate(curp, today=TODAY)
    assert (check.valid, check.reason.code) == (False, code)


def test_validate_accepts_a_leap_day_in_a_leap_year() -> None:
    check = validate(complete_curp("HEGG560229MVZRRL", "0"), today=TODAY)
    assert (check.valid, check.birth_date) == (True, date(1956, 2, 29))


def test_validate_structure_message_names_the_position() -> None:
    assert "position 17" in validate("SABC560626MDFLRN_1", today=TODAY).reason.message


@pytest.mark.parametrize(
    "text",
    [
        "XEXX010101HNEXXXA4",
        "XEXX010101MNEXXXA4",
        "XXXX999999XXXXXX99",
        "XXXXXXXXXXXXXXXXXX",
        "xxxx999999xxxxxx99",
        "XXXX 999999 XXXXXX99",
        "X",
        "000000000000000000",
    ],
)
def test_generic_keys_are_placeholders_never_valid(text: str) -> None:
    assert is_placeholder(text)
    check = validate(text, today=TODAY)
    assert (check.valid, check.is_placeholder, check.reason.code) == (False, True, "placeholder")


@pytest.mark.parametrize("text", ["HEGG560427MVZRRL04", "XAXX010101HNEXXXA4", "", "XEXX"])
def test_ordinary_values_are_not_placeholders(text: str) -> None:
    assert not is_placeholder(text)


def test_complete_curp_appends_homoclave_and_check_digit() -> None:
    assert complete_curp("SABC560626MDFLRN", "0") == "SABC560626MDFLRN01"
    with pytest.raises(ValidationError):
        complete_curp("SABC", "0")
