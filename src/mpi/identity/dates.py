"""Birth-date evidence: strict ISO parsing, placeholder defaults and impossible dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from mpi.identity._reason import EMPTY, OK, Reason

__all__ = ["PLACEHOLDER_DATES", "DateCheck", "Reason", "check_birth_date"]

# Dates that systems write when the real one is unknown. They are defaults of software,
# not of people: 0001-01-01 (.NET / Python minimum), 1753-01-01 (SQL Server datetime
# minimum), 1800-01-01 and 1901-01-01 (hand-typed "unknown"), 1899-12-30 and 1899-12-31
# (spreadsheet day zero), 1900-01-01 (SQL Server and spreadsheet day one, the most common
# default), 9999-12-31 (maximum date). 1970-01-01 (the Unix epoch) is deliberately NOT
# here: thousands of living Mexicans were born that day.
PLACEHOLDER_DATES: frozenset[date] = frozenset(
    {
        date(1, 1, 1),
        date(1753, 1, 1),
        date(1800, 1, 1),
        date(1899, 12, 30),
        date(1899, 12, 31),
        date(1900, 1, 1),
        date(1901, 1, 1),
        date(9999, 12, 31),
    }
)

_EARLIEST_PLAUSIBLE = date(1900, 1, 1)  # also the first year a CURP can encode
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


@dataclass(frozen=True, slots=True)
class DateCheck:
    """The verdict on one birth-date value.

    Attributes:
        valid: a real date, not a placeholder, not before 1900, not after `today`.
        reason: the first failed check, or "ok".
        value: the parsed date whenever it parses, even if another check fails.
        is_placeholder: one of PLACEHOLDER_DATES, which callers should treat as missing.
    """

    valid: bool
    reason: Reason
    value: date | None = None
    is_placeholder: bool = False


def check_birth_date(text: str | date | None, *, today: date | None = None) -> DateCheck:
    """Check a birth date given as a date or an ISO YYYY-MM-DD string. Never raises.

    Reasons: "empty", "format" (not YYYY-MM-DD), "date" (no such day), "placeholder",
    "too_old" (before 1900), "future_date" (after `today`), or "ok".

    Args:
        text: a date, a datetime (its date is used), an ISO string, or None.
        today: reference date for the future-date rule; defaults to date.today().
    """
    parsed = _parse(text)
    if isinstance(parsed, Reason):
        return DateCheck(False, parsed)
    if parsed in PLACEHOLDER_DATES:
        return DateCheck(False, Reason("placeholder", f"{parsed} is a default"), parsed, True)
    if parsed < _EARLIEST_PLAUSIBLE:
        return DateCheck(False, Reason("too_old", f"{parsed} is before 1900"), parsed)
    reference = today or date.today()
    if parsed > reference:
        return DateCheck(False, Reason("future_date", f"{parsed} is after {reference}"), parsed)
    return DateCheck(True, OK, parsed)


def _parse(value: object) -> date | Reason:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return EMPTY
    match = _ISO.fullmatch(value.strip())
    if match is None:
        return Reason("format", "must be an ISO date YYYY-MM-DD")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return Reason("date", f"{value.strip()} is not a real day")
