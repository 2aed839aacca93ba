"""curp.validate for many values at once: the verdicts a batch needs, computed on arrays.

A batch of a million records holds some 400,000 distinct CURPs. Almost all are 18 upper-case
ASCII letters and digits not starting with X, 0 or 9 (so not placeholders): for those, every
rule of `validate` is a test on character codes, done here on an (n, 18) array at once. Any
other value goes through `validate` itself, so the verdicts are validate's, value by value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
from numpy.typing import NDArray

from mpi.identity import curp
from mpi.identity._renapo import CHECK_ALPHABET, INCONVENIENT_WORDS, VOWELS
from mpi.identity.codes import SEX_CODES, STATE_CODES

Verdicts = tuple[NDArray[np.bool_], NDArray[np.bool_], list[str | None], list[date | None]]
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])  # February: see leap
_WEIGHTS = np.arange(18, 1, -1)


def check_many(values: Sequence[str], today: date) -> Verdicts:
    """Per value: valid, is_placeholder, and the sex and birth date of the valid ones.

    Equal, value by value, to the fields of curp.validate(value, today=today).
    """
    n = len(values)
    valid = np.zeros(n, dtype=np.bool_)
    placeholder = np.zeros(n, dtype=np.bool_)
    sexes = np.full(n, None, dtype=object)
    dates = np.full(n, None, dtype=object)
    plain, chars = _plain(values)
    ok = _passes(chars, today)
    rest = np.ones(n, dtype=np.bool_)
    rest[plain] = False
    for i in np.flatnonzero(rest).tolist():
        check = curp.validate(values[i], today=today)
        valid[i], placeholder[i] = check.valid, check.is_placeholder
        if check.valid:
            sexes[i], dates[i] = check.sex, check.birth_date
    good, m = plain[ok], chars[ok]
    valid[good] = True
    letters = np.full(256, None, dtype=object)
    codes = sorted(SEX_CODES)
    letters[[ord(code) for code in codes]] = codes
    sexes[good] = letters[m[:, 10]]
    # Each distinct birth date made once: a date per row would cost more than the checks.
    born, row_of = np.unique(_born(m), return_inverse=True)
    made = np.empty(len(born), dtype=object)
    made[:] = [date(b // 10000, b // 100 % 100, b % 100) for b in born.tolist()]
    dates[good] = made[row_of.reshape(-1)]
    return valid, placeholder, sexes.tolist(), dates.tolist()


def _plain(values: Sequence[str]) -> tuple[NDArray[np.intp], NDArray[np.uint8]]:
    """Positions of the values that are 18 of [0-9A-Z], not starting with X, 0 or 9, and
    their characters."""
    try:
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    except TypeError:  # not all strings
        lengths = np.fromiter(map(_length, values), dtype=np.int64, count=len(values))
    sized = np.flatnonzero(lengths == 18)
    keys = list(values) if len(sized) == len(values) else [values[i] for i in sized.tolist()]
    text = "".join(keys)
    if not text.isascii():  # rare: pick the ASCII ones out one by one
        ascii_ = np.array([k.isascii() for k in keys], dtype=np.bool_)
        sized = sized[ascii_]
        text = "".join(k for k, a in zip(keys, ascii_.tolist(), strict=True) if a)
    m = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(len(sized), 18)
    upper = ((m >= ord("A")) & (m <= ord("Z"))) | ((m >= ord("0")) & (m <= ord("9")))
    first = m[:, 0]
    keep = upper.all(axis=1) & (first != ord("X")) & (first != ord("0")) & (first != ord("9"))
    return sized[keep], m[keep]


def _length(value: object) -> int:
    return len(value) if isinstance(value, str) else -1


def _born(m: NDArray[np.uint8]) -> NDArray[np.int64]:
    """YYYYMMDD of each row (century from position 17)."""
    value = m.astype(np.int64) - ord("0")
    digit = (m[:, 16] >= ord("0")) & (m[:, 16] <= ord("9"))
    year = np.where(digit, 1900, 2000) + value[:, 4] * 10 + value[:, 5]
    return year * 10000 + (value[:, 6] * 10 + value[:, 7]) * 100 + value[:, 8] * 10 + value[:, 9]


def _table(chars: Iterable[str]) -> NDArray[np.bool_]:
    # Membership of one character as a lookup by its code (np.isin sorts the whole column).
    table = np.zeros(256, dtype=np.bool_)
    table[np.frombuffer("".join(chars).encode("ascii"), dtype=np.uint8)] = True
    return table


def _pairs(words: Iterable[str]) -> NDArray[np.bool_]:
    # Membership of two characters as a lookup by their codes.
    table = np.zeros((256, 256), dtype=np.bool_)
    for word in words:
        if len(word) == 2 and word.isascii():
            table[ord(word[0]), ord(word[1])] = True
    return table


def _among(chars: NDArray[np.uint8], words: Iterable[str]) -> NDArray[np.bool_]:
    """Which rows of `chars` (n, 4) spell one of the 4-letter `words`."""
    codes = np.unique(
        np.array(
            [int.from_bytes(w.encode("ascii"), "big") for w in words if len(w) == 4],
            dtype=np.uint32,
        )
    )
    number = np.ascontiguousarray(chars).view(">u4").reshape(-1).astype(np.uint32)
    if not len(codes):
        return np.zeros(len(chars), dtype=np.bool_)
    at = np.minimum(np.searchsorted(codes, number), len(codes) - 1)
    found: NDArray[np.bool_] = codes[at] == number
    return found


def _passes(m: NDArray[np.uint8], today: date) -> NDArray[np.bool_]:
    """Which rows pass every rule of validate (rows are plain keys, see _plain)."""
    if not len(m):
        return np.zeros(0, dtype=np.bool_)
    letter = (m >= ord("A")) & (m <= ord("Z"))
    digit = (m >= ord("0")) & (m <= ord("9"))
    shape = (
        letter[:, :4].all(axis=1)
        & digit[:, 4:10].all(axis=1)
        & letter[:, 10:16].all(axis=1)
        & digit[:, 17]
    )
    vowel = _table(sorted(VOWELS))
    second = vowel[m[:, 1]] | (m[:, 1] == ord("X"))
    consonants = ~vowel[m[:, 13:16]].any(axis=1)
    value = m[:, 4:10].astype(np.int32) - ord("0")
    year = np.where(digit[:, 16], 1900, 2000) + value[:, 0] * 10 + value[:, 1]
    month = value[:, 2] * 10 + value[:, 3]
    day = value[:, 4] * 10 + value[:, 5]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    in_month = np.clip(month, 0, 12)
    days = np.where((in_month == 2) & ~leap, 28, _DAYS[in_month])
    real = (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
    born = year * 10000 + month * 100 + day
    past = born <= today.year * 10000 + today.month * 100 + today.day
    sex = _table(SEX_CODES)[m[:, 10]]
    state = _pairs(STATE_CODES)[m[:, 11], m[:, 12]]
    decent = ~_among(m[:, :4], INCONVENIENT_WORDS)
    passes: NDArray[np.bool_] = shape & second & consonants & real & past & sex & state & decent
    return passes & _check_digit(m)


def _check_digit(m: NDArray[np.uint8]) -> NDArray[np.bool_]:
    worth = np.zeros(256, dtype=np.int64)
    for index, char in enumerate(CHECK_ALPHABET):
        if char.isascii():
            worth[ord(char)] = index
    total = worth[m[:, :17]] @ _WEIGHTS
    matches: NDArray[np.bool_] = ((10 - total % 10) % 10) == (m[:, 17].astype(np.int64) - ord("0"))
    return matches
