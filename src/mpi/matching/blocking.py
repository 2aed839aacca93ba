"""Candidate pairs from blocking keys: records sharing any key are compared, once.

Blocks larger than the cap are skipped and reported (a degenerate key such as a shared
placeholder would otherwise make the pair count explode).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mpi.domain.records import Record
from mpi.matching._block_codes import kind_codes
from mpi.matching._encode import unique_ints
from mpi.matching.blocking_keys import BLOCK_KEYS, block_keys, key_text
from mpi.matching.features import Features, prepare


@dataclass(frozen=True, slots=True)
class OversizedBlock:
    kind: str
    key: str
    size: int


@dataclass(frozen=True, slots=True)
class CandidatePairs:
    """Distinct pairs (left[k] < right[k]) sharing at least one key."""

    left: NDArray[np.intp]
    right: NDArray[np.intp]
    oversized: tuple[OversizedBlock, ...]
    pairs_per_key: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.left)


def block_keys_for(record: Record, kinds: Sequence[str] = BLOCK_KEYS) -> tuple[str, ...]:
    """The block keys of one record, as the strings the store indexes."""
    return block_keys(prepare([record]), 0, kinds)


def _blocks(codes: NDArray[np.int64], n: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    # Sorted distinct (code, record) memberships: a record whose two surnames are equal emits
    # the same key twice but belongs to the block once. One plain sort of code * n + record
    # (codes stay below 2**62 // n) gives both, in block order and record order within one.
    emitted = codes.ravel().astype(np.int64, copy=False)
    present = np.flatnonzero(emitted >= 0)
    member: NDArray[np.int64] = unique_ints(emitted[present] * n + present % n)
    return member // n, member % n


def _first_position(codes: NDArray[np.int64], n: int, code: int, record: int) -> int:
    # The first emission of `record` that carries `code` (for reporting an oversized block).
    return int(np.argmax(codes[:, record] == code)) * n + record


def pairs_within_blocks(
    codes: NDArray[np.int64], n: int, cap: int | None = None
) -> tuple[list[NDArray[np.int64]], list[tuple[int, int]]]:
    """Pair codes (i * n + j, i < j) of records sharing a code, per block size.

    Args:
        codes: (emissions, n) block codes, -1 = none; code * n must fit in an int64.
        n: number of records.
        cap: blocks larger than this are skipped and returned as (position, size), position
            being emission * n + record of the block's first record.
    """
    codes_sorted, records = _blocks(codes, n)
    if not len(codes_sorted):
        return [], []
    starts = np.flatnonzero(np.r_[True, codes_sorted[1:] != codes_sorted[:-1]])
    sizes = np.diff(np.r_[starts, len(codes_sorted)])
    limit = cap if cap is not None else int(sizes.max())
    too_big = sizes > limit
    skipped = [
        (_first_position(codes, n, int(codes_sorted[s]), int(records[s])), int(z))
        for s, z in zip(starts[too_big], sizes[too_big], strict=True)
    ]
    out: list[NDArray[np.int64]] = []
    for size in np.unique(sizes[(sizes >= 2) & ~too_big]):
        # Members ascend within a block, so the upper triangle already has i < j.
        members = records[starts[sizes == size][:, None] + np.arange(size)]
        iu, ju = np.triu_indices(int(size), 1)
        out.append((members[:, iu] * n + members[:, ju]).ravel())
    return out, skipped


def _pairs_of_kind(
    f: Features, kind: str, cap: int
) -> tuple[list[NDArray[np.int64]], list[OversizedBlock]]:
    n = f.n
    out, skipped = pairs_within_blocks(kind_codes(f, kind), n, cap)
    oversized = [
        OversizedBlock(kind, key_text(f, kind, position // n, position % n), size)
        for position, size in skipped
    ]
    return out, oversized


def candidate_pairs(f: Features, kinds: Sequence[str], max_block_size: int) -> CandidatePairs:
    """Every distinct pair of records sharing a key of `kinds`, skipping oversized blocks."""
    chunks: list[NDArray[np.int64]] = []
    oversized: list[OversizedBlock] = []
    per_key: dict[str, int] = {}
    # One process: at 1M records the kinds take ~0.4 CPU s in all, and a second process
    # (a fork of the whole batch, the pairs pickled back) cost more than it saved.
    per_kind = [_pairs_of_kind(f, kind, max_block_size) for kind in kinds]
    for kind, (found, big) in zip(kinds, per_kind, strict=True):
        chunks.extend(found)
        oversized.extend(big)
        per_key[kind] = sum(len(c) for c in found)
    pairs = unique_ints(np.concatenate(chunks)) if chunks else np.zeros(0, dtype=np.int64)
    left, right = np.divmod(pairs, f.n) if f.n else (pairs, pairs)
    keep = left != right
    return CandidatePairs(
        left[keep].astype(np.intp), right[keep].astype(np.intp), tuple(oversized), per_key
    )
