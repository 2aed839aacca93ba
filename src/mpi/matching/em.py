"""Estimating m and u: u from random pairs, m by expectation-maximisation over blocked pairs.

EM works on distinct comparison vectors with their counts, so an iteration costs
O(distinct patterns), not O(pairs). Within the blocked pairs the non-matches are not random
pairs (they share a key), so EM fits their level distribution too (u_blocked); the u written
to the rules is the one measured on random pairs, as Splink does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mpi.matching.rules import ComparisonSpec

# Additive smoothing: a level never seen still gets a small, loadable probability.
SMOOTHING = 0.5
FLOOR = 1e-7


@dataclass(frozen=True, slots=True)
class Patterns:
    """Distinct comparison vectors (rows of level indices) and how often each occurs."""

    levels: NDArray[np.int8]  # (q, comparisons)
    counts: NDArray[np.float64]  # (q,)


def patterns(levels: NDArray[np.int8]) -> Patterns:
    if not len(levels):
        return Patterns(levels, np.zeros(0))
    rows, counts = np.unique(levels, axis=0, return_counts=True)
    return Patterns(rows.astype(np.int8), counts.astype(np.float64))


def level_shares(
    specs: tuple[ComparisonSpec, ...], p: Patterns, weight: NDArray[np.float64]
) -> list[NDArray[np.float64]]:
    """Per comparison, the weighted share of each level among pairs not at the null level."""
    out = []
    for c, spec in enumerate(specs):
        counted = np.bincount(p.levels[:, c], weights=weight, minlength=len(spec.levels))
        totals: NDArray[np.float64] = counted.astype(np.float64)
        totals[0] = 0.0  # the null level carries no m or u
        totals[1:] += SMOOTHING
        share = totals / totals[1:].sum()
        share[1:] = np.clip(share[1:], FLOOR, 1.0)
        out.append(share)
    return out


def log_bayes_factors(
    p: Patterns, m: list[NDArray[np.float64]], u: list[NDArray[np.float64]]
) -> NDArray[np.float64]:
    total = np.zeros(len(p.counts))
    for c in range(p.levels.shape[1]):
        ratio = np.log2(np.where(np.arange(len(m[c])) == 0, 1.0, m[c] / np.maximum(u[c], FLOOR)))
        total += ratio[p.levels[:, c]]
    return total


@dataclass(frozen=True, slots=True)
class EmOutcome:
    m: list[NDArray[np.float64]]
    u_blocked: list[NDArray[np.float64]]
    match_share: float  # λ among the blocked pairs
    converged: bool
    iterations: int
    log: tuple[str, ...]


def expectation_maximisation(
    specs: tuple[ComparisonSpec, ...],
    p: Patterns,
    m: list[NDArray[np.float64]],
    u: list[NDArray[np.float64]],
    match_share: float,
    *,
    max_iterations: int,
    tolerance: float,
) -> EmOutcome:
    """Iterate E and M steps until no m moves by more than `tolerance`, or the cap."""
    log: list[str] = []
    for iteration in range(1, max_iterations + 1):
        posterior = match_posterior(p, m, u, match_share)
        new_m = level_shares(specs, p, p.counts * posterior)
        u = level_shares(specs, p, p.counts * (1.0 - posterior))
        match_share = float(np.clip((p.counts * posterior).sum() / p.counts.sum(), 1e-9, 1 - 1e-9))
        change = _largest_change(new_m, m)
        m = new_m
        log.append(f"iteration {iteration}: largest change in m {change:.2e}, λ {match_share:.4g}")
        if change < tolerance:
            return EmOutcome(m, u, match_share, True, iteration, tuple(log))
    return EmOutcome(m, u, match_share, False, max_iterations, tuple(log))


def match_posterior(
    p: Patterns, m: list[NDArray[np.float64]], u: list[NDArray[np.float64]], match_share: float
) -> NDArray[np.float64]:
    """Per pattern, the probability that a pair with it is a match."""
    prior = np.log2(match_share / (1.0 - match_share))
    weight = np.clip(prior + log_bayes_factors(p, m, u), -500.0, 500.0)
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp2(-weight))
    return out


def _largest_change(new: list[NDArray[np.float64]], old: list[NDArray[np.float64]]) -> float:
    return max(float(np.abs(a[1:] - b[1:]).max(initial=0.0)) for a, b in zip(new, old, strict=True))
