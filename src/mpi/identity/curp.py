"""CURP evidence: validation, check digit, placeholders, the RENAPO root and comparison.

`validate` strips surrounding whitespace and uppercases, but does not remove inner
whitespace: a raw value with spaces inside is reported (reason "whitespace") so that data
quality problems stay visible; call `compact` first when a source is known to insert spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import mul

from mpi.domain.errors import ValidationError
from mpi.identity._curp_compare import CurpComparison, classify_pair, compare, root
from mpi.identity._curp_root import derive_root
from mpi.identity._reason import EMPTY, OK, Reason
from mpi.identity._renapo import CHAR_VALUE, INCONVENIENT_WORDS, KNOWN_PLACEHOLDERS, VOWELS
from mpi.identity.codes import SEX_CODES, STATE_CODES

__all__ = [
    "CurpCheck",
    "CurpComparison",
    "Reason",
    "check_digit",
    "classify_pair",
    "compact",
    "compare",
    "complete_curp",
    "derive_root",
    "is_placeholder",
    "root",
    "validate",
]

_SHAPE = re.compile(r"[A-Z]{4}[0-9]{6}[A-Z]{6}[0-9A-Z][0-9]")
_WHITESPACE = re.compile(r"\s+")
# Generic "unknown" keys: only X, 0 and 9 (XXXX999999XXXXXX99, XXXXXXXXXXXXXXXXXX, 0000…),
# and the generic foreigner key XEXX010101?NEXXX with any sex and trailing pair.
_PLACEHOLDER_SHAPE = re.compile(r"[X09]+|XEXX010101[HMX]NEXXX[0-9A-Z][0-9]")
_PLACEHOLDER = Reason("placeholder", "generic key for an unknown person, not identity evidence")


@dataclass(frozen=True, slots=True)
class CurpCheck:
    """The verdict on one CURP value.

    Parsed fields are filled whenever they parse, even when another check fails, so a
    caller can show what the key says; trust them only when `valid` is true.

    Attributes:
        valid: passes every check and is not a placeholder.
        reason: the first failed check, or "ok".
        curp: the uppercased value when it is 18 characters long without whitespace.
        is_placeholder: a generic key standing for "unknown person".
        birth_date: the date in positions 5-10 (century from position 17).
        sex: position 11 when it is H, M or X.
        state: positions 12-13 when they are a state code.
    """

    valid: bool
    reason: Reason
    curp: str | None = None
    is_placeholder: bool = False
    birth_date: date | None = None
    sex: str | None = None
    state: str | None = None

    @property
    def root(self) -> str | None:
        """The 16-character root when the value is 18 characters long."""
        return self.curp[:16] if self.curp else None


def compact(text: str) -> str:
    """Remove all whitespace and uppercase: "hegg 560427 mvzrrl04" -> "HEGG560427MVZRRL04"."""
    return _WHITESPACE.sub("", text).upper()


def check_digit(first17: str) -> str:
    """Compute position 18 from the first 17 characters.

    Each character is worth its index in 0-9A-NÑO-Z; weights run 18 down to 2;
    the digit is (10 - sum mod 10) mod 10.

    Args:
        first17: the first 17 characters of a CURP (case-insensitive).

    Raises:
        ValidationError: the value is not 17 characters of that alphabet.
    """
    key = first17.upper() if isinstance(first17, str) else ""
    if len(key) != 17 or any(char not in CHAR_VALUE for char in key):
        raise ValidationError.single(
            "curp", "check_digit_input", "needs exactly 17 characters from 0-9, A-Z and Ñ"
        )
    return _digit(key)


_WEIGHTS = range(18, 1, -1)  # of positions 1-17


def _digit(key: str) -> str:
    # key[:17] holds only CHAR_VALUE characters (checked by the caller).
    total = sum(map(mul, map(CHAR_VALUE.__getitem__, key[:17]), _WEIGHTS))
    return str((10 - total % 10) % 10)


def complete_curp(root16: str, homoclave: str) -> str:
    """Append a homonymy character and the matching check digit to a 16-character root.

    Raises:
        ValidationError: the root is not 16 characters or the homoclave not one character.
    """
    if len(root16) != 16 or len(homoclave) != 1:
        raise ValidationError.single("curp", "length", "needs a 16-character root and 1 char")
    first17 = (root16 + homoclave).upper()
    return first17 + check_digit(first17)


def is_placeholder(text: str) -> bool:
    """True for generic keys that mean "unknown person" (never identity evidence).

    Covers XEXX010101HNEXXXA4 (generic foreigner) and its M/X variants,
    XXXX999999XXXXXX99 (DGIS generic CURP) and any value made only of X, 0 and 9,
    ignoring whitespace and case.
    """
    return _is_placeholder_key(compact(text))


def _is_placeholder_key(key: str) -> bool:
    return key in KNOWN_PLACEHOLDERS or _PLACEHOLDER_SHAPE.fullmatch(key) is not None


def validate(text: str, *, today: date | None = None) -> CurpCheck:
    """Check a CURP against every rule that can be checked without RENAPO. Never raises.

    Checks, in order: empty, placeholder, inner whitespace, length, structure (letters and
    digits in place, position 2 a vowel or X, positions 14-16 consonants), a real date with
    the century from position 17 (digit 1900s, letter 2000s), not after `today`, sex H/M/X,
    one of the 33 state codes, not an Anexo 2 inconvenient word, and the check digit.

    Args:
        text: the raw value; surrounding whitespace and case are ignored.
        today: reference date for the future-date rule; defaults to date.today().
    """
    if not isinstance(text, str) or not text.strip():
        return CurpCheck(False, EMPTY)
    key = text.strip().upper()
    if key.isascii() and key.isalnum():
        # The usual key: nothing for compact() to remove or change, and every placeholder
        # starts with X, 0 or 9. Same verdicts as below, without the regular expressions.
        if key[0] in "X09" and _is_placeholder_key(key):
            return CurpCheck(False, _PLACEHOLDER, key if len(key) == 18 else None, True)
        return _check_key(key, today or date.today())
    if is_placeholder(key):
        curp = compact(key)
        return CurpCheck(False, _PLACEHOLDER, curp if len(curp) == 18 else None, True)
    return _check_key(key, today or date.today())


def _check_key(key: str, today: date) -> CurpCheck:
    if not key.isalnum() and _WHITESPACE.search(key):  # whitespace is never alphanumeric
        return _with_inner_whitespace(compact(key), today)
    if len(key) != 18:
        return CurpCheck(False, Reason("length", f"has {len(key)} characters, needs 18"))
    if not _SHAPE.fullmatch(key):
        return CurpCheck(False, _shape_reason(key), key)
    birth_date = _birth_date(key)
    sex = key[10] if key[10] in SEX_CODES else None
    state = key[11:13] if key[11:13] in STATE_CODES else None
    reason = _first_failure(key, birth_date, sex, state, today)
    return CurpCheck(reason is OK, reason, key, False, birth_date, sex, state)


def _with_inner_whitespace(compacted: str, today: date) -> CurpCheck:
    # Never valid as typed, but say what the key would be without the spaces, so a
    # review screen can offer the fix and the matcher can still read the fields.
    inner = _check_key(compacted, today)
    message = f"contains whitespace inside the key; without it: {inner.reason.code}"
    return CurpCheck(
        False,
        Reason("whitespace", message),
        inner.curp,
        False,
        inner.birth_date,
        inner.sex,
        inner.state,
    )


def _shape_reason(key: str) -> Reason:
    expected = "LLLLDDDDDDLLLLLLAD"  # L letter A-Z, D digit 0-9, A either
    for index, (char, kind) in enumerate(zip(key, expected, strict=True)):
        if not _fits(char, kind):
            what = {"L": "a letter A-Z", "D": "a digit", "A": "a letter A-Z or a digit"}[kind]
            return Reason("structure", f"position {index + 1} must be {what}, not {char!r}")
    return Reason("structure", "does not have the CURP shape")  # pragma: no cover


def _fits(char: str, kind: str) -> bool:
    is_letter = "A" <= char <= "Z"
    is_digit = "0" <= char <= "9"
    return {"L": is_letter, "D": is_digit}.get(kind, is_letter or is_digit)


def _birth_date(key: str) -> date | None:
    century = 1900 if key[16].isdigit() else 2000
    try:
        return date(century + int(key[4:6]), int(key[6:8]), int(key[8:10]))
    except ValueError:
        return None


def _first_failure(
    key: str, birth_date: date | None, sex: str | None, state: str | None, today: date
) -> Reason:
    # `key` has the CURP shape (_SHAPE), so all its characters have a check value.
    if key[1] not in VOWELS and key[1] != "X":
        return Reason("structure", "position 2 must be a vowel or X")
    if not VOWELS.isdisjoint(key[13:16]):
        return Reason("structure", "positions 14-16 must be consonants or X")
    if birth_date is None:
        return Reason("date", f"{key[4:10]} is not a real date (YYMMDD)")
    if birth_date > today:
        return Reason("future_date", f"birth date {birth_date} is after {today}")
    if sex is None:
        return Reason("sex", f"sex {key[10]!r} is not H, M or X")
    if state is None:
        return Reason("state", f"{key[11:13]!r} is not a state code")
    if key[:4] in INCONVENIENT_WORDS:
        return Reason("inconvenient_word", f"{key[:4]} is an Anexo 2 word; RENAPO uses X at 2")
    expected = _digit(key)
    if key[17] != expected:
        return Reason("check_digit", f"check digit is {key[17]}, expected {expected}")
    return OK
