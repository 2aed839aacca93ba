"""A full evaluation of predicted clusters against ground truth, hard negatives included."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from mpi.domain.records import Record
from mpi.evaluation.evidence import against_evidence, record_evidence
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
    # Of the false merges, those whose merged cluster holds evidence of two people
    # (evaluation/evidence.py); None when the records were not given. The rest were made
    # on absent evidence.
    against_evidence: int | None = None


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
    records: Iterable[Record] | None = None,
) -> Evaluation:
    """Compare predicted clusters with the truth over the records both know.

    Args:
        truth: record key -> true person id.
        predicted: record key -> predicted cluster (person) id.
        hard_negatives: (person_a, person_b, kind) pairs of true persons that must stay apart.
        records: the linked records; when given, each kind's false merges are split into
            those against evidence in the batch and those on absent evidence.
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
        hard_negatives=_with_evidence(
            hard_negative_merges(table, hard_negatives, limit=None), truth, predicted, records
        ),
    )


def _with_evidence(
    results: tuple[HardNegativeResult, ...],
    truth: Mapping[str, str],
    predicted: Mapping[str, str],
    records: Iterable[Record] | None,
) -> tuple[HardNegativeResult, ...]:
    # hard_negative_merges kept every merged pair (limit=None): count, then cut the examples.
    evidence = record_evidence(records) if records is not None else None
    return tuple(
        replace(
            r,
            examples=r.examples[:EXAMPLES],
            against_evidence=(
                against_evidence(truth, predicted, r.examples, evidence)
                if evidence is not None
                else None
            ),
        )
        for r in results
    )


def hard_negative_merges(
    table: Contingency, pairs: Iterable[tuple[str, str, str]], limit: int | None = EXAMPLES
) -> tuple[HardNegativeResult, ...]:
    """Per kind, the hard-negative person pairs that share at least one predicted cluster
    (examples: the first `limit` of them, all for None)."""
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
        HardNegativeResult(kind, totals[kind], len(merged[kind]), tuple(merged[kind][:limit]))
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
