"""Hard "cannot-link" evidence: pairs no weight of evidence may join (DESIGN.md §3).

Used by clustering (never merge clusters holding such a pair) and by the linking service.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mpi.matching._level_tests import Index, as_mask, containment, nickname
from mpi.matching.features import Features
from mpi.matching.rules import LevelSpec

_ANY = LevelSpec(kind="any", label="")


def _dates_differ(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    bl, br = f.birth_date[left], f.birth_date[right]
    recorded = (bl >= 0) & (br >= 0)
    # Without a recorded date on one side, the CURPs' own date digits (positions 5-10) speak.
    digits = f.curp.date_digits
    return as_mask(np.where(recorded, bl != br, digits[left] != digits[right]))


def different_valid_curps(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    valid, root = f.curp.valid, f.curp.root
    return as_mask(valid[left] & valid[right] & (root[left] != root[right]))


def given_names_differ(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    ids = f.text["given_names"].ids
    same = ids[left] == ids[right]
    present = (ids[left] >= 0) & (ids[right] >= 0)
    out = as_mask(present & ~same)
    if out.any():
        idx = np.flatnonzero(out)
        related = containment(f, "given_names", left[idx], right[idx], _ANY)
        related |= nickname(f, "given_names", left[idx], right[idx], _ANY)
        out[idx[related]] = False
    return out


def cannot_link(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Pairs that must never be linked, whatever their match weight.

    Two rules, both needing two *valid* CURPs with different 16-character roots:
    the birth dates disagree (different people, or parent and child), or the given names
    are different and not related by containment or nickname (twins share everything else).
    """
    out = different_valid_curps(f, left, right)
    if not out.any():
        return out
    idx = np.flatnonzero(out)
    a, b = left[idx], right[idx]
    hard = _dates_differ(f, a, b) | given_names_differ(f, a, b)
    out[idx[~hard]] = False
    return out
