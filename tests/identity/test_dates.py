from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpi.identity.dates import PLACEHOLDER_DATES, check_birth_date

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("raw", "valid", "code", "value"),
    [
        ("1985-03-07", True, "ok", date(1985, 3, 7)),
        (" 1985-03-07 ", True, "ok", date(1985, 3, 7)),
        (date(1985, 3, 7), True, "ok", date(1985, 3, 7)),
        (datetime(1985, 3, 7, 12, 30), True, "ok", date(1985, 3, 7)),
        ("1970-01-01", True, "ok", date(1970, 1, 1)),  # the epoch is a real birthday
        ("2026-11-21", True, "ok", TODAY),
        ("2026-11-22", False, "future_date", date(2026, 11, 22)),
        ("1899-06-01", False, "too_old", date(1899, 6, 1)),
        ("1985-02-29", False, "date", None),
        ("1985-13-01", False, "date", None),
        ("0000-01-01", False, "date", None),
        ("07/03/1985", False, "format", None),
        ("19850307", False, "format", None),  # date.fromisoformat would accept this
        ("1985-3-7", False, "format", None),
        ("1985-W10-4", False, "format", None),
        ("\u0661\u0669\u0668\u0665-\u0660\u0663-\u0660\u0667", False, "format", None),
        ("", False, "empty", None),
        (None, False, "empty", None),
    ],
)
def test_check_birth_date(
    raw: str | date | None, valid: bool, code: str, value: date | None
) -> None:
    check = check_birth_date(raw, today=TODAY)
    assert (check.valid, check.reason.code, check.value, check.is_placeholder) == (
        valid,
        code,
        value,
        False,
    )


@pytest.mark.parametrize(
    "raw", ["1900-01-01", "1901-01-01", "1800-01-01", "0001-01-01", "9999-12-31", "1899-12-31"]
)
def test_default_dates_are_flagged_as_placeholders(raw: str) -> None:
    check = check_birth_date(raw, today=TODAY)
    assert (check.valid, check.reason.code, check.is_placeholder) == (False, "placeholder", True)
    assert check.value in PLACEHOLDER_DATES


@settings(max_examples=300)
@given(st.text() | st.dates().map(date.isoformat) | st.none())
def test_check_birth_date_never_raises(text: str | None) -> None:
    check = check_birth_date(text, today=TODAY)
    assert check.valid is (check.reason.code == "ok")


def test_check_birth_date_survives_huge_input() -> None:
    assert check_birth_date("1" * 1_000_000, today=TODAY).reason.code == "format"
