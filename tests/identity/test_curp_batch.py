from __future__ import annotations

import random
from datetime import date

import pytest

from mpi.identity import curp
from mpi.identity.curp_batch import check_many

TODAY = date(2026, 11, 21)
VALID = ["HEGG560427MVZRRL04", "BADD110313HCMLNS09", "MAAR790213MDFRLS01"]
CASES = [
    *VALID,
    "",
    " HEGG560427MVZRRL04 ",
    "hegg560427mvzrrl04",
    "HEGG 560427MVZRRL04",
    "XEXX010101HNEXXXA4",  # placeholders
    "XXXX999999XXXXXX99",
    "000000000000000000",
    "XAXX010101HDFRRN09",  # starts with X, not a placeholder
    "HEGG560427MVZRRL0",  # length
    "HEGG5604270VZRRL04",  # shape
    "HBGG560427MVZRRL04",  # position 2 not a vowel
    "HEGG560427MVZARL04",  # a vowel in 14-16
    "HEGG560230MVZRRL04",  # no such day
    "HEGG000229MVZRRL04",  # 1900 was not a leap year
    "HEGG000229MVZRRLA4",  # 2000 was
    "HEGG300101MVZRRLA4",  # 2030: after today
    "HEGG560427QVZRRL04",  # sex
    "HEGG560427MZZRRL04",  # state
    "BACA560427MVZRRL04",  # an Anexo 2 word
    "HEGG560427MVZRRL05",  # check digit
    "HEÑG560427MVZRRL04",  # not ASCII
]


def _one_by_one(values: list[str]) -> list[tuple[bool, bool, str | None, date | None]]:
    out = []
    for value in values:
        check = curp.validate(value, today=TODAY)
        sex, born = (check.sex, check.birth_date) if check.valid else (None, None)
        out.append((check.valid, check.is_placeholder, sex, born))
    return out


def _many(values: list[str]) -> list[tuple[bool, bool, str | None, date | None]]:
    valid, placeholder, sexes, dates = check_many(values, TODAY)
    return list(zip(valid.tolist(), placeholder.tolist(), sexes, dates, strict=True))


def test_each_rule_gives_validates_verdict() -> None:
    assert _many(CASES) == _one_by_one(CASES)


def test_keys_with_completed_check_digits_are_valid() -> None:
    keys = [curp.complete_curp(k[:16], k[16]) for k in VALID]
    assert _many(keys) == _one_by_one(keys)
    assert all(valid for valid, *_ in _many(keys))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutated_keys_give_validates_verdicts(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ñX09"
    values = []
    for _ in range(3000):
        chars = list(rng.choice(VALID))
        for _ in range(rng.randint(1, 2)):
            chars[rng.randrange(18)] = rng.choice(alphabet)
        key = "".join(chars)
        values.append(key)
        if key[:17].isalnum() and key[:17].isascii() and key[:17].isupper():
            values.append(curp.complete_curp(key[:16], key[16]))  # right check digit
    assert _many(values) == _one_by_one(values)


def test_no_values_give_no_verdicts() -> None:
    assert _many([]) == []
