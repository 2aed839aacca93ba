"""The block keys of a bulk load, held back and written once at its end in index order.

A bulk load arrives in chunks of records; inserting each chunk's block keys as it
comes fills the (key_hash, rid) index in as many interleaved passes as there are
chunks, each touching pages all over a B-tree larger than the page cache. Held as
two integer columns until the end instead, the rows of the whole load go in one
sorted pass that only appends. Runs that share one list of keys (a batch's whole
key table) are held together; each distinct key is hashed once.

The store's own search rows (mpi.store.sqlite_search_keys) are held beside them, so
that they join the same sorted pass instead of a second one over the finished table:
rows of their own (negative hashes, which sort before every caller key's), and CURP
candidates, which become a row of their own only where the record holds no caller row
of the same hash (its `curp:` block key, or a key colliding with it: a search reads
both hashes and filters the records exactly, so either serves it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from numpy.typing import NDArray

from mpi.domain.stored_records import BlockKeyRuns
from mpi.store.sqlite_bulk_statements import Statement, by_columns
from mpi.store.sqlite_bulk_statements import run as run_now
from mpi.store.sqlite_key_hash import key_hashes

_ADD_KEY = "INSERT INTO block_keys (key_hash, rid) VALUES {values}"
# Rows turned into Python values at a time: bounds the memory of the final pass.
_SLICE = 1 << 18

Ints = NDArray[np.int64]
Run = Callable[[list[Statement]], None]


class HeldKeys:
    """Block-key rows held until `write`; rows of runs over another key list write the
    held ones first."""

    def __init__(self) -> None:
        self._keys: Sequence[str] | None = None
        self._key_ids: list[Ints] = []
        self._owners: list[Ints] = []
        self._own: list[tuple[Ints, Ints]] = []  # (negative hashes, rids)
        self._curps: list[tuple[Ints, Ints]] = []  # (hashes of `curp:<curp>`, rids)
        self._key_hashes: Ints | None = None  # of the key list, when given by `add`

    @property
    def keys(self) -> Sequence[str] | None:
        """The key list of the rows held (None: none held)."""
        return self._keys

    def add(
        self, conn: sqlite3.Connection, keys: BlockKeyRuns, rids: Ints, hashes: Ints | None = None
    ) -> None:
        """Hold the rows of `keys`, run i belonging to the record with rid `rids[i]`;
        `hashes`: the key hashes of `keys.keys`, if already made (then not read)."""
        if self._keys is not None and self._keys is not keys.keys:
            self.write(conn)
        self._keys = keys.keys
        if hashes is not None:
            self._key_hashes = hashes
        starts = np.asarray(keys.starts, dtype=np.int64)
        # int32: a million records' rows are held until the end (the load's peak).
        self._key_ids.append(np.asarray(keys.key_ids, dtype=np.int32))
        self._owners.append(np.repeat(np.asarray(rids, dtype=np.int32), np.diff(starts)))

    def add_own(self, hashes: Ints, rids: Ints) -> None:
        """Hold the store's own rows (negative hashes) of records held by `add`."""
        self._own.append((np.asarray(hashes, dtype=np.int64), np.asarray(rids, dtype=np.int64)))

    def add_curps(self, hashes: Ints, rids: Ints) -> None:
        """Hold CURP search candidates of records held by `add`: `hashes` of their
        `curp:<curp>` texts, each written as an own row unless the record has a row of it."""
        self._curps.append((np.asarray(hashes, dtype=np.int64), np.asarray(rids, dtype=np.int64)))

    def write(self, conn: sqlite3.Connection) -> None:
        """Insert every held row, sorted by (key hash, rid); then hold nothing."""
        run = partial(run_now, conn)
        keys, key_ids, owners = self._keys, self._key_ids, self._owners
        own, curps, given = self._own, self._curps, self._key_hashes
        self._keys, self._key_ids, self._owners, self._own, self._curps = None, [], [], [], []
        self._key_hashes = None
        ids, rids = _joined(key_ids), _joined(owners)
        del key_ids, owners
        own_hashes, own_rids = _joined([h for h, _ in own]), _joined([r for _, r in own])
        curp_hashes, curp_rids = _joined([h for h, _ in curps]), _joined([r for _, r in curps])
        width = 1 + max(int(a.max(initial=0)) for a in (rids, own_rids, curp_rids))
        # Distinct keys can share a hash: they share a rank, and a record holding both
        # has one row for it.
        made = given if given is not None else _hashes(keys or ())
        hashes, rank = np.unique(made, return_inverse=True)
        del made
        pairs = rank[ids]
        del ids
        pairs *= width
        pairs += rids
        del rids, rank
        pairs.sort()
        if len(pairs) > 1 and bool((pairs[1:] == pairs[:-1]).any()):
            pairs = pairs[_firsts(pairs)]
        absent = ~_held(hashes, pairs, width, curp_hashes, curp_rids)
        own_hashes = np.concatenate((own_hashes, -1 - curp_hashes[absent]))
        own_rids = np.concatenate((own_rids, curp_rids[absent]))
        order = np.lexsort((own_rids, own_hashes))
        own_hashes, own_rids = own_hashes[order], own_rids[order]
        keep = np.ones(len(order), dtype=bool)
        keep[1:] = (own_hashes[1:] != own_hashes[:-1]) | (own_rids[1:] != own_rids[:-1])
        # Own rows' hashes are negative: they come before every caller row in the index.
        _insert(run, own_hashes[keep], own_rids[keep])
        for start in range(0, len(pairs), _SLICE):
            part = pairs[start : start + _SLICE]
            _insert(run, hashes[part // width], part % width)


def _joined(parts: list[Ints]) -> Ints:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _hashes(keys: Sequence[str]) -> Ints:
    """`key_hashes` of `keys` as an array, a slice at a time (no list of every int)."""
    hashes = np.empty(len(keys), dtype=np.int64)
    for start in range(0, len(keys), _SLICE):
        hashes[start : start + _SLICE] = key_hashes(keys[start : start + _SLICE])
    return hashes


def _firsts(pairs: Ints) -> NDArray[np.bool_]:
    keep = np.ones(len(pairs), dtype=bool)
    keep[1:] = pairs[1:] != pairs[:-1]
    return keep


def _held(hashes: Ints, pairs: Ints, width: int, wanted: Ints, rids: Ints) -> NDArray[np.bool_]:
    """Whether each (wanted hash, rid) is among the sorted `pairs` (rank * width + rid)."""
    found = np.zeros(len(wanted), dtype=bool)
    if len(hashes) == 0 or len(pairs) == 0:
        return found
    # Searched in ascending order: each search starts where the last one ended, instead
    # of a cache miss per level of a random binary search over millions of values.
    by_hash = np.argsort(wanted)
    rank = np.minimum(np.searchsorted(hashes, wanted[by_hash]), len(hashes) - 1)
    codes = rank * width + rids[by_hash]
    by_code = np.argsort(codes)
    at = np.minimum(np.searchsorted(pairs, codes[by_code]), len(pairs) - 1)
    hit = np.zeros(len(wanted), dtype=bool)
    hit[by_code] = pairs[at] == codes[by_code]
    found[by_hash] = (hashes[rank] == wanted[by_hash]) & hit
    return found


def _insert(run: Run, hashes: Ints, rids: Ints) -> None:
    for start in range(0, len(hashes), _SLICE):
        part = slice(start, start + _SLICE)
        run(by_columns(_ADD_KEY, [hashes[part].tolist(), rids[part].tolist()]))
