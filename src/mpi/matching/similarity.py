"""String similarity: the only place rapidfuzz is imported. Scalar and batch (cpdist) forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

Strings: TypeAlias = Sequence[str] | NDArray[np.object_]

# Two cores: measured in benchmarks/matching_bench.py, threads pay off only on big batches.
_PARALLEL_FROM = 20_000


def _workers(n: int) -> int:
    return -1 if n >= _PARALLEL_FROM else 1


def jaro_winkler(a: str, b: str) -> float:
    return float(JaroWinkler.similarity(a, b))


def levenshtein(a: str, b: str) -> int:
    return int(Levenshtein.distance(a, b))


def jaro_winkler_batch(a: Strings, b: Strings) -> NDArray[np.float64]:
    """Element-wise Jaro-Winkler similarity of two equally long sequences."""
    if not len(a):
        return np.zeros(0)
    out = process.cpdist(a, b, scorer=JaroWinkler.similarity, workers=_workers(len(a)))
    return np.asarray(out, dtype=np.float64)


def levenshtein_batch(a: Strings, b: Strings, cutoff: int | None = None) -> NDArray[np.int32]:
    """Element-wise Levenshtein distance; beyond `cutoff` any value above it (faster)."""
    if not len(a):
        return np.zeros(0, dtype=np.int32)
    out = process.cpdist(
        a, b, scorer=Levenshtein.distance, workers=_workers(len(a)), score_cutoff=cutoff
    )
    return np.asarray(out, dtype=np.int32)


def transposition_distance_batch(a: Strings, b: Strings) -> NDArray[np.int32]:
    """Element-wise optimal string alignment distance (an adjacent swap counts as one edit)."""
    if not len(a):
        return np.zeros(0, dtype=np.int32)
    out = process.cpdist(a, b, scorer=OSA.distance, workers=_workers(len(a)))
    return np.asarray(out, dtype=np.int32)
