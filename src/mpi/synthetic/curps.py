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


def assign_curps(rng: np.random.Generator, persons: Persons) -> tuple[Objects, Objects]:
    """Every person's current CURP, and an earlier CURP ("" for most people)."""
    roots = derive_roots(persons)
    taken: dict[str, int] = {}
    current = np.empty(len(roots), dtype=object)
    for i, root in enumerate(roots):
        used = taken.get(root, 0)
        taken[root] = used + 1
        current[i] = complete_curp(root, _homoclave(root, used))
    earlier = np.full(len(roots), "", dtype=object)
    changed = np.flatnonzero(rng.random(len(roots)) < EARLIER_CURP_RATE)
    corrected = rng.random(len(changed)) < 0.5
    for person, fix in zip(changed.tolist(), corrected.tolist(), strict=True):
        earlier[person] = _earlier_version(rng, current[person], taken, correction=fix)
    return current, earlier


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
