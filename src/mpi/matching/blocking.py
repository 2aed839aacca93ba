"""Candidate pairs from blocking keys: records sharing any key are compared, once.

Blocks larger than the cap are skipped and reported (a degenerate key such as a shared
placeholder would otherwise make the pair count explode).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mpi._fork import forked_map
from mpi.domain.records import Record
from mpi.matching._encode import first_positions, unique_ints
from mpi.matching.blocking_keys import BLOCK_KEYS, block_keys, key_codes, key_text
from mpi.matching.features import PARALLEL_RECORDS, Features, prepare


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
    # Sorted (code, record) memberships, deduplicated: a record whose two surnames are equal
    # emits the same key twice but belongs to the block once.
    pos = np.flatnonzero(codes.ravel() >= 0)
    member = codes.ravel()[pos] * n + pos % n
    first = first_positions(member)
    kept = pos[first]
    return codes.ravel()[kept], kept


def pairs_within_blocks(
    codes: NDArray[np.int64], n: int, cap: int | None = None
) -> tuple[list[NDArray[np.int64]], list[tuple[int, int]]]:
    """Pair codes (i * n + j, i < j) of records sharing a code, per block size.

    Args:
        codes: (emissions, n) block codes, -1 = none.
        n: number of records.
        cap: blocks larger than this are skipped and returned as (position, size).
    """
    codes_sorted, positions = _blocks(codes, n)
    if not len(codes_sorted):
        return [], []
    starts = np.flatnonzero(np.r_[True, codes_sorted[1:] != codes_sorted[:-1]])
    sizes = np.diff(np.r_[starts, len(codes_sorted)])
    limit = cap if cap is not None else int(sizes.max())
    too_big = sizes > limit
    skipped = [
        (int(positions[s]), int(z)) for s, z in zip(starts[too_big], sizes[too_big], strict=True)
    ]
    out: list[NDArray[np.int64]] = []
    for size in np.unique(sizes[(sizes >= 2) & ~too_big]):
        members = positions[starts[sizes == size][:, None] + np.arange(size)] % n
        iu, ju = np.triu_indices(int(size), 1)
        a, b = members[:, iu].ravel(), members[:, ju].ravel()
        out.append(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    return out, skipped


def _pairs_of_kind(
    f: Features, kind: str, cap: int
) -> tuple[list[NDArray[np.int64]], list[OversizedBlock]]:
    n = f.n
    out, skipped = pairs_within_blocks(key_codes(f, kind), n, cap)
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
    # Key kinds are independent: a large batch shares them between two processes.
    per_kind = forked_map(
        lambda kind: _pairs_of_kind(f, kind, max_block_size),
        list(kinds),
        parallel=f.n >= PARALLEL_RECORDS,
    )
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
