from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpi.domain.errors import ValidationError
from mpi.identity.nss import registration_parts, validate_nss

VALID = "12345678903"  # synthetic: Luhn digit computed for 1234567890


@pytest.mark.parametrize(
    ("raw", "valid", "code", "nss"),
    [
        (VALID, True, "ok", VALID),
        ("12 34 56 7890 3", True, "ok", VALID),
        ("12-34-56-7890-3", True, "ok", VALID),
        ("01987654322", True, "ok", "01987654322"),
        ("12345678904", False, "check_digit", "12345678904"),
        ("12345678930", False, "check_digit", "12345678930"),  # adjacent swap
        ("1234567890", False, "length", None),
        ("123456789033", False, "length", None),
        ("1234567890A", False, "structure", None),
        ("\u0661" * 11, False, "structure", None),  # Arabic-Indic digits are not an NSS
        ("00000000000", False, "placeholder", "00000000000"),
        ("", False, "empty", None),
        ("  ", False, "empty", None),
    ],
)
def test_validate_nss(raw: str, valid: bool, code: str, nss: str | None) -> None:
    check = validate_nss(raw)
    assert (check.valid, check.reason.code, check.nss) == (valid, code, nss)


def test_registration_parts_splits_the_documented_fields() -> None:
    assert registration_parts("12-34-56-7890-3") == {
        "subdelegacion": "12",
        "registration_year": "34",
        "birth_year": "56",
        "sequence": "7890",
        "check_digit": "3",
    }


def test_registration_parts_rejects_non_nss_values() -> None:
    with pytest.raises(ValidationError) as error:
        registration_parts("12345")
    assert error.value.problems[0].field == "nss"


@settings(max_examples=300)
@given(st.text() | st.text(alphabet="0123456789 -", min_size=9, max_size=14))
def test_validate_nss_never_raises(text: str) -> None:
    check = validate_nss(text)
    assert check.valid is (check.reason.code == "ok")


def test_validate_nss_survives_huge_input() -> None:
    assert validate_nss("9" * 1_000_000).reason.code == "length"
