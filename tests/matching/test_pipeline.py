from __future__ import annotations

import numpy as np
import pytest

from mpi.domain.batch_columns import RecordColumns
from mpi.matching import blocking, features, pipeline, split_clusters
from mpi.matching.pipeline import link_batch
from mpi.matching.rules import MatchingRules
from tests.matching.conftest import Labelled


def _pairs(labels: np.ndarray) -> set[tuple[int, int]]:
    out = set()
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label).tolist()
        out |= {(a, b) for i, a in enumerate(members) for b in members[i + 1 :]}
    return out


def test_link_batch_finds_the_persons_of_a_synthetic_population(
    labelled: Labelled, rules: MatchingRules
) -> None:
    result = link_batch(labelled.records, rules, keep_pairs=True)
    assert len(result.cluster) == len(labelled.records)
    truth, found = _pairs(labelled.labels), _pairs(result.cluster)
    precision = len(truth & found) / len(found)
    recall = len(truth & found) / len(truth)
    assert precision > 0.97 and recall > 0.97
    assert (
        set(result.timings) == set(result.cpu_seconds) == {"prepare", "block", "score", "cluster"}
    )
    assert result.pairs is not None and len(result.pairs.left) == result.candidate_pairs
    assert result.links <= result.candidate_pairs


def test_link_batch_keeps_hard_negative_pairs_apart(
    labelled: Labelled, rules: MatchingRules
) -> None:
    result = link_batch(labelled.records, rules)
    ids = labelled.population.person_ids
    clusters: dict[str, set[int]] = {}
    for person, cluster in zip(labelled.labels.tolist(), result.cluster.tolist(), strict=True):
        clusters.setdefault(ids[person], set()).add(cluster)
    twins = [(a, b) for a, b, kind in labelled.population.hard_negatives if kind == "twin"]
    assert twins
    assert all(not clusters[a] & clusters[b] for a, b in twins)


def test_two_processes_give_the_same_clusters_and_weights_as_one(
    labelled: Labelled, rules: MatchingRules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The thresholds keep small batches serial; lowered, this batch takes the forked paths.
    monkeypatch.setenv("MPI_WORKERS", "1")
    serial = link_batch(labelled.records, rules, keep_pairs=True)
    monkeypatch.setenv("MPI_WORKERS", "2")
    monkeypatch.setattr(features, "PARALLEL_RECORDS", 10)
    monkeypatch.setattr(blocking, "PARALLEL_RECORDS", 10)
    monkeypatch.setattr(pipeline, "PARALLEL_PAIRS", 10)
    monkeypatch.setattr(split_clusters, "PARALLEL_LINKS", 10)
    parallel = link_batch(labelled.records, rules, keep_pairs=True)
    assert serial.pairs is not None and parallel.pairs is not None
    assert np.array_equal(serial.cluster, parallel.cluster)
    assert np.array_equal(serial.pairs.left, parallel.pairs.left)
    assert np.array_equal(serial.pairs.match_weight, parallel.pairs.match_weight)
    assert serial.keys == parallel.keys


def test_columns_link_into_the_clusters_of_the_records_they_hold(
    labelled: Labelled, rules: MatchingRules
) -> None:
    by_records = link_batch(labelled.records, rules, keep_pairs=True)
    by_columns = link_batch(RecordColumns.of(labelled.records), rules, keep_pairs=True)
    assert by_columns.keys == by_records.keys
    assert by_columns.cluster.tolist() == by_records.cluster.tolist()
    assert by_columns.pairs is not None and by_records.pairs is not None
    assert by_columns.pairs.match_weight.tolist() == by_records.pairs.match_weight.tolist()
