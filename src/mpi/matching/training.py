"""train(): re-estimate a rules file from data (u from random pairs, m by EM)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from mpi.domain.records import Record
from mpi.matching.blocking import CandidatePairs, candidate_pairs
from mpi.matching.blocking_keys import KEY_FIELDS
from mpi.matching.comparisons import comparison_vectors
from mpi.matching.em import (
    EmOutcome,
    Patterns,
    expectation_maximisation,
    level_shares,
    match_posterior,
    patterns,
)
from mpi.matching.features import Features, prepare
from mpi.matching.rules import ComparisonSpec, MatchingRules

CHUNK = 1_000_000


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """The trained rules and an honest account of how training went."""

    rules: MatchingRules
    converged: bool  # False when EM stopped at the iteration cap
    iterations: int
    log: tuple[str, ...]
    random_pairs: int
    blocked_pairs: int
    match_share: float  # estimated share of matches among the blocked pairs


def _levels_in_chunks(
    specs: tuple[ComparisonSpec, ...], f: Features, left: NDArray[np.intp], right: NDArray[np.intp]
) -> NDArray[np.int8]:
    parts = [
        comparison_vectors(specs, f, left[s : s + CHUNK], right[s : s + CHUNK])
        for s in range(0, len(left), CHUNK)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, len(specs)), dtype=np.int8)


def estimate_u(
    rules: MatchingRules, f: Features, pairs: int, seed: int
) -> tuple[list[NDArray[np.float64]], int]:
    """u per level from random pairs (nearly all of which are non-matches)."""
    rng = np.random.default_rng(seed)
    left = rng.integers(0, f.n, size=pairs).astype(np.intp)
    right = rng.integers(0, f.n, size=pairs).astype(np.intp)
    keep = left != right
    levels = _levels_in_chunks(rules.comparisons, f, left[keep], right[keep])
    p = patterns(levels)
    return level_shares(rules.comparisons, p, p.counts), int(keep.sum())


def _initial_m(rules: MatchingRules) -> list[NDArray[np.float64]]:
    out = []
    for spec in rules.comparisons:
        m = np.array([0.0] + [level.m or 0.0 for level in spec.levels[1:]])
        out.append(m / m[1:].sum())
    return out


def _with_estimates(
    rules: MatchingRules,
    m: list[NDArray[np.float64]],
    u: Sequence[NDArray[np.float64]],
    prior: float,
) -> MatchingRules:
    comparisons = []
    for c, spec in enumerate(rules.comparisons):
        levels = [spec.levels[0]]
        for k, level in enumerate(spec.levels[1:], start=1):
            if not level.fixed:
                level = replace(level, m=float(m[c][k]), u=float(u[c][k]))
            levels.append(level)
        comparisons.append(replace(spec, levels=tuple(levels)))
    return replace(rules, comparisons=tuple(comparisons), prior=prior)


def _patterns_of(levels: NDArray[np.int8]) -> tuple[Patterns, NDArray[np.intp]]:
    """Distinct comparison vectors with counts, and each pair's pattern."""
    if not len(levels):
        return Patterns(levels, np.zeros(0)), np.zeros(0, dtype=np.intp)
    rows, inverse, counts = np.unique(levels, axis=0, return_inverse=True, return_counts=True)
    return Patterns(rows.astype(np.int8), counts.astype(np.float64)), inverse.ravel()


def _codes(n: int, pairs: CandidatePairs) -> NDArray[np.int64]:
    return pairs.left.astype(np.int64) * n + pairs.right


def _final_u(
    rules: MatchingRules,
    f: Features,
    blocked: CandidatePairs,
    levels: NDArray[np.int8],
    u: list[NDArray[np.float64]],
    outcome: EmOutcome,
    posterior: NDArray[np.float64],
) -> list[NDArray[np.float64]]:
    # Household keys (a comparison group) are shared by relatives, who are the non-matches
    # that matter; random pairs would make their agreement look near-impossible by chance,
    # so their u comes from the blocked non-matches. But a blocking key built on the field
    # itself makes every pair it brings agree on it by construction: those pairs say nothing
    # about how often look-alikes share it, so that u counts only the pairs some key not
    # reading the field also brings together.
    out = []
    for c, spec in enumerate(rules.comparisons):
        if spec.group is None:
            out.append(u[c])
            continue
        keys = rules.blocking.keys
        others = [k for k in keys if spec.field not in KEY_FIELDS[k]]
        if len(others) == len(keys) or not others:
            out.append(outcome.u_blocked[c])
            continue
        found = candidate_pairs(f, others, rules.blocking.max_block_size)
        kept = np.isin(_codes(f.n, blocked), _codes(f.n, found), assume_unique=True)
        shares = level_shares((spec,), Patterns(levels[kept][:, c : c + 1], np.zeros(0)),
                              1.0 - posterior[kept])  # fmt: skip
        out.append(shares[0])
    return out


def train(
    records: Sequence[Record] | Features,
    rules: MatchingRules,
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-4,
    u_pairs: int = 2_000_000,
    seed: int = 0,
) -> TrainingResult:
    """Estimate u from random pairs and m (and the prior) by EM over blocked pairs.

    Args:
        records: the data to learn from (or its prepared features).
        rules: the starting rules: comparisons, levels, blocking, thresholds are kept;
            m/u of levels marked `fixed` are kept too.
        max_iterations: EM iteration cap; `converged` says whether EM stopped before it.
        tolerance: EM stops when no m moves by more than this.
        u_pairs: how many random pairs to draw for u.
        seed: seed of the random pair sample.
    """
    f = records if isinstance(records, Features) else prepare(records)
    if f.n < 2:
        raise ValueError("training needs at least two records")
    u, drawn = estimate_u(rules, f, u_pairs, seed)
    blocked = candidate_pairs(f, rules.blocking.keys, rules.blocking.max_block_size)
    levels = _levels_in_chunks(rules.comparisons, f, blocked.left, blocked.right)
    p, pattern_of = _patterns_of(levels)
    outcome = expectation_maximisation(
        rules.comparisons, p, _initial_m(rules), u, 0.1,
        max_iterations=max_iterations, tolerance=tolerance,
    )  # fmt: skip
    all_pairs = f.n * (f.n - 1) / 2
    prior = float(np.clip(outcome.match_share * len(blocked) / all_pairs, 1e-12, 0.5))
    final_u = _final_u(rules, f, blocked, levels, u, outcome, match_posterior(
        p, outcome.m, outcome.u_blocked, outcome.match_share)[pattern_of])  # fmt: skip
    return TrainingResult(
        rules=_with_estimates(rules, outcome.m, final_u, prior),
        converged=outcome.converged,
        iterations=outcome.iterations,
        log=outcome.log,
        random_pairs=drawn,
        blocked_pairs=len(blocked),
        match_share=outcome.match_share,
    )
