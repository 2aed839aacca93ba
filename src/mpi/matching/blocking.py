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
from mpi.matching._block_codes import kind_codes
from mpi.matching._encode import unique_ints
from mpi.matching.blocking_keys import BLOCK_KEYS, block_keys, emissions, key_text
from mpi.matching.features import Features, prepare

# Below this many records a fork (~10-20 ms for a 1 GB process) costs more than the second
# core saves on the key kinds (~0.45 CPU s in all at a million records).
PARALLEL_RECORDS = 200_000


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


# Per kind of a group: pairs it generates and its oversized blocks.
_KindCounts = list[tuple[int, list[OversizedBlock]]]


def _pairs_of_group(
    f: Features, kinds: Sequence[str], cap: int
) -> tuple[NDArray[np.int64], _KindCounts]:
    # The distinct pair codes of a group of kinds (sorted), and what each kind found.
    chunks: list[NDArray[np.int64]] = []
    counts: _KindCounts = []
    for kind in kinds:
        found, big = _pairs_of_kind(f, kind, cap)
        chunks.extend(found)
        counts.append((sum(len(c) for c in found), big))
    pairs = unique_ints(np.concatenate(chunks)) if chunks else np.zeros(0, dtype=np.int64)
    return pairs, counts


def _two_groups(f: Features, kinds: Sequence[str]) -> list[list[str]]:
    # Heaviest first onto the lighter side, a kind's weight being its key parts times its
    # emissions (a proxy for the codes it sorts and the pairs it makes). Ties go to the
    # second group, the forked child's: the parent merges both groups' pairs afterwards.
    weights = {kind: len(rows) * len(rows[0]) for kind in kinds for rows in [emissions(f, kind)]}
    groups: list[list[str]] = [[], []]
    load = [0, 0]
    for kind in sorted(kinds, key=lambda kind: -weights[kind]):
        side = int(load[1] <= load[0])
        groups[side].append(kind)
        load[side] += weights[kind]
    return [group for group in groups if group]


def candidate_pairs(f: Features, kinds: Sequence[str], max_block_size: int) -> CandidatePairs:
    """Every distinct pair of records sharing a key of `kinds`, skipping oversized blocks."""
    # Many records: the kinds in two groups, one in a forked child (its distinct pairs come
    # back sorted), and the two groups' pairs merged. Distinct sorted codes whichever way
    # they are split, so the pairs and their order do not depend on the processes.
    many = f.n >= PARALLEL_RECORDS and len(kinds) > 1
    groups = _two_groups(f, kinds) if many else [list(kinds)]
    parts = forked_map(lambda group: _pairs_of_group(f, group, max_block_size), groups)
    found = {
        kind: counts
        for group, (_, per_kind) in zip(groups, parts, strict=True)
        for kind, counts in zip(group, per_kind, strict=True)
    }
    codes = [part[0] for part in parts]
    pairs = unique_ints(np.concatenate(codes)) if len(codes) > 1 else codes[0]
    left, right = np.divmod(pairs, f.n) if f.n else (pairs, pairs)
    keep = left != right
    if not keep.all():
        left, right = left[keep], right[keep]
    return CandidatePairs(
        left.astype(np.intp, copy=False),
        right.astype(np.intp, copy=False),
        tuple(block for kind in kinds for block in found[kind][1]),
        {kind: found[kind][0] for kind in kinds},
    )
