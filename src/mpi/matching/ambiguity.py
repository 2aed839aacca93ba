"""Ambiguous records: links that reach two persons who cannot be one, without a clear winner.

A record without a valid CURP that agrees with two namesakes (same name and birth date,
different CURPs) on everything it records cannot be given to either automatically: a
wrong link joins two people's medical histories. Clustering holds such a record apart and
a steward decides; the online decision (services/decide.py) applies the same margin.

A cluster that the "homoclave" rule keeps the record out of (its keys say a namesake got
their root first) still counts as one of the persons the record may belong to: the record
is not handed to the namesake's cluster because the key holder's was refused, and when the
refused cluster is its best, it is held apart too.

A margin does not make the best cluster clear when the record shares an NSS, phone or
postal code with the rival and none with the best cluster's key holders (its records with
a valid CURP, or any of its records where none has one): the home speaks for the rival.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from mpi.matching._cluster_rules import Side, household_keys, namesake_of_key
from mpi.matching.features import Features


class ClusterView(Protocol):
    """What the test reads of clusters being formed (clustering's agglomeration)."""

    f: Features
    rules: Sequence[str]

    def find(self, i: int) -> int: ...

    def single(self, i: int) -> Side: ...

    def summary(self, root: int) -> Side: ...

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
        if valid[x]:
            continue
        found = _candidates(agglomeration, x, per_cluster)
        joinable = [(w, p, r) for w, p, r, ok in found if ok]
        refused = [p for w, p, r, ok in found if not ok]
        rivals: list[int] = []
        if joinable:
            joinable.sort(key=lambda c: -c[0])
            best_weight, best, best_root = joinable[0]
            rivals = [
                p
                for w, p, r in joinable[1:]
                if (best_weight - w < margin or _home_rival(agglomeration, x, best_root, r))
                and agglomeration.apart(best_root, r)
            ]
            # Refused as a key holder's possible namesake: the record may be either person
            # unless it shares a home with the cluster it would join.
            if refused and not _shares_home(agglomeration, x, best_root):
                rivals += refused
            if rivals:
                out[x] = [best, *rivals]
        elif refused:
            out[x] = refused
    return out


def home_speaks_for_rival(f: Features, x: int, best: Sequence[int], rival: Sequence[int]) -> bool:
    """Whether record `x` shares an NSS, phone or postal code with one of the `rival`
    records and none with the key holders among the `best` records (those with a valid
    CURP, or all of them where none has one): the home speaks for the rival, whatever the
    names score. Asked by clustering and by the online decision (services/candidates.py).
    """
    mine = household_keys(f, x)
    if not mine or not any(household_keys(f, m) & mine for m in rival if m != x):
        return False
    members = [m for m in best if m != x]
    keyed = [m for m in members if f.curp.valid[m]] or members
    return not any(household_keys(f, m) & mine for m in keyed)


def _home_rival(agglomeration: ClusterView, x: int, best: int, rival: int) -> bool:
    summary = agglomeration.summary
    return home_speaks_for_rival(agglomeration.f, x, summary(best).members, summary(rival).members)


def _shares_home(agglomeration: ClusterView, x: int, root: int) -> bool:
    mine = household_keys(agglomeration.f, x)
    members = agglomeration.summary(root).members
    return any(household_keys(agglomeration.f, m) & mine for m in members if m != x)


def _candidates(
    agglomeration: ClusterView, x: int, per_cluster: dict[int, tuple[float, int]]
) -> list[tuple[float, int, int, bool]]:
    # (weight, partner, cluster, joinable) of the clusters x could join, and of those the
    # "homoclave" rule alone may have refused (x may be the key holder's namesake).
    out = []
    for root, (weight, partner) in per_cluster.items():
        if agglomeration.can_join(x, root):
            out.append((weight, partner, root, True))
        elif "homoclave" in agglomeration.rules and namesake_of_key(
            agglomeration.f, agglomeration.single(x), agglomeration.summary(root)
        ):
            out.append((weight, partner, root, False))
    return out
