"""A full evaluation of predicted clusters against ground truth, hard negatives included."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from mpi.evaluation.metrics import (
    ClusterMetrics,
    Contingency,
    Metrics,
    cluster_metrics,
    contingency,
    pairwise,
)

EXAMPLES = 5  # how many offending keys or pairs a report shows


@dataclass(frozen=True, slots=True)
class HardNegativeResult:
    """For one kind of look-alike pair: how many pairs there were and how many got merged."""

    kind: str
    pairs: int
    false_merges: int
    examples: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything `mpi evaluate` reports."""

    truth_records: int
    predicted_records: int
    compared_records: int
    missing_from_predicted: int
    missing_examples: tuple[str, ...]
    unknown_in_predicted: int
    unknown_examples: tuple[str, ...]
    pairwise: Metrics
    clusters: ClusterMetrics
    split_examples: tuple[str, ...]
    merged_examples: tuple[str, ...]
    hard_negatives: tuple[HardNegativeResult, ...] = field(default=())

    @property
    def hard_negative_false_merges(self) -> int:
        return sum(result.false_merges for result in self.hard_negatives)


def evaluate(
    truth: Mapping[str, str],
    predicted: Mapping[str, str],
    hard_negatives: Iterable[tuple[str, str, str]] = (),
) -> Evaluation:
    """Compare predicted clusters with the truth over the records both know.

    Args:
        truth: record key -> true person id.
        predicted: record key -> predicted cluster (person) id.
        hard_negatives: (person_a, person_b, kind) pairs of true persons that must stay apart.
    """
    table = contingency(truth, predicted)
    compared = int(table.cell_size.sum())
    missing = [key for key in truth if key not in predicted] if compared < len(truth) else []
    unknown = [key for key in predicted if key not in truth] if compared < len(predicted) else []
    return Evaluation(
        truth_records=len(truth),
        predicted_records=len(predicted),
        compared_records=compared,
        missing_from_predicted=len(missing),
        missing_examples=tuple(sorted(missing)[:EXAMPLES]),
        unknown_in_predicted=len(unknown),
        unknown_examples=tuple(sorted(unknown)[:EXAMPLES]),
        pairwise=pairwise(table),
        clusters=cluster_metrics(table),
        split_examples=table.split_persons(EXAMPLES),
        merged_examples=table.merged_clusters(EXAMPLES),
        hard_negatives=hard_negative_merges(table, hard_negatives),
    )


def hard_negative_merges(
    table: Contingency, pairs: Iterable[tuple[str, str, str]]
) -> tuple[HardNegativeResult, ...]:
    """Per kind, the hard-negative person pairs that share at least one predicted cluster."""
    pairs = list(pairs)
    involved = {person for a, b, _ in pairs for person in (a, b)}
    clusters = _clusters_of(table, involved)
    totals: Counter[str] = Counter()
    merged: dict[str, list[tuple[str, str]]] = {}
    for a, b, kind in pairs:
        totals[kind] += 1
        merged.setdefault(kind, [])
        if clusters.get(a, frozenset()) & clusters.get(b, frozenset()):
            merged[kind].append((a, b))
    return tuple(
        HardNegativeResult(kind, totals[kind], len(merged[kind]), tuple(merged[kind][:EXAMPLES]))
        for kind in sorted(totals)
    )


def _clusters_of(table: Contingency, persons: set[str]) -> dict[str, frozenset[int]]:
    wanted = [i for i, label in enumerate(table.person_labels) if label in persons]
    cells = np.flatnonzero(np.isin(table.cell_person, wanted))
    found: dict[str, set[int]] = {}
    for person, cluster in zip(
        table.cell_person[cells].tolist(), table.cell_cluster[cells].tolist(), strict=True
    ):
        found.setdefault(table.person_labels[person], set()).add(cluster)
    return {person: frozenset(clusters) for person, clusters in found.items()}
