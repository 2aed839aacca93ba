"""Turning columns of strings into integer ids, so equality tests become integer compares."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

MISSING = -1
T = TypeVar("T")


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


def cached_map(func: Callable[[T], str | None], column: Iterable[T | None]) -> list[str | None]:
    """Apply `func` once per distinct value: names and dates repeat a lot in real data."""
    cache: dict[T, str | None] = {}
    out: list[str | None] = []
    for value in column:
        if value is None:
            out.append(None)
            continue
        if value not in cache:
            cache[value] = func(value)
        out.append(cache[value])
    return out


def object_array(values: Sequence[str | None]) -> NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
