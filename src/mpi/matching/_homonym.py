"""The homonym rule: two valid CURPs of one root with another homoclave, and its excuses.

RENAPO tells homonyms (same name, same birth date and state) apart by the homoclave,
position 17; a reissued CURP of one person changes it too. Pairwise, a shared household
key and one name excuse it; clustering also lets a cluster whose records show the two keys
to be one person's reissue through (`reissued_curps`, the "reissue" rule).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from numpy.typing import NDArray

from mpi.matching._level_tests import (
    ANY_SPEC,
    Index,
    as_mask,
    curp_one_edit,
    curp_transposition,
    nickname,
)
from mpi.matching.features import Features


def typo_apart(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """The two CURPs are one edit or one transposition apart."""
    one = curp_one_edit(f, "curp", left, right, ANY_SPEC)
    return one | curp_transposition(f, "curp", left, right, ANY_SPEC)


def _plainly_one_name(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Equal given names, a nickname, or every word of one (MARIA and JOSE too) in the other."""
    tokens = f.given.tokens
    a, b = tokens[left], tokens[right]
    a_in_b = ((a[:, :, None] == b[:, None, :]).any(axis=2) | (a < 0)).all(axis=1)
    b_in_a = ((b[:, :, None] == a[:, None, :]).any(axis=2) | (b < 0)).all(axis=1)
    present = (a >= 0).any(axis=1) & (b >= 0).any(axis=1)
    same = as_mask(present & (a_in_b | b_in_a))
    return as_mask(same | nickname(f, "given_names", left, right, ANY_SPEC))


def homonym_homoclave(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Same root, different homoclave (not a one-character typo), no shared household key.

    RENAPO tells homonyms apart by position 17; a reissued CURP of one person also changes
    it, but that person's records then share an NSS, a phone or a postal code (and a name).
    """
    root, ids = f.curp.root, f.curp.column.ids
    out = as_mask((root[left] == root[right]) & (root[left] >= 0) & (ids[left] != ids[right]))
    household = np.zeros(len(left), dtype=np.bool_)
    for field in ("nss", "phone", "postal_code"):
        key = f.text[field].ids
        household |= (key[left] == key[right]) & (key[left] >= 0)
    # Twins share the household and often the root (ESTELA / ESTEFANIA), and are often named
    # alike (DULCE / DULCE MARIA): a shared household excuses the homoclave only under the
    # same given name or a nickname of it (clustering lets a reissued key's short forms in).
    excused = np.flatnonzero(out & household)
    if len(excused):
        a, b = left[excused], right[excused]
        given = f.text["given_names"].ids  # two newborns without a name are not one name
        same_name = (given[a] == given[b]) & (given[a] >= 0)
        same_name |= nickname(f, "given_names", a, b, ANY_SPEC)
        out[excused] = ~same_name
    idx = np.flatnonzero(out)
    if len(idx):
        a, b = left[idx], right[idx]
        values = f.curp.column.values
        differs = np.fromiter(
            (
                len(str(values[x])) == len(str(values[y])) == 18
                and str(values[x])[16] != str(values[y])[16]
                for x, y in zip(a, b, strict=True)
            ),
            dtype=np.bool_,
            count=len(a),
        )
        both_valid = f.curp.valid[a] & f.curp.valid[b]
        out[idx] = differs & (both_valid | ~typo_apart(f, a, b))
    return out


def reissued_curps(f: Features, left: Index, right: Index, members: Index) -> bool:
    """Whether every pair's two valid same-root CURPs are, by `members`' records, one person's.

    Each pair must carry plainly one name (every word of one in the other, or a nickname:
    twins JOSE LUIS and LUIS MANUEL share a word, not a name), and some records of
    `members` carrying its two CURPs must be excused by the homonym rule (a shared NSS,
    phone or postal code, and one name): a RENAPO reissue of one person's key.
    """
    if not may_be_reissue(f, left, right).all():
        return False
    return reissue_shown(f, left, right, members.tolist())


def may_be_reissue(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Per pair, what `reissued_curps` asks of the pair itself: two valid CURPs of one root
    (not the same one) on records carrying plainly one name."""
    valid, root, ids = f.curp.valid, f.curp.root, f.curp.column.ids
    both = valid[left] & valid[right] & (root[left] == root[right]) & (ids[left] != ids[right])
    # Each objecting pair must itself carry one name: twins share a household and often a
    # root, and only their names tell them apart.
    return as_mask(both & _plainly_one_name(f, left, right))


PairTest = Callable[[Index, Index], NDArray[np.bool_]]


def reissue_shown(
    f: Features,
    left: Index,
    right: Index,
    members: Sequence[int],
    homonyms: PairTest | None = None,
) -> bool:
    """What `reissued_curps` asks of the `members` for pairs that `may_be_reissue`: some
    records carrying each pair's two CURPs are excused by the homonym rule.

    `homonyms(a, b)` is `homonym_homoclave(f, a, b)`, or the same verdicts known already.
    """
    ids = f.curp.column.ids
    wanted = {
        (min(a, b), max(a, b)) for a, b in zip(ids[left].tolist(), ids[right].tolist(), strict=True)
    }
    holders: dict[int, list[int]] = {}
    for m in members:
        holders.setdefault(int(ids[m]), []).append(m)
    objects = homonyms if homonyms is not None else partial(homonym_homoclave, f)
    for ca, cb in wanted:
        xs, ys = holders.get(ca, []), holders.get(cb, [])
        a = np.repeat(np.array(xs, dtype=np.intp), len(ys))
        b = np.tile(np.array(ys, dtype=np.intp), len(xs))
        if not len(a) or objects(a, b).all():
            return False
    return True
