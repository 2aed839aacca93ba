"""Evaluating a comparison on many pairs at once: the first level whose test holds wins."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mpi.matching import levels as lv
from mpi.matching._level_tests import TESTS, Index, jaro_winkler_scores
from mpi.matching.features import Features
from mpi.matching.rules import ComparisonSpec


def missing(f: Features, field: str) -> NDArray[np.bool_]:
    """Per record: nothing to compare on `field` (absent, placeholder, unusable)."""
    if field == "curp":
        return f.curp.column.ids < 0
    if field == "birth_date":
        return f.birth_date < 0
    return f.text[field].ids < 0


def _null(spec: ComparisonSpec, f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    gone = missing(f, spec.field)
    # With a one_missing level, one-sided absence is evidence; only both-missing is null.
    if spec.has_kind("one_missing"):
        return gone[left] & gone[right]
    return gone[left] | gone[right]


def comparison_levels(
    spec: ComparisonSpec, f: Features, left: Index, right: Index
) -> NDArray[np.int8]:
    """The level index (into spec.levels) each pair (left[k], right[k]) falls in."""
    out = np.full(len(left), len(spec.levels) - 1, dtype=np.int8)
    pending = np.arange(len(left))
    tests = TESTS[lv.FIELD_FAMILY[spec.field]]
    similarity: NDArray[np.float64] | None = None  # Jaro-Winkler, shared by its bands
    for k, level in enumerate(spec.levels[:-1]):
        if not len(pending):
            break
        a, b = left[pending], right[pending]
        if level.kind == lv.NULL:
            hit = _null(spec, f, a, b)
        elif level.kind == "jaro_winkler":
            if similarity is None:
                similarity = np.full(len(left), np.nan)
                similarity[pending] = jaro_winkler_scores(f, spec.field, a, b)
            hit = similarity[pending] >= (level.threshold or 1.0)
        else:
            hit = tests[level.kind](f, spec.field, a, b, level)
        out[pending[hit]] = k
        pending = pending[~hit]
    return out


def comparison_vectors(
    specs: tuple[ComparisonSpec, ...], f: Features, left: Index, right: Index
) -> NDArray[np.int8]:
    """(pairs, comparisons) matrix of level indices."""
    out = np.empty((len(left), len(specs)), dtype=np.int8)
    for c, spec in enumerate(specs):
        out[:, c] = comparison_levels(spec, f, left, right)
    return out
