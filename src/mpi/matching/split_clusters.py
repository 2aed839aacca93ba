"""Clustering on two processes: the link graph's components are independent of each other.

Every decision of clustering.cluster_links (which components are dirty, the greedy
agglomeration, the ambiguity test) reads one connected component of the link graph at a
time. So the components are split into two interleaved groups, each group is
clustered in its own process, and the results are joined. Clusters are then numbered by
their first record, which makes the numbering independent of the split (and of the number
of processes); the partition itself is cluster_links'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from mpi._fork import forked_map
from mpi.matching.clustering import Clusters, cluster_links, connected_components
from mpi.matching.features import Features
from mpi.matching.hard_negatives import HARD_NEGATIVE_RULES

PARALLEL_LINKS = 200_000  # below this a fork costs more than the second core saves


def cluster_links_split(
    f: Features,
    left: NDArray[np.intp],
    right: NDArray[np.intp],
    match_weight: NDArray[np.float64],
    not_same: Iterable[tuple[int, int]] = (),
    rules: Sequence[str] = HARD_NEGATIVE_RULES,
    ambiguity_margin: float | None = None,
) -> Clusters:
    """cluster_links (same arguments, same partition), on two processes for many links.

    Cluster ids are numbered in the order of each cluster's smallest record index.
    """
    constraints = list(not_same)
    if len(left) < PARALLEL_LINKS:
        one = cluster_links(f, left, right, match_weight, constraints, rules, ambiguity_margin)
        return _joined(f.n, [one], [np.ones(f.n, dtype=np.bool_)])
    components = connected_components(f.n, left, right)
    # Every other component with links goes to the second group: files are often ordered
    # (look-alikes appended last), and interleaving spreads every kind over both groups.
    linked = np.flatnonzero(np.bincount(components[left], minlength=f.n))
    second = np.zeros(f.n, dtype=np.bool_)
    second[linked[1::2]] = True
    in_second = second[components[left]]
    owner = second[components]

    def cluster_group(is_second: bool) -> Clusters:
        mine = np.flatnonzero(in_second == is_second)  # positions: cheaper to select by
        # The group's own links make its components; every other record is alone in it.
        alone = np.arange(f.n, dtype=np.int64)
        own = np.where(owner == is_second, components, alone)
        return cluster_links(
            f,
            left[mine],
            right[mine],
            match_weight[mine],
            constraints,
            rules,
            ambiguity_margin,
            components=own,
        )

    results = forked_map(cluster_group, [False, True])
    return _joined(f.n, results, [~owner, owner])


def _joined(n: int, parts: list[Clusters], owned: list[NDArray[np.bool_]]) -> Clusters:
    # Each part labels every record; a record takes its label from the part that owns its
    # component (records without links are alone in every part).
    labels = np.zeros(n, dtype=np.int64)
    offset = 0
    for part, mine in zip(parts, owned, strict=True):
        labels[mine] = part.labels[mine] + offset
        offset += part.count
    review = sorted(
        (pair for part in parts for pair in part.review_pairs), key=lambda pair: pair[0]
    )
    return Clusters(
        _by_first_record(labels),
        sum(p.links_applied for p in parts),
        sum(p.refused_hard_negative for p in parts),
        sum(p.refused_constraint for p in parts),
        tuple(sorted(x for p in parts for x in p.ambiguous)),
        tuple(review),
    )


def _by_first_record(labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """The same partition, clusters numbered 0, 1, ... by their smallest record index."""
    if not len(labels):
        return labels
    first = np.full(int(labels.max()) + 1, len(labels), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(labels), dtype=np.int64))
    used = np.flatnonzero(first < len(labels))
    # First records are distinct record indices: their order is a running count over
    # the records that are some cluster's first, not a sort.
    is_first = np.zeros(len(labels), dtype=np.bool_)
    is_first[first[used]] = True
    rank = np.full(len(first), -1, dtype=np.int64)
    rank[used] = (np.cumsum(is_first) - 1)[first[used]]
    return rank[labels]
