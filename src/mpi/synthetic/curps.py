"""Valid CURPs for the synthetic persons, derived by the RENAPO rules, plus earlier versions.

The 16-character root comes from `mpi.identity.curp.derive_root` (see curp_roots.py);
position 17 is the homonymy differentiator RENAPO assigns ('0', '1', … before 2000, 'A',
'B', … from 2000), so two people with the same root always get different keys; position 18
is the check digit.
"""

from __future__ import annotations

import numpy as np

from mpi.identity.curp import complete_curp
from mpi.synthetic.curp_roots import derive_roots
from mpi.synthetic.persons import Persons

# People whose CURP changed (a RENAPO reissue or a data correction): older records keep the
# earlier key. DOMAIN-MX.md §1: "a person's CURP can change over time".
EARLIER_CURP_RATE = 0.03
_DIGIT_HOMOCLAVES = "0123456789"
_LETTER_HOMOCLAVES = "ABCDEFGHIJKLMNPQRSTUVWXYZ"
_LETTERS = "BCDFGHJKLMNPRSTVZ"

Objects = np.ndarray[tuple[int], np.dtype[np.object_]]
# Value of each character in the check-digit sum: its index in 0-9, A-N, Ñ, O-Z.
_CHAR_VALUES = np.zeros(0x100, dtype=np.int64)
for _value, _char in enumerate("0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"):
    _CHAR_VALUES[ord(_char)] = _value


def assign_curps(rng: np.random.Generator, persons: Persons) -> tuple[Objects, Objects]:
    """Every person's current CURP, and an earlier CURP ("" for most people)."""
    roots = derive_roots(persons)
    taken: dict[str, int] = {}
    first17 = []
    for root in roots:
        used = taken.get(root, 0)
        taken[root] = used + 1
        first17.append(root + _homoclave(root, used))
    current = np.array(
        [key + digit for key, digit in zip(first17, check_digits(first17), strict=True)],
        dtype=object,
    )
    earlier = np.full(len(roots), "", dtype=object)
    changed = np.flatnonzero(rng.random(len(roots)) < EARLIER_CURP_RATE)
    corrected = rng.random(len(changed)) < 0.5
    for person, fix in zip(changed.tolist(), corrected.tolist(), strict=True):
        earlier[person] = _earlier_version(rng, current[person], taken, correction=fix)
    return current, earlier


def check_digits(first17: list[str]) -> list[str]:
    """`mpi.identity.curp.check_digit` for many keys at once (tests check they agree)."""
    if not first17:
        return []
    codes = np.array(first17, dtype="<U17").view(np.uint32).reshape(len(first17), 17)
    total = _CHAR_VALUES[codes].astype(np.int64) @ np.arange(18, 1, -1)
    digits: list[str] = ((10 - total % 10) % 10).astype(str).tolist()
    return digits


def _homoclave(root: str, used: int) -> str:
    alphabet = _DIGIT_HOMOCLAVES if _born_before_2000(root) else _LETTER_HOMOCLAVES
    return alphabet[used % len(alphabet)]


def _born_before_2000(root: str) -> bool:
    # The generator draws births 1940-2025, so a two-digit year of 26 or more is in the 1900s.
    return int(root[4:6]) >= 26


def _earlier_version(
    rng: np.random.Generator, curp: str, taken: dict[str, int], *, correction: bool
) -> str:
    root = curp[:16]
    if correction:
        # A name-derived letter was captured wrong at first and corrected later.
        position = int(rng.choice([3, 13, 14, 15]))
        wrong = _LETTERS[int(rng.integers(len(_LETTERS)))]
        if wrong != root[position]:
            root = root[:position] + wrong + root[position + 1 :]
            return complete_curp(root, curp[16])
    used = taken.get(root, 0)
    taken[root] = used + 1
    return complete_curp(root, _homoclave(root, used))
