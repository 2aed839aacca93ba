"""Record pairs a pairwise rule flags, evaluated once per batch and looked up at each merge.

Clustering asks at every merge whether some pair of records across the two clusters is
evidence of two people. Evaluated at each merge on the cross product of the two clusters,
that is a chain of numpy calls on a few pairs each (~0.2 ms, 60k merges at 1M records).
The pairwise rules are elementwise (pair k's verdict reads pair k only), so they are
evaluated once, vectorised, for every pair within the components that need agglomerating;
a merge then only scans the flagged pairs of the smaller side.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mpi.matching._homonym import may_be_reissue
from mpi.matching._name_bridges import Letters
from mpi.matching._twins import twin_evidence
from mpi.matching.features import Features
from mpi.matching.hard_negatives import dates_close, different_people

# Flags, one bit each.
DIFFERENT = 1  # different_people under every rule but the homonym rule
HOMONYM = 2  # the homonym rule (its reissue excuse reads the merged cluster)
# Other given names (or one missing), birth dates close: the twins test, which reads the
# merged cluster, objects to no other pair.
NAMES = 4
# What the cluster-reading excuses ask of the pair itself, worked out here once for all:
REISSUE = 8  # a HOMONYM pair that may be one person's reissued key (_homonym.may_be_reissue)
TWINS = 16  # a NAMES pair of twins whatever the cluster holds (_twins.twin_evidence) ...
SUSPECT = 32  # ... or of twins unless a record of the cluster bridges the names


def pair_flags(
    f: Features,
    left: NDArray[np.intp],
    right: NDArray[np.intp],
    rules: Sequence[str],
    letters: Letters | None = None,
) -> NDArray[np.uint8]:
    """Per pair, the flags above (0: no pairwise rule can object to it); `letters` is
    `name_key_letters(f)` when the caller has it."""
    not_homonym = tuple(r for r in rules if r != "homonym")
    out = np.where(different_people(f, left, right, not_homonym), DIFFERENT, 0).astype(np.uint8)
    if "homonym" in rules:
        homonym = np.flatnonzero(different_people(f, left, right, ("homonym",)))
        out[homonym] |= HOMONYM
        if "reissue" in rules and len(homonym):
            out[homonym[may_be_reissue(f, left[homonym], right[homonym])]] |= REISSUE
    if "twins" in rules:
        given = f.text["given_names"].ids
        idx = np.flatnonzero(given[left] != given[right])
        if len(idx):
            named = idx[dates_close(f, left[idx], right[idx])]
            out[named] |= NAMES
            sure, suspect = twin_evidence(f, left[named], right[named], letters)
            out[named[sure]] |= TWINS
            out[named[suspect]] |= SUSPECT
    return out


class FlaggedPairs:
    """The flagged pairs among given pairs, by record: partner and flags."""

    def __init__(
        self,
        f: Features,
        left: NDArray[np.intp],
        right: NDArray[np.intp],
        rules: Sequence[str],
        letters: Letters | None = None,
    ) -> None:
        flags = pair_flags(f, left, right, rules, letters)
        keep = np.flatnonzero(flags)
        self._by_record: dict[int, list[tuple[int, int]]] = {}
        for a, b, bits in zip(
            left[keep].tolist(), right[keep].tolist(), flags[keep].tolist(), strict=True
        ):
            self._by_record.setdefault(a, []).append((b, bits))
            self._by_record.setdefault(b, []).append((a, bits))

    def of(self, i: int) -> list[tuple[int, int]]:
        """(partner, flags) of record i's flagged pairs."""
        return self._by_record.get(i, [])

    def between(self, a: int, b: int) -> int:
        """The flags of the pair (a, b), in either order (0 if not flagged)."""
        return next((bits for partner, bits in self.of(a) if partner == b), 0)
