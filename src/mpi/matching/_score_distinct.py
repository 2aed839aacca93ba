"""Name comparisons evaluated once per distinct pair of values, not once per pair of records.

Names repeat: among the 5.4M candidate pairs of a million records only ~2.5% of the
(given name, given name) pairs and ~1.5-3% of the surname pairs are distinct, and their
levels (string similarity, token containment, nicknames) are the costly ones. A level is a
function of the values its tests read on both sides, so evaluating each distinct ordered
pair of values once and spreading the result gives the very levels of the per-pair path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from mpi.matching import levels as lv
from mpi.matching._encode import unique_ints
from mpi.matching.comparisons import comparison_levels
from mpi.matching.features import Features
from mpi.matching.rules import ComparisonSpec

Index = NDArray[np.intp]
_OTHER_SURNAME = {"first_surname": "second_surname", "second_surname": "first_surname"}

# Level kinds whose tests read only the compared field's own value (its text, phonetic key
# and given-name tokens are all derived from that value), per field family; kinds missing
# here read other fields (listed in _reads) or are unknown, and keep the per-pair path.
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


def _reads(spec: ComparisonSpec) -> tuple[str, ...] | None:
    """The text fields whose values decide `spec`'s level, or None (per-pair path)."""
    family = lv.FIELD_FAMILY[spec.field]
    own = _OWN_VALUE.get(family)
    if own is None:
        return None
    fields = {spec.field}
    for level in spec.levels:
        if level.kind in own:
            continue
        if family == "given_names" and level.kind == "surname_swapped":
            fields.add("first_surname")
        elif family == "surname" and level.kind == "swapped":
            fields.add(_OTHER_SURNAME[spec.field])
        else:
            return None
    return tuple(sorted(fields))


@dataclass(frozen=True, slots=True)
class _Distinct:
    first: Index  # one pair (position) per distinct (left values, right values)
    inverse: Index  # per pair: its distinct pair's number


def _signature(f: Features, fields: tuple[str, ...]) -> NDArray[np.int64]:
    # One dense int64 per distinct combination of the fields' values (missing included).
    sig = f.text[fields[0]].ids.astype(np.int64) + 1
    for name in fields[1:]:
        ids = f.text[name].ids.astype(np.int64) + 1
        joined = sig * (int(ids.max(initial=0)) + 1) + ids
        sig = np.searchsorted(unique_ints(joined), joined).astype(np.int64)
    return sig


def _distinct(sig: NDArray[np.int64], left: Index, right: Index) -> _Distinct:
    # Ordered pairs of signatures: the per-pair path need not be symmetric for this to hold.
    size = int(sig.max(initial=0)) + 1
    key = sig[left] * size + sig[right]
    order = np.argsort(key)
    ordered = key[order]
    starts = np.empty(len(key), dtype=np.bool_)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    inverse = np.empty(len(key), dtype=np.intp)
    inverse[order] = np.cumsum(starts) - 1
    return _Distinct(order[starts], inverse)


class Signatures:
    """Per-record signatures of one Features table, built once per field combination."""

    def __init__(self, f: Features) -> None:
        self.features = f
        self._built: dict[tuple[str, ...], NDArray[np.int64]] = {}

    def of(self, fields: tuple[str, ...]) -> NDArray[np.int64]:
        found = self._built.get(fields)
        if found is None:
            found = self._built[fields] = _signature(self.features, fields)
        return found


def comparison_vectors(
    specs: tuple[ComparisonSpec, ...], signatures: Signatures, left: Index, right: Index
) -> NDArray[np.int8]:
    """(pairs, comparisons) level indices, as comparisons.comparison_vectors gives them."""
    f = signatures.features
    out = np.empty((len(left), len(specs)), dtype=np.int8)
    shared: dict[tuple[str, ...], _Distinct] = {}  # both surnames read the same two fields
    for c, spec in enumerate(specs):
        fields = _reads(spec)
        if fields is None or not len(left):
            out[:, c] = comparison_levels(spec, f, left, right)
            continue
        d = shared.get(fields)
        if d is None:
            d = shared[fields] = _distinct(signatures.of(fields), left, right)
        out[:, c] = comparison_levels(spec, f, left[d.first], right[d.first])[d.inverse]
    return out
