"""Linkage quality against ground truth: pairwise and cluster metrics from contingency counts.

Both truth and prediction are partitions of record keys (record -> person / cluster id).
Every figure is computed from the table of how many records each (true person, predicted
cluster) cell holds, never by listing pairs, so a million records take about a second:
the pairs inside a group of n records number n(n-1)/2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

Counts = np.ndarray[tuple[int], np.dtype[np.int64]]


@dataclass(frozen=True, slots=True)
class Metrics:
    """Pairwise precision, recall and F1 with the counts behind them."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


@dataclass(frozen=True, slots=True)
class ClusterMetrics:
    """B-cubed precision/recall/F1 and counts of exact, split and merged groups."""

    bcubed_precision: float
    bcubed_recall: float
    persons: int
    clusters: int
    exact_persons: int  # true persons whose records form exactly one predicted cluster
    split_persons: int  # true persons spread over more than one predicted cluster
    merged_clusters: int  # predicted clusters holding records of more than one true person

    @property
    def bcubed_f1(self) -> float:
        return _f1(self.bcubed_precision, self.bcubed_recall)

    @property
    def exact_share(self) -> float:
        return self.exact_persons / self.persons if self.persons else 1.0


@dataclass(frozen=True, slots=True)
class Contingency:
    """Record counts per (true person, predicted cluster) cell, with labels as integers."""

    cell_person: Counts  # person index of each non-empty cell
    cell_cluster: Counts  # cluster index of each non-empty cell
    cell_size: Counts
    person_size: Counts
    cluster_size: Counts
    person_labels: tuple[str, ...]
    cluster_labels: tuple[str, ...]

    def split_persons(self, limit: int) -> tuple[str, ...]:
        """Up to `limit` true persons spread over several clusters, in label order."""
        counts = np.bincount(self.cell_person, minlength=len(self.person_size))
        return _labels(self.person_labels, np.flatnonzero(counts > 1), limit)

    def merged_clusters(self, limit: int) -> tuple[str, ...]:
        """Up to `limit` predicted clusters holding several true persons, in label order."""
        counts = np.bincount(self.cell_cluster, minlength=len(self.cluster_size))
        return _labels(self.cluster_labels, np.flatnonzero(counts > 1), limit)


def _labels(labels: tuple[str, ...], indices: np.ndarray, limit: int) -> tuple[str, ...]:
    return tuple(sorted(labels[i] for i in indices.tolist())[:limit])


def contingency(truth: Mapping[str, str], predicted: Mapping[str, str]) -> Contingency:
    """The contingency table over the records present in both mappings."""
    persons: dict[str, int] = {}
    clusters_seen: dict[str, int] = {}
    person_codes: list[int] = []
    cluster_codes: list[int] = []
    # One pass with plain dict operations: at a million records the work is memory-bound.
    for key, person_label in truth.items():
        cluster_label = predicted.get(key)
        if cluster_label is None:
            continue
        person_codes.append(persons.setdefault(person_label, len(persons)))
        cluster_codes.append(clusters_seen.setdefault(cluster_label, len(clusters_seen)))
    person = np.array(person_codes, dtype=np.int64)
    cluster = np.array(cluster_codes, dtype=np.int64)
    person_labels = tuple(persons)
    clusters = len(clusters_seen)
    cells, cell_size = np.unique(person * max(clusters, 1) + cluster, return_counts=True)
    return Contingency(
        cell_person=cells // max(clusters, 1),
        cell_cluster=cells % max(clusters, 1),
        cell_size=cell_size.astype(np.int64),
        person_size=np.bincount(person, minlength=len(person_labels)).astype(np.int64),
        cluster_size=np.bincount(cluster, minlength=clusters).astype(np.int64),
        person_labels=person_labels,
        cluster_labels=tuple(clusters_seen),
    )


def pairwise(table: Contingency) -> Metrics:
    """Pairwise metrics: a pair is predicted when its records share a cluster."""
    both = _pairs(table.cell_size)
    return Metrics(
        true_positives=both,
        false_positives=_pairs(table.cluster_size) - both,
        false_negatives=_pairs(table.person_size) - both,
    )


def cluster_metrics(table: Contingency) -> ClusterMetrics:
    """B-cubed scores (averaged over records) and group counts."""
    records = int(table.cell_size.sum())
    weight = table.cell_size.astype(np.float64) ** 2
    precision = _mean_share(weight, table.cluster_size[table.cell_cluster], records)
    recall = _mean_share(weight, table.person_size[table.cell_person], records)
    cells_per_person = np.bincount(table.cell_person, minlength=len(table.person_size))
    cells_per_cluster = np.bincount(table.cell_cluster, minlength=len(table.cluster_size))
    whole = table.cell_size == table.person_size[table.cell_person]
    exact = whole & (table.cell_size == table.cluster_size[table.cell_cluster])
    return ClusterMetrics(
        bcubed_precision=precision,
        bcubed_recall=recall,
        persons=len(table.person_size),
        clusters=len(table.cluster_size),
        exact_persons=int(exact.sum()),
        split_persons=int((cells_per_person > 1).sum()),
        merged_clusters=int((cells_per_cluster > 1).sum()),
    )


def pair_metrics(predicted_pairs: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> Metrics:
    """Pairwise metrics of a list of predicted matching pairs (e.g. scored above a threshold).

    Pairs are unordered and counted once; a pair naming a record absent from `truth` counts
    as a false positive. Recall is against every true pair among the records of `truth`.

    Args:
        predicted_pairs: (record key, record key) pairs the matcher calls the same person.
        truth: record key -> true person id.
    """
    seen: set[tuple[str, str]] = set()
    true_positives = 0
    for a, b in predicted_pairs:
        if a == b:
            continue
        pair = (a, b) if a < b else (b, a)
        if pair in seen:
            continue
        seen.add(pair)
        person = truth.get(a)
        if person is not None and person == truth.get(b):
            true_positives += 1
    _, persons = _factorize(truth.values())
    sizes = np.bincount(persons).astype(np.int64)
    return Metrics(
        true_positives=true_positives,
        false_positives=len(seen) - true_positives,
        false_negatives=_pairs(sizes.astype(np.int64)) - true_positives,
    )


def _factorize(labels: Iterable[str]) -> tuple[tuple[str, ...], Counts]:
    """Labels -> (distinct labels in first-seen order, integer code per label)."""
    codes: dict[str, int] = {}
    numbers = [codes.setdefault(label, len(codes)) for label in labels]
    return tuple(codes), np.array(numbers, dtype=np.int64)


def _mean_share(weight: np.ndarray, group_size: Counts, records: int) -> float:
    # Each record of a cell of size c in a group of size g scores c/g; a cell adds c*c/g.
    return float((weight / group_size).sum()) / records if records else 1.0


def _pairs(sizes: Counts) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0
