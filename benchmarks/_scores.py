"""Accuracy of one system's output against the generator's truth, the same way for every system."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from _outputs import Pair


@dataclass(frozen=True, slots=True)
class Prf:
    """Precision, recall and F1 of a set of predicted same-person pairs."""

    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        total = self.predicted + self.actual
        return 2 * self.true_positives / total if total else 1.0

    def __str__(self) -> str:
        return f"{self.precision:.4f} / {self.recall:.4f} / {self.f1:.4f}"


@dataclass(frozen=True, slots=True)
class Accuracy:
    pairwise: Prf | None
    clustered: Prf
    false_merges: dict[str, int] = field(default_factory=dict)
    hard_negatives: dict[str, int] = field(default_factory=dict)


def _pairs_within(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def clustered_prf(truth: Mapping[str, str], predicted: Mapping[str, str]) -> Prf:
    """Pairs implied by the clusters vs pairs implied by the truth, counted without listing
    them: a cluster of a million records would otherwise mean 5e11 pairs."""
    cells = Counter((predicted[k], person) for k, person in truth.items() if k in predicted)
    return Prf(
        true_positives=_pairs_within(cells.values()),
        predicted=_pairs_within(Counter(predicted.values()).values()),
        actual=_pairs_within(Counter(truth.values()).values()),
    )


def pairwise_prf(truth: Mapping[str, str], pairs: Iterable[Pair]) -> Prf:
    unique = set(pairs)
    hits = sum(1 for a, b in unique if truth.get(a, a) == truth.get(b, b))
    actual = _pairs_within(Counter(truth.values()).values())
    return Prf(true_positives=hits, predicted=len(unique), actual=actual)


def false_merges(
    truth: Mapping[str, str],
    predicted: Mapping[str, str],
    hard_negatives: Iterable[tuple[str, str, str]],
) -> dict[str, int]:
    """Hard-negative pairs of persons (twins, parent/child, ...) that share a predicted cluster."""
    clusters_of: dict[str, set[str]] = defaultdict(set)
    for key, person in truth.items():
        if key in predicted:
            clusters_of[person].add(predicted[key])
    merged: Counter[str] = Counter()
    for a, b, kind in hard_negatives:
        merged[kind] += 0
        if clusters_of.get(a, set()) & clusters_of.get(b, set()):
            merged[kind] += 1
    return dict(merged)


def score(
    truth: Mapping[str, str],
    predicted: Mapping[str, str],
    pairs: Iterable[Pair] | None,
    hard_negatives: list[tuple[str, str, str]],
) -> Accuracy:
    return Accuracy(
        pairwise=pairwise_prf(truth, pairs) if pairs is not None else None,
        clustered=clustered_prf(truth, predicted),
        false_merges=false_merges(truth, predicted, hard_negatives),
        hard_negatives=dict(Counter(kind for _, _, kind in hard_negatives)),
    )
