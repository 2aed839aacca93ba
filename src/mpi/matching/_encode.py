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
        self.values: list[str] = []
        # Value -> id, built when first asked for: a batch's columns of CURPs or phones hold
        # hundreds of thousands of values that only ever go from id to value.
        self._ids: dict[str, int] | None = {}

    @property
    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = dict(zip(self.values, range(len(self.values)), strict=True))
        return self._ids

    @classmethod
    def of_distinct(cls, values: list[str]) -> Vocabulary:
        """The vocabulary that encoding `values`, all distinct, gives (ids 0, 1, ...)."""
        vocab = cls()
        vocab.values, vocab._ids = values, None
        return vocab

    def encode(self, column: Iterable[str | None]) -> NDArray[np.int32]:
        values = column if isinstance(column, list) else list(column)
        n, known = len(values), len(self.values)
        table: dict[str | None, int] = {None: MISSING}
        if known:
            table.update(self.ids)
        # One C-level pass: a known value gives its id, a new one the position (offset by
        # `known`) where it first appears; those positions become ids in that order.
        seen = np.fromiter(
            map(table.setdefault, values, range(known, known + n)), dtype=np.int64, count=n
        )
        later = np.flatnonzero(seen >= known)
        if len(later):
            first = np.zeros(n, dtype=np.int64)
            first[seen[later] - known] = 1
            seen[later] = np.cumsum(first)[seen[later] - known] + (known - 1)
        added: list[str] = list(table)[known + 1 :]  # type: ignore[assignment]
        self.values.extend(added)
        if not known:
            self._ids = None  # built from the values if asked for
        else:  # table.update(self.ids) built it
            self.ids.update(zip(added, range(known, known + len(added)), strict=True))
        return seen.astype(np.int32)

    def id_of(self, value: str) -> int:
        """The id of one value, added when new."""
        ids = self.ids
        found = ids.get(value)
        if found is None:
            found = ids[value] = len(self.values)
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
    order = _in_order_of_appearance(ids[ids >= 0])
    lookup = np.full(len(source) + 1, MISSING, dtype=np.int32)  # [-1] stays missing
    lookup[order] = vocab.encode(func(source.values[i]) for i in order.tolist())
    return lookup[ids]


def _in_order_of_appearance(ids: NDArray[np.int32]) -> NDArray[np.int32]:
    """The distinct values of `ids` (none negative) in order of first appearance."""
    if not len(ids):
        return ids
    top = np.maximum.accumulate(ids)
    if ids[0] == 0 and bool((np.diff(top) <= 1).all()):
        # Numbered as they first appear (a column encoded in a vocabulary of its own): each
        # new value is the largest so far plus one, so they appear as 0, 1, 2, ... No sort.
        return np.arange(int(top[-1]) + 1, dtype=ids.dtype)
    return ids[np.sort(first_positions(ids))]


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
