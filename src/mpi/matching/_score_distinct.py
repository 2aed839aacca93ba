"""Name comparisons evaluated once per distinct pair of values, not once per pair of records.

Names repeat: among the 5.4M candidate pairs of a million records only ~2.5% of the
(given name, given name) pairs and ~1.5-3% of the surname pairs are distinct, and their
levels (string similarity, token containment, nicknames) are the costly ones. A level whose
tests read only the compared value is a function of the two values, so each distinct
ordered pair of values is evaluated once and its level spread to the pairs holding it.
Levels that also read another field (crossed surnames) are tested per pair, on the pairs
no earlier level claims, exactly where the per-pair path would test them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from mpi.matching import levels as lv
from mpi.matching._level_tests import TESTS
from mpi.matching.comparisons import comparison_levels
from mpi.matching.features import Features
from mpi.matching.rules import ComparisonSpec

Index = NDArray[np.intp]
# Below this many pairs (a registration's candidates) finding the distinct value pairs costs
# more than it saves; the per-pair path gives the same levels.
_FEW_PAIRS = 5_000

# Level kinds whose tests read only the compared field's own value (its text, phonetic key
# and given-name tokens all derive from that value), per field family.
_OWN_VALUE: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "given_names": frozenset(
            {lv.NULL, lv.ELSE, "exact", "containment", "nickname", "jaro_winkler", "phonetic"}
        ),
        "surname": frozenset(
            {lv.NULL, lv.ELSE, "exact", "jaro_winkler", "phonetic", "one_missing"}
        ),
    }
)
# Kinds that also read another field: cheap integer tests, evaluated per pair.
_PER_PAIR = frozenset({("given_names", "surname_swapped"), ("surname", "swapped")})


@dataclass(frozen=True, slots=True)
class Plan:
    """How one comparison is evaluated: `own` per distinct value pair, `per_pair` per pair."""

    own: ComparisonSpec  # the comparison without its per-pair levels
    positions: NDArray[np.int8]  # level index in `own` -> level index in the comparison
    per_pair: tuple[int, ...]  # indices of the levels tested per pair, ascending


def plan(spec: ComparisonSpec) -> Plan | None:
    """The split of `spec`'s levels, or None when it is evaluated per pair throughout
    (a family whose values rarely repeat, or a level kind this module does not know)."""
    family = lv.FIELD_FAMILY[spec.field]
    own = _OWN_VALUE.get(family)
    if own is None:
        return None
    kept: list[int] = []
    per_pair: list[int] = []
    for k, level in enumerate(spec.levels):
        if level.kind in own:
            kept.append(k)
        elif (family, level.kind) in _PER_PAIR:
            per_pair.append(k)
        else:
            return None
    own_spec = replace(spec, levels=tuple(spec.levels[k] for k in kept))
    return Plan(own_spec, np.array(kept, dtype=np.int8), tuple(per_pair))


@dataclass(frozen=True, slots=True)
class _Distinct:
    first: Index  # one pair (position) per distinct (left value, right value)
    inverse: Index  # per pair: its distinct pair's number


def _distinct(ids: NDArray[np.int64], left: Index, right: Index) -> _Distinct:
    # Ordered pairs of values: the per-pair path need not be symmetric for this to hold.
    key = ids[left] * (int(ids.max(initial=0)) + 1) + ids[right]
    order, ordered = _sorted(key)
    starts = np.empty(len(key), dtype=np.bool_)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    inverse = np.empty(len(key), dtype=np.intp)
    inverse[order] = np.cumsum(starts) - 1
    return _Distinct(order[starts], inverse)


def _sorted(key: NDArray[np.int64]) -> tuple[Index, NDArray[np.int64]]:
    # (argsort, sorted keys). Keys and positions packed into one int64 sort ~4x faster than
    # an argsort (the values of a name field need ~25 bits, a chunk's positions 20).
    bits = max(len(key) - 1, 1).bit_length()
    if (int(key.max(initial=0)) + 1) << bits >= 1 << 63:
        order = np.argsort(key)
        return order, key[order]
    packed = np.sort((key << bits) | np.arange(len(key)))
    return (packed & ((1 << bits) - 1)).astype(np.intp), packed >> bits


class Signatures:
    """Per-record value ids (missing = 0) of one Features table, built once per field."""

    def __init__(self, f: Features) -> None:
        self.features = f
        self._built: dict[str, NDArray[np.int64]] = {}

    def of(self, field: str) -> NDArray[np.int64]:
        found = self._built.get(field)
        if found is None:
            found = self._built[field] = self.features.text[field].ids.astype(np.int64) + 1
        return found


def _levels(
    spec: ComparisonSpec, how: Plan, signatures: Signatures, left: Index, right: Index
) -> NDArray[np.int8]:
    f = signatures.features
    d = _distinct(signatures.of(spec.field), left, right)
    found = comparison_levels(how.own, f, left[d.first], right[d.first])
    out = how.positions[found][d.inverse]
    tests = TESTS[lv.FIELD_FAMILY[spec.field]]
    for k in how.per_pair:
        # Pairs whose level comes after k: every earlier level failed, as comparisons'
        # first-match order requires before level k is tested.
        rows = np.flatnonzero(out > k)
        level = spec.levels[k]
        hit = tests[level.kind](f, spec.field, left[rows], right[rows], level)
        out[rows[hit]] = k
    return out


def comparison_vectors(
    specs: tuple[ComparisonSpec, ...], signatures: Signatures, left: Index, right: Index
) -> NDArray[np.int8]:
    """(pairs, comparisons) level indices, as comparisons.comparison_vectors gives them."""
    out = np.empty((len(left), len(specs)), dtype=np.int8)
    for c, spec in enumerate(specs):
        how = plan(spec)
        if how is None or len(left) < _FEW_PAIRS:
            out[:, c] = comparison_levels(spec, signatures.features, left, right)
        else:
            out[:, c] = _levels(spec, how, signatures, left, right)
    return out
