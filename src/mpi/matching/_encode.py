"""Turning columns of strings into integer ids, so equality tests become integer compares."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

MISSING = -1
T = TypeVar("T")
IntArray = TypeVar("IntArray", NDArray[np.int32], NDArray[np.int64])


class Vocabulary:
    """A growing string ↔ id table; several columns may share one (first/second surname)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def encode(self, column: Iterable[str | None]) -> NDArray[np.int32]:
        # dict.setdefault with the running size is the fastest pure-Python factorisation;
        # None is pre-seeded as -1 and left out of `values`.
        table: dict[str | None, int] = {None: MISSING}
        table.update(self.ids)
        base = len(table) - 1
        ids = [table.setdefault(v, len(table) - 1) for v in column]
        new = list(table)[base + 1 :]
        for value in new:
            assert value is not None
            self.ids[value] = table[value]
            self.values.append(value)
        return np.array(ids, dtype=np.int32)

    def id_of(self, value: str) -> int:
        """The id of one value, added when new."""
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found

    def value(self, i: int) -> str | None:
        return None if i < 0 else self.values[i]

    def __len__(self) -> int:
        return len(self.values)


def encode_mapped(
    func: Callable[[str], str | None], ids: NDArray[np.int32], source: Vocabulary, vocab: Vocabulary
) -> NDArray[np.int32]:
    """Ids in `vocab` of func(value) for a column given as ids into `source`, calling `func`
    once per distinct value.

    New values enter `vocab` in the order of their first appearance in the column, so the ids
    are those `vocab.encode([func(v) for v in column])` would give. For a handful of
    values numpy's set-up dominates: callers map those one by one (features._mapped).
    """
    present = ids[ids >= 0]
    order = present[np.sort(first_positions(present))] if len(present) else present
    lookup = np.full(len(source) + 1, MISSING, dtype=np.int32)  # [-1] stays missing
    lookup[order] = vocab.encode(func(source.values[i]) for i in order.tolist())
    return lookup[ids]


def values_of(ids: NDArray[np.int32], vocab: Vocabulary) -> NDArray[np.object_]:
    """The value (None for -1) of every id, as an object array."""
    table = object_array([*vocab.values, None])
    out: NDArray[np.object_] = table[ids]
    return out


def object_array(values: Sequence[str | None]) -> NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


# numpy 2's np.unique hashes integers when it needs no index or inverse, which measured ~90x
# slower than a sort on the batch pipeline's tens of millions of pair codes; these helpers
# sort and give the same results as np.unique.
def unique_ints(values: IntArray) -> IntArray:
    """np.unique(values) for an integer array, by sorting."""
    ordered = np.sort(values)
    return ordered[_starts(ordered)]


def first_positions(values: IntArray) -> NDArray[np.intp]:
    """np.unique(values, return_index=True)[1]: where each distinct value first occurs."""
    order = np.argsort(values, kind="stable")
    return order[_starts(values[order])]


def dense_ranks(values: IntArray) -> NDArray[np.int64]:
    """np.unique(values, return_inverse=True)[1]: each value's rank among distinct values."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.cumsum(_starts(ordered)) - 1
    return ranks


def _starts(ordered: NDArray[Any]) -> NDArray[np.bool_]:
    """Where a new value begins in a sorted array."""
    starts = np.empty(len(ordered), dtype=np.bool_)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return starts
