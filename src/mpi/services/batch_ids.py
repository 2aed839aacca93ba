"""Fresh ids for a whole batch at once, handed out in sorted order.

`mpi.domain.ids.new_id` makes one id in several microseconds of Python; a million-record
batch needs up to a million person ids, and the bulk load wants them sorted. The ids of
one call share their time part, and the fixed-width base32 digits of their random part
sort as the random numbers do (the alphabet ascends in code points), so the numbers are
sorted in numpy and the ids' characters written as the code points of one array.
"""

from __future__ import annotations

import secrets

import numpy as np
from numpy.typing import NDArray

from mpi.domain.ids import new_id

# Crockford base32, as mpi.domain.ids writes it.
_ALPHABET = np.frombuffer(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ", dtype=np.uint8).astype(np.uint32)
# 80 random bits per id, as two 40-bit halves of 8 digits each (most significant first).
_SHIFTS = np.arange(35, -1, -5, dtype=np.int64)
_DIGITS = 2 * len(_SHIFTS)
# Ids written at once: bounds the digits' temporaries.
_SLICE = 1 << 15


def sorted_ids(prefix: str, count: int) -> list[str]:
    """`count` fresh ids in `new_id`'s layout (the same time part, 80 random bits each),
    in ascending order."""
    if count == 0:
        return []
    # The time part exactly as new_id writes it: an id made now, its random part cut off.
    head = new_id(prefix)[:-_DIGITS]
    halves = _sorted_halves(count)
    points = np.empty((count, len(head) + _DIGITS), dtype=np.uint32)
    points[:, : len(head)] = np.frombuffer(head.encode("utf-32-le"), dtype=np.uint32)
    for start in range(0, count, _SLICE):
        digits = (halves[start : start + _SLICE, :, None] >> _SHIFTS) & 31
        points[start : start + _SLICE, len(head) :] = _ALPHABET[digits.reshape(-1, _DIGITS)]
    ids: list[str] = points.view(f"<U{points.shape[1]}").ravel().tolist()
    return ids


def _sorted_halves(count: int) -> NDArray[np.int64]:
    """`count` random 80-bit numbers as rows of two 40-bit halves, in ascending order."""
    leading = np.frombuffer(secrets.token_bytes(8 * count), dtype=np.uint64)
    trailing = np.frombuffer(secrets.token_bytes(2 * count), dtype=np.uint16)
    return _in_order(leading, trailing)


def _in_order(leading: NDArray[np.uint64], trailing: NDArray[np.uint16]) -> NDArray[np.int64]:
    """Random numbers of 64 leading and 16 trailing bits, in ascending order, as rows of two
    40-bit halves."""
    # The leading bits are sorted as values (cheaper than an argsort). The trailing bits
    # are drawn apart from them: in any order they are as random, except where leading
    # bits are equal (rare), and there both sort together.
    ordered = np.sort(leading)
    if len(ordered) > 1 and bool((ordered[1:] == ordered[:-1]).any()):
        order = np.lexsort((trailing, leading))
        ordered, trailing = leading[order], trailing[order]
    halves = np.empty((len(ordered), 2), dtype=np.int64)
    halves[:, 0] = ordered >> np.uint64(24)
    halves[:, 1] = ((ordered & np.uint64(0xFFFFFF)) << np.uint64(16)) | trailing
    return halves
