"""Blocking recall on labelled data: the share of true pairs that share at least one key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mpi.matching.blocking import OversizedBlock, candidate_pairs, pairs_within_blocks
from mpi.matching.features import Features


@dataclass(frozen=True, slots=True)
class KeyRecall:
    kind: str
    candidate_pairs: int  # pairs this key alone generates (before deduplication across keys)
    recall: float  # share of true pairs this key alone catches


@dataclass(frozen=True, slots=True)
class BlockingRecall:
    records: int
    true_pairs: int
    candidate_pairs: int
    found_true_pairs: int
    per_key: tuple[KeyRecall, ...]
    oversized: tuple[OversizedBlock, ...]

    @property
    def recall(self) -> float:
        return self.found_true_pairs / self.true_pairs if self.true_pairs else 1.0


def true_pair_codes(labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """i * n + j (i < j) for every pair of records with the same label."""
    chunks, _ = pairs_within_blocks(labels.reshape(1, -1), len(labels))
    return np.unique(np.concatenate(chunks)) if chunks else np.zeros(0, dtype=np.int64)


def blocking_recall(
    f: Features, labels: NDArray[np.int64], kinds: Sequence[str], max_block_size: int
) -> BlockingRecall:
    """How many true pairs (records with equal labels) the blocking keys bring together.

    Args:
        f: features of the records.
        labels: the true person of each record, as integers (negative = unknown).
        kinds: blocking key kinds, as in the rules.
        max_block_size: the cap on block size, as in the rules.
    """
    truth = true_pair_codes(labels)
    blocked = candidate_pairs(f, kinds, max_block_size)
    codes = blocked.left.astype(np.int64) * f.n + blocked.right
    per_key = []
    for kind in kinds:
        alone = candidate_pairs(f, [kind], max_block_size)
        alone_codes = alone.left.astype(np.int64) * f.n + alone.right
        share = float(np.isin(truth, alone_codes).mean()) if len(truth) else 1.0
        per_key.append(KeyRecall(kind, len(alone), share))
    return BlockingRecall(
        records=f.n,
        true_pairs=len(truth),
        candidate_pairs=len(blocked),
        found_true_pairs=int(np.isin(truth, codes).sum()),
        per_key=tuple(per_key),
        oversized=blocked.oversized,
    )
