"""Ambiguous records: links that reach two persons who cannot be one, without a clear winner.

A record without a valid CURP that agrees with two namesakes (same name and birth date,
different CURPs) on everything it records cannot be given to either automatically: a
wrong link joins two people's medical histories. Clustering holds such a record apart and
a steward decides; the online decision (services/decide.py) applies the same margin.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray


class ClusterView(Protocol):
    """What the test reads of clusters being formed (clustering's agglomeration)."""

    def find(self, i: int) -> int: ...

    def can_join(self, i: int, root: int) -> bool: ...

    def apart(self, ra: int, rb: int) -> bool: ...


def ambiguous_records(
    agglomeration: ClusterView,
    left: NDArray[np.intp],
    right: NDArray[np.intp],
    weight: NDArray[np.float64],
    valid: NDArray[np.bool_],
    margin: float,
) -> dict[int, list[int]]:
    """Records whose links reach clusters that cannot be one person, without a clear winner.

    Maps each such record to its best partner in each of those clusters, best first.

    Args:
        agglomeration: the clusters formed from the links.
        left, right, weight: the links, strongest first.
        valid: per record, whether its CURP is valid (a valid CURP is judged by the CURP
            rules, not by the margin).
        margin: match-weight bits the best link must win by.
    """
    reach: dict[int, dict[int, tuple[float, int]]] = {}
    for a, b, w in zip(left.tolist(), right.tolist(), weight.tolist(), strict=True):
        for x, partner in ((a, b), (b, a)):
            per_cluster = reach.setdefault(x, {})
            root = agglomeration.find(partner)
            if root not in per_cluster:  # links arrive strongest first
                per_cluster[root] = (w, partner)
    out: dict[int, list[int]] = {}
    for x, per_cluster in reach.items():
        # A valid CURP says whose record it is: the CURP rules judge it, not the margin.
        if len(per_cluster) < 2 or valid[x]:
            continue
        joinable = [(w, p, r) for r, (w, p) in per_cluster.items() if agglomeration.can_join(x, r)]
        if len(joinable) < 2:
            continue
        joinable.sort(key=lambda c: -c[0])
        best_weight, best, best_root = joinable[0]
        rivals = [
            p
            for w, p, r in joinable[1:]
            if best_weight - w < margin and agglomeration.apart(best_root, r)
        ]
        if rivals:
            out[x] = [best, *rivals]
    return out
