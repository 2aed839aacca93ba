"""Field rules for one row of the canonical record file (DESIGN.md §4), turning text into a Record.

The rules reject what cannot be stored safely or cannot mean anything (control characters,
oversized fields, a phone number that is not a phone number) and keep whatever is merely weak
evidence: an invalid or placeholder CURP, an NSS that fails its Luhn digit, a placeholder birth
date such as 1900-01-01. Deciding how much such values are worth is the matcher's job, and a
record must not be lost because one institution captured a poor CURP.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache

from mpi.domain.errors import Problem, ValidationError
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.identity import codes
from mpi.identity.dates import DateCheck, check_birth_date

MAX_FIELD_LENGTH = 200
MAX_KEY_LENGTH = 64
# Institution codes and record ids become graph keys and file names in reports: keep them plain.
_SAFE_KEY = re.compile(r"[A-Za-z0-9._-]+")
_CURP_CHARS = re.compile(r"[0-9A-ZÑ]+")
_PHONE_SEPARATORS = re.compile(r"[\s().-]+")
_NSS_SEPARATORS = re.compile(r"[\s-]+")
REQUIRED_FIELDS: tuple[str, ...] = ("institution", "record_id")
_CONTROL = frozenset({"Cc", "Cf", "Cs", "Co"})  # control, format, surrogate, private use


def parse_record(raw: Mapping[str, str | None], *, today: date | None = None) -> Record:
    """Validate one row of the canonical record file and build its Record.

    Args:
        raw: column name -> text (None or blank = missing); unknown keys are ignored.
        today: the date a birth date may not exceed; defaults to `date.today()`.

    Returns:
        The Record with normalised values: sex H/M/X, birth_date as a date, birth_state as a
        CURP state code, phone as 10 digits, NSS as 11 digits, CURP uppercase.

    Raises:
        ValidationError: with one Problem(field, rule, message) per broken rule, all of them.
    """
    problems: list[Problem] = []
    values: dict[str, object] = {}
    reference = today or date.today()
    for field in RECORD_FIELDS:
        parsed = parse_field(field, raw.get(field), reference, problems)
        if parsed is not None:
            values[field] = parsed
    if problems:
        raise ValidationError(problems)
    return Record(**values)  # type: ignore[arg-type]


def parse_field(field: str, value: str | None, today: date, problems: list[Problem]) -> object:
    """One field of parse_record: its parsed value (None when missing or refused); the rules
    it breaks are appended to `problems`. Depends only on its arguments, so a caller may
    parse each distinct value of a column once."""
    text = _clean(field, value, problems) if value else None
    if text is None:
        if field in REQUIRED_FIELDS:
            problems.append(Problem(field, "required", "is required"))
        return None
    return _FIELD_RULES.get(field, _keep)(field, text, problems, today)


def record_key_of(raw: Mapping[str, str | None]) -> str | None:
    """The `institution:record_id` key of a raw row, when both parts are present and safe."""
    institution = (raw.get("institution") or "").strip()
    record_id = (raw.get("record_id") or "").strip()
    if _is_safe_key(institution) and _is_safe_key(record_id):
        return f"{institution}:{record_id}"
    return None


def _clean(field: str, value: str | None, problems: list[Problem]) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_FIELD_LENGTH:
        problems.append(
            Problem(field, "max_length", f"is {len(text)} characters, at most {MAX_FIELD_LENGTH}")
        )
        return None
    # isprintable() is a fast C check that is False for every control character (and for
    # harmless ones such as a no-break space, which the slow check lets through).
    if not text.isprintable() and any(unicodedata.category(c) in _CONTROL for c in text):
        problems.append(Problem(field, "control_characters", "contains control characters"))
        return None
    return text


def _is_safe_key(text: str) -> bool:
    return 0 < len(text) <= MAX_KEY_LENGTH and _SAFE_KEY.fullmatch(text) is not None


def _key(field: str, text: str, problems: list[Problem], today: date) -> str | None:
    if _is_safe_key(text):
        return text
    problems.append(
        Problem(
            field,
            "safe_key",
            f"must be 1-{MAX_KEY_LENGTH} letters, digits or '-', '_', '.' (got {text[:20]!r})",
        )
    )
    return None


def _keep(field: str, text: str, problems: list[Problem], today: date) -> str | None:
    return text


@lru_cache(maxsize=4096)
def _sex_code(text: str) -> str | None:
    # Files repeat a handful of spellings millions of times: cache them.
    return _normalize_or_none(codes.normalize_sex, text)


@lru_cache(maxsize=4096)
def _state_code(text: str) -> str | None:
    return _normalize_or_none(codes.normalize_state, text)


def _sex(field: str, text: str, problems: list[Problem], today: date) -> str | None:
    sex = _sex_code(text)
    if sex is None:
        problems.append(Problem(field, "sex", f"must be H, M or X (got {text[:20]!r})"))
    return sex


def _birth_state(field: str, text: str, problems: list[Problem], today: date) -> str | None:
    state = _state_code(text)
    if state is None:
        problems.append(
            Problem(field, "state_code", f"must be a CURP state code or NE (got {text[:20]!r})")
        )
    return state


def _normalize_or_none(normalize: Callable[[str], str | None], text: str) -> str | None:
    try:
        return normalize(text)
    except (ValueError, ValidationError):
        return None


@lru_cache(maxsize=1 << 16)
def _date_check(text: str, today: date) -> DateCheck:
    # A file holds a few tens of thousands of distinct birth dates for a million rows.
    return check_birth_date(text, today=today)


def _birth_date(field: str, text: str, problems: list[Problem], today: date) -> date | None:
    check = _date_check(text, today)
    # Placeholders such as 1900-01-01 are kept: the row is real, only its date is unknown,
    # and the matcher treats the value as missing.
    if check.valid or check.is_placeholder:
        return check.value
    problems.append(
        Problem(field, check.reason.code, f"{check.reason.message} (got {text[:20]!r})")
    )
    return None


def _postal_code(field: str, text: str, problems: list[Problem], today: date) -> str | None:
    if len(text) == 5 and text.isascii() and text.isdigit():
        return text
    problems.append(Problem(field, "postal_code", f"must be 5 digits (got {text[:20]!r})"))
    return None


def _phone(field: str, text: str, problems: list[Problem], today: date) -> str | None:
    if len(text) == 10 and text.isascii() and text.isdigit():
        return text
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+52"):
        digits = digits[3:]
    elif digits.startswith("52") and len(digits) == 12:
        digits = digits[2:]
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return digits
    problems.append(
        Problem(field, "phone", f"must be 10 digits, optionally after +52 (got {text[:20]!r})")
    )
    return None


def _nss(field: str, text: str, problems: list[Problem], today: date) -> str | None:
    # A wrong Luhn digit is kept: the value still links a household, only more weakly.
    digits = text if text.isdigit() else _NSS_SEPARATORS.sub("", text)
    if len(digits) == 11 and digits.isascii() and digits.isdigit():
        return digits
    problems.append(Problem(field, "nss", f"must be 11 digits (got {text[:20]!r})"))
    return None


def _curp(field: str, text: str, problems: list[Problem], today: date) -> str | None:
    # Invalid and placeholder CURPs are kept as given; only what cannot be a CURP is refused.
    curp = text.upper()
    if len(curp) > 18:
        problems.append(Problem(field, "curp_length", f"is {len(curp)} characters, at most 18"))
        return None
    if _CURP_CHARS.fullmatch(curp) is None:
        problems.append(
            Problem(field, "curp_characters", f"must be letters and digits only (got {text!r})")
        )
        return None
    return curp


_Rule = Callable[[str, str, list[Problem], date], object | None]
_FIELD_RULES: dict[str, _Rule] = {
    "institution": _key,
    "record_id": _key,
    "curp": _curp,
    "sex": _sex,
    "birth_date": _birth_date,
    "birth_state": _birth_state,
    "postal_code": _postal_code,
    "phone": _phone,
    "nss": _nss,
}
