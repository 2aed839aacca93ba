"""Accuracy of one system's output against the generator's truth, the same way for every system.

The metrics are mpi.evaluation's: pair_metrics for the pairs a system scored at or above its
threshold, evaluate() for the pairs implied by its clusters (plus B-cubed) and for the
hard-negative look-alikes (twins, parent/child, ...) that ended up in one cluster.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from _outputs import Pair
from mpi.evaluation import Evaluation, Metrics, evaluate, pair_metrics


@dataclass(frozen=True, slots=True)
class Accuracy:
    pairwise: Metrics | None  # pairs the system scored at or above its threshold
    evaluation: Evaluation  # from its clusters

    @property
    def clustered(self) -> Metrics:
        return self.evaluation.pairwise

    def false_merges(self) -> str:
        return ", ".join(
            f"{r.kind} {r.false_merges}/{r.pairs}" for r in self.evaluation.hard_negatives
        )


def prf(m: Metrics) -> str:
    return f"{m.precision:.4f} / {m.recall:.4f} / {m.f1:.4f}"


def score(
    truth: Mapping[str, str],
    predicted: Mapping[str, str],
    pairs: Iterable[Pair] | None,
    hard_negatives: list[tuple[str, str, str]],
) -> Accuracy:
    return Accuracy(
        pairwise=pair_metrics(pairs, truth) if pairs is not None else None,
        evaluation=evaluate(truth, predicted, hard_negatives),
    )
