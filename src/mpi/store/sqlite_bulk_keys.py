"""The block keys of a bulk load, held back and written once at its end in index order.

A bulk load arrives in chunks of records; inserting each chunk's block keys as it
comes fills the (key_hash, rid) index in as many interleaved passes as there are
chunks, each touching pages all over a B-tree larger than the page cache. Held as
two integer columns until the end instead, the rows of the whole load go in one
sorted pass that only appends. Runs that share one list of keys (a batch's whole
key table) are held together; each distinct key is hashed once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mpi.domain.stored_records import BlockKeyRuns
from mpi.store.sqlite_key_hash import key_hashes
from mpi.store.sqlite_tx import insert_rows

_ADD_KEY = "INSERT INTO block_keys (key_hash, rid)"
# Rows turned into Python values at a time: bounds the memory of the final pass.
_SLICE = 1 << 20


class HeldKeys:
    """Block-key rows held until `write`; rows of runs over another key list write the
    held ones first."""

    def __init__(self) -> None:
        self._keys: Sequence[str] | None = None
        self._key_ids: list[NDArray[np.int32]] = []
        self._owners: list[NDArray[np.int32]] = []

    def add(self, conn: sqlite3.Connection, keys: BlockKeyRuns, rids: NDArray[np.int64]) -> None:
        """Hold the rows of `keys`, run i belonging to the record with rid `rids[i]`."""
        if self._keys is not None and self._keys is not keys.keys:
            self.write(conn)
        self._keys = keys.keys
        starts = np.asarray(keys.starts, dtype=np.int64)
        self._key_ids.append(np.asarray(keys.key_ids, dtype=np.int32))
        self._owners.append(np.repeat(rids.astype(np.int32), np.diff(starts)))

    def write(self, conn: sqlite3.Connection) -> None:
        """Insert every held row, sorted by (key hash, rid); then hold nothing."""
        keys, key_ids, owners = self._keys, self._key_ids, self._owners
        self._keys, self._key_ids, self._owners = None, [], []
        if keys is None or not key_ids:
            return
        ids, rids = np.concatenate(key_ids), np.concatenate(owners)
        del key_ids, owners
        if len(ids) == 0:
            return
        # Distinct keys can share a hash: they share a rank, and a record holding both
        # has one row for it.
        hashes, rank = np.unique(np.asarray(key_hashes(keys), dtype=np.int64), return_inverse=True)
        width = int(rids.max()) + 1
        pairs = rank[ids] * width + rids.astype(np.int64)
        del ids, rids
        pairs.sort()
        keep = np.ones(len(pairs), dtype=bool)
        keep[1:] = pairs[1:] != pairs[:-1]
        pairs = pairs[keep]
        for start in range(0, len(pairs), _SLICE):
            part = pairs[start : start + _SLICE]
            rows = zip(hashes[part // width].tolist(), (part % width).tolist(), strict=True)
            insert_rows(conn, _ADD_KEY, 2, rows, len(part), per=200)
