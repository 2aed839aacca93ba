from __future__ import annotations

import numpy as np

from mpi.matching.em import expectation_maximisation, level_shares, patterns
from mpi.matching.rules import ComparisonSpec, LevelSpec

SPEC = ComparisonSpec(
    name="sex",
    field="sex",
    levels=(
        LevelSpec("null", "null"),
        LevelSpec("exact", "same", m=0.5, u=0.5),
        LevelSpec("else", "different", m=0.5, u=0.5),
    ),
)


def test_patterns_count_distinct_comparison_vectors() -> None:
    p = patterns(np.array([[1, 2], [1, 2], [2, 1]], dtype=np.int8))
    assert p.levels.tolist() == [[1, 2], [2, 1]]
    assert p.counts.tolist() == [2.0, 1.0]


def test_level_shares_ignore_the_null_level_and_never_reach_zero() -> None:
    p = patterns(np.array([[0], [1], [1], [1]], dtype=np.int8))
    (share,) = level_shares((SPEC,), p, p.counts)
    assert share[0] == 0.0
    assert share[1] > 0.8
    assert 0 < share[2] < 0.2


def test_em_separates_two_clean_populations() -> None:
    # Three comparisons; matches agree on all, non-matches on none (counts 300 vs 700).
    specs = (SPEC, SPEC, SPEC)
    levels = np.array([[1, 1, 1]] * 300 + [[2, 2, 2]] * 700, dtype=np.int8)
    p = patterns(levels)
    m = [np.array([0.0, 0.6, 0.4])] * 3
    u = [np.array([0.0, 0.4, 0.6])] * 3
    outcome = expectation_maximisation(specs, p, m, u, 0.5, max_iterations=200, tolerance=1e-6)
    assert outcome.converged
    assert abs(outcome.match_share - 0.3) < 0.01
    assert all(m[1] > 0.99 for m in outcome.m)
