"""Block keys of many records at once, as the strings the store indexes.

`mpi.matching.blocking_keys.block_keys(f, i)` formats one record's keys and
rebuilds every key part on each call, which is right for one record and far
too slow for a million. This combines each emission's parts into one code per
record once (`combine`, the batch blocking's own grouping), formats each
distinct code once, and works chunk by chunk so memory holds one chunk's
strings at a time. The strings are identical (a test compares them).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

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


def _texts(
    kind: str, parts: list[Part], codes: NDArray[np.int64], rows: NDArray[np.intp]
) -> list[str]:
    # Format each distinct code once (at its first row), then spread by the inverse index.
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    prefix = f"{kind}:"
    firsts = rows[first].tolist()
    if len(parts) == 1:
        text = parts[0].text
        distinct = [prefix + text(row) for row in firsts]
    else:
        distinct = [prefix + "|".join([p.text(row) for p in parts]) for row in firsts]
    return [distinct[i] for i in inverse.tolist()]
