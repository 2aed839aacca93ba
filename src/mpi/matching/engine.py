"""MatchEngine: compiled rules that score pairs of records (batch and single-record paths)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mpi.domain.records import Record
from mpi.matching import hard_negatives
from mpi.matching._score_distinct import Signatures, comparison_vectors
from mpi.matching.features import Features, prepare
from mpi.matching.rules import MatchingRules
from mpi.matching.term_frequency import TermFrequencies
from mpi.matching.weights import match_weights_to_probs

Band = Literal["link", "review", "non_match"]
Index = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """Scores of pairs (left[k], right[k]) of one Features table."""

    left: Index
    right: Index
    levels: NDArray[np.int8]  # (pairs, comparisons): level index per comparison
    weights: NDArray[np.float64]  # (pairs, comparisons): level weight incl. TF adjustment
    match_weight: NDArray[np.float64]  # prior weight + row sum of `weights`
    probability: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.left)


@dataclass(frozen=True, slots=True)
class PairScore:
    """One candidate's score against the record being resolved."""

    record_key: str
    match_weight: float
    probability: float
    band: Band
    levels: tuple[int, ...]
    cannot_link: bool  # hard evidence of two different people (hard_negatives.cannot_link)


def _strongest_agreement_only(w: NDArray[np.float64]) -> NDArray[np.float64]:
    # Correlated fields: keep every disagreement, but only the largest agreement weight.
    out = np.minimum(w, 0.0)
    best = np.argmax(w, axis=1)
    rows = np.arange(len(w))
    out[rows, best] = np.maximum(w[rows, best], out[rows, best])
    return out


class MatchEngine:
    """Scores pairs with a MatchingRules specification and optional term frequencies.

    Args:
        rules: the specification (m/u per level, prior, thresholds).
        term_frequencies: name-value counts for the TF adjustment; None disables it.
    """

    def __init__(
        self, rules: MatchingRules, term_frequencies: TermFrequencies | None = None
    ) -> None:
        self.rules = rules
        self.term_frequencies = term_frequencies
        self._tables = [
            np.array([level.weight for level in c.levels], dtype=np.float64)
            for c in rules.comparisons
        ]
        self._tf_cache: tuple[Features, dict[str, NDArray[np.float64]]] | None = None
        self._signatures: Signatures | None = None
        self._adjustment_cache: (
            tuple[dict[str, NDArray[np.float64]], list[tuple[int, int, NDArray[np.float64]]]] | None
        ) = None
        groups: dict[str, list[int]] = {}
        for c, spec in enumerate(rules.comparisons):
            if spec.group is not None:
                groups.setdefault(spec.group, []).append(c)
        self._groups = [np.array(cols) for cols in groups.values() if len(cols) > 1]

    def comparison_levels(self, f: Features, left: Index, right: Index) -> NDArray[np.int8]:
        # One read of the cache, as in _frequencies: other threads may replace it meanwhile.
        signatures = self._signatures
        if signatures is None or signatures.features is not f:
            signatures = self._signatures = Signatures(f)
        return comparison_vectors(self.rules.comparisons, signatures, left, right)

    def score_pairs(self, f: Features, left: Index, right: Index) -> ScoredPairs:
        """Score every pair (left[k], right[k]) of records in `f`, vectorised."""
        left = np.asarray(left, dtype=np.intp)
        right = np.asarray(right, dtype=np.intp)
        levels = self.comparison_levels(f, left, right)
        return self.score_levels(f, left, right, levels)

    def score_levels(
        self, f: Features, left: Index, right: Index, levels: NDArray[np.int8]
    ) -> ScoredPairs:
        weights = np.empty(levels.shape, dtype=np.float64)
        for c, table in enumerate(self._tables):
            weights[:, c] = table[levels[:, c]]
        self._add_term_frequency(f, left, levels, weights)
        for cols in self._groups:
            # Rows with at most one agreement (weight > 0) in the group are left as they are.
            several = np.flatnonzero(np.count_nonzero(weights[:, cols] > 0, axis=1) > 1)
            block = np.ix_(several, cols)
            weights[block] = _strongest_agreement_only(weights[block])
        total = self.rules.prior_weight + weights.sum(axis=1)
        return ScoredPairs(left, right, levels, weights, total, match_weights_to_probs(total))

    def _add_term_frequency(
        self, f: Features, left: Index, levels: NDArray[np.int8], weights: NDArray[np.float64]
    ) -> None:
        if self.term_frequencies is None:
            return
        frequencies = self._frequencies(f)
        for c, k, adjustment in self._adjustments(frequencies):
            field = self.rules.comparisons[c].field
            hit = np.flatnonzero(levels[:, c] == k)
            # Exact agreement: both sides hold the same value, so the left id suffices.
            weights[hit, c] += adjustment[f.text[field].ids[left[hit]]]

    def _adjustments(
        self, frequencies: dict[str, NDArray[np.float64]]
    ) -> list[tuple[int, int, NDArray[np.float64]]]:
        # (comparison, level, TF weight per value id): each value's logarithm taken once,
        # not once per pair holding it; the same elementwise operations, so the same bits.
        cached = self._adjustment_cache
        if cached is not None and cached[0] is frequencies:
            return cached[1]
        floor = self.rules.term_frequency.min_frequency
        table = [
            (c, k, np.log2(level.u / np.maximum(frequencies[spec.field], floor)))
            for c, spec in enumerate(self.rules.comparisons)
            for k, level in enumerate(spec.levels)
            if level.term_frequency and level.u is not None
        ]
        self._adjustment_cache = (frequencies, table)
        return table

    def _frequencies(self, f: Features) -> dict[str, NDArray[np.float64]]:
        # One read of the cache: the API scores on its event loop while registrations score
        # in a worker thread, and another thread may replace the entry between two reads.
        cached = self._tf_cache
        if cached is not None and cached[0] is f:
            return cached[1]
        assert self.term_frequencies is not None
        fields = {
            c.field for c in self.rules.comparisons if any(x.term_frequency for x in c.levels)
        }
        table = {name: self.term_frequencies.frequencies_for(f, name) for name in fields}
        self._tf_cache = (f, table)
        return table

    def tf_adjustment(self, f: Features, i: int, comparison: int, level: int) -> float:
        """The TF part of record i's weight at `level` of `comparison` (0 if none)."""
        spec = self.rules.comparisons[comparison]
        chosen = spec.levels[level]
        if self.term_frequencies is None or not chosen.term_frequency or chosen.u is None:
            return 0.0
        value_id = int(f.text[spec.field].ids[i])
        freq = float(self._frequencies(f)[spec.field][value_id])
        return float(np.log2(chosen.u / max(freq, self.rules.term_frequency.min_frequency)))

    def band(self, probability: float) -> Band:
        """link / review / non_match by the rules' thresholds."""
        t = self.rules.thresholds
        if probability >= t.link:
            return "link"
        if probability >= t.review:
            return "review"
        return "non_match"

    def score_record(self, record: Record, candidates: Sequence[Record]) -> list[PairScore]:
        """Score one record against candidates (the service path), best first.

        Runs the batch code on a table of [record, *candidates], so the numbers are
        identical to `score_pairs` over the same pairs.
        """
        f = prepare([record, *candidates])
        right = np.arange(1, f.n, dtype=np.intp)
        left = np.zeros(len(right), dtype=np.intp)
        scored = self.score_pairs(f, left, right)
        forbidden = self.cannot_link(f, left, right)
        out = [
            PairScore(
                record_key=f.keys[int(j)],
                match_weight=float(scored.match_weight[k]),
                probability=float(scored.probability[k]),
                band=self.band(float(scored.probability[k])),
                levels=tuple(int(x) for x in scored.levels[k]),
                cannot_link=bool(forbidden[k]),
            )
            for k, j in enumerate(right)
        ]
        return sorted(out, key=lambda s: -s.match_weight)

    def cannot_link(self, f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
        """Pairs that hard evidence forbids linking (hard_negatives.cannot_link, with the
        rules the rules file enables)."""
        return hard_negatives.cannot_link(f, left, right, self.rules.hard_negatives)
