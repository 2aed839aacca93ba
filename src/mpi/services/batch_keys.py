"""Block keys of many records at once, as the strings the store indexes.

`mpi.matching.blocking_keys.block_keys(f, i)` formats one record's keys key by
key, which is right for one record and far too slow for a million. This
combines each emission's parts into one code per record once (`combine`, the
batch blocking's own grouping), formats each distinct code once, and works
chunk by chunk so memory holds one chunk's strings at a time. The strings are
identical (a test compares them).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import compress

import numpy as np
from numpy.typing import NDArray

from mpi.domain.stored_records import BlockKeyRuns
from mpi.matching.blocking_keys import Part, combine, emissions
from mpi.matching.features import Features


class BlockKeyTable:
    """Block key strings of the records of `f`, computed for any range of rows."""

    def __init__(self, f: Features, kinds: Sequence[str]) -> None:
        self._emissions: list[tuple[str, list[Part], NDArray[np.int64]]] = [
            (kind, parts, combine(parts)) for kind in kinds for parts in emissions(f, kind)
        ]

    def keys(self, start: int, stop: int) -> list[tuple[str, ...]]:
        """The block keys of rows start..stop-1, in `block_keys` order, without duplicates."""
        rows: list[list[str]] = [[] for _ in range(stop - start)]
        for kind, parts, codes in self._emissions:
            chunk = codes[start:stop]
            local = np.flatnonzero(chunk >= 0)
            texts = _texts(kind, parts, chunk[local], local + start)
            for i, key in zip(local.tolist(), texts, strict=True):
                rows[i].append(key)
        return [tuple(dict.fromkeys(row)) if len(row) > 1 else tuple(row) for row in rows]

    def runs(self, start: int, stop: int) -> BlockKeyRuns:
        """The block keys of rows start..stop-1 in columns, for a bulk load.

        The same keys as `keys`, built with one string per distinct key and numpy for
        the rest: no per-record or per-key Python work.
        """
        texts: list[str] = []
        rows, text_ids = [], []
        for kind, parts, codes in self._emissions:
            chunk = codes[start:stop]
            local = np.flatnonzero(chunk >= 0)
            distinct, inverse = _distinct_texts(kind, parts, chunk[local], local + start)
            rows.append(local)
            text_ids.append(inverse + len(texts))
            texts += distinct
        if not texts:
            return BlockKeyRuns([], [0] * (stop - start + 1), [])
        keys, ranks = _ranked(texts)
        width = max(len(keys), 1)
        pairs = np.sort(np.concatenate(rows) * width + ranks[np.concatenate(text_ids)])
        # A record whose two emissions of one kind give the same text holds it once.
        keep = np.ones(len(pairs), dtype=bool)
        keep[1:] = pairs[1:] != pairs[:-1]
        pairs = pairs[keep]
        counts = np.bincount(pairs // width, minlength=stop - start)
        starts = np.concatenate(([0], np.cumsum(counts)))
        return BlockKeyRuns(keys, starts.tolist(), (pairs % width).tolist())


def _ranked(texts: list[str]) -> tuple[list[str], NDArray[np.int64]]:
    """The distinct texts in order, and each text's index among them.

    One sort of indexes and C-level scans (map, compress) instead of a set, a
    second sort and a dict: half the time on a chunk's ~250k key texts.
    """
    n = len(texts)
    order = sorted(range(n), key=texts.__getitem__)
    ordered = list(map(texts.__getitem__, order))
    new = np.ones(n, dtype=bool)
    new[1:] = np.fromiter(map(operator.ne, ordered[1:], ordered), dtype=bool, count=n - 1)
    ranks = np.empty(n, dtype=np.int64)
    ranks[np.asarray(order, dtype=np.intp)] = np.cumsum(new) - 1
    return list(compress(ordered, new.tolist())), ranks


def _distinct_texts(
    kind: str, parts: list[Part], codes: NDArray[np.int64], rows: NDArray[np.intp]
) -> tuple[list[str], NDArray[np.intp]]:
    """Each distinct code's text (formatted at its first row) and each row's index into them."""
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    prefix = f"{kind}:"
    firsts = rows[first].tolist()
    # One map per part, then C-level joins: no Python frame per key beyond the part's own.
    columns = [map(part.text, firsts) for part in parts]
    joined = columns[0] if len(parts) == 1 else map("|".join, zip(*columns, strict=True))
    return list(map(prefix.__add__, joined)), inverse


def _texts(
    kind: str, parts: list[Part], codes: NDArray[np.int64], rows: NDArray[np.intp]
) -> list[str]:
    distinct, inverse = _distinct_texts(kind, parts, codes, rows)
    return [distinct[i] for i in inverse.tolist()]
