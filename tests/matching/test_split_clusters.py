from __future__ import annotations

import numpy as np
import pytest

from mpi.matching import split_clusters
from mpi.matching.blocking import candidate_pairs
from mpi.matching.clustering import cluster_links
from mpi.matching.engine import MatchEngine
from mpi.matching.features import prepare
from mpi.matching.rules import MatchingRules
from mpi.matching.split_clusters import cluster_links_split
from mpi.matching.weights import prob_to_match_weight
from tests.matching.conftest import Labelled


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(i)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_split_clustering_gives_cluster_links_partition_and_counts(
    labelled: Labelled, rules: MatchingRules, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.setenv("MPI_WORKERS", workers)
    monkeypatch.setattr(split_clusters, "PARALLEL_LINKS", 10)
    f = prepare(labelled.records)
    blocked = candidate_pairs(f, rules.blocking.keys, rules.blocking.max_block_size)
    weights = MatchEngine(rules).score_pairs(f, blocked.left, blocked.right).match_weight
    # A lower bar than the rules' own makes more links, so more to refuse and to review.
    link = weights >= prob_to_match_weight(0.5)
    args = (f, blocked.left[link], blocked.right[link], weights[link], [(0, 1)])
    one = cluster_links(*args, rules.hard_negatives, 2.0)
    split = cluster_links_split(*args, rules.hard_negatives, 2.0)
    assert one.refused_hard_negative > 0 and len(set(one.labels.tolist())) < f.n
    assert _partition(split.labels) == _partition(one.labels)
    assert (split.links_applied, split.refused_hard_negative, split.refused_constraint) == (
        one.links_applied,
        one.refused_hard_negative,
        one.refused_constraint,
    )
    assert (split.ambiguous, split.review_pairs) == (one.ambiguous, one.review_pairs)
    firsts = [int(np.flatnonzero(split.labels == c)[0]) for c in range(split.count)]
    assert firsts == sorted(firsts)  # clusters numbered by their first record


def test_numbering_by_first_record_keeps_the_partition() -> None:
    labels = np.array([3, 1, 3, 0, 1, 7], dtype=np.int64)
    assert split_clusters._by_first_record(labels).tolist() == [0, 1, 0, 2, 1, 3]
