"""Block codes of a key kind from its parts' ids, without renumbering after every part.

blocking_keys.key_codes renumbers the codes densely after each part (a stable sort per part);
candidate pairs only need codes that are equal exactly when the keys are, and small enough
that code * records fits in an int64. A mixed-radix code of the parts' ids is both, so it is
renumbered only when it would grow past that bound.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mpi.matching._encode import unique_ints
from mpi.matching.blocking_keys import Part, emissions
from mpi.matching.features import Features

_LIMIT = 1 << 62


def kind_codes(f: Features, kind: str) -> NDArray[np.int64]:
    """(emissions, records) codes of `kind`, -1 = no key, each below 2**62 // records.

    Equal codes mean equal keys, and codes order as blocking_keys.key_codes orders them
    (lexicographically by the parts' ids), so blocks come out in the same order.
    """
    rows = emissions(f, kind)
    code = _column(rows, 0)
    for p in range(1, len(rows[0])):
        ids = _column(rows, p)
        radix = int(ids.max(initial=0)) + 1
        if (int(code.max(initial=0)) + 1) * radix >= _LIMIT:
            code = _dense(code)
        missing = (code < 0) | (ids < 0)
        code = code * radix + ids
        code[missing] = -1
    if (int(code.max(initial=0)) + 1) * max(f.n, 1) >= _LIMIT:
        code = _dense(code)
    return code.reshape(len(rows), f.n)


def _column(rows: list[list[Part]], p: int) -> NDArray[np.int64]:
    # All emissions of a part side by side, so one key value gets one code in every emission.
    return np.concatenate([row[p].ids for row in rows]).astype(np.int64)


def _dense(code: NDArray[np.int64]) -> NDArray[np.int64]:
    # Order-preserving renumbering 0..k-1 of the present codes (a sort, not a stable argsort).
    present = code >= 0
    values = code[present]
    out = np.full(len(code), -1, dtype=np.int64)
    out[present] = np.searchsorted(unique_ints(values), values)
    return out
