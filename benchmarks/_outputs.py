"""Read what a measured system wrote (clusters.csv, pairs.csv) and the generator's answer files."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from mpi.io.assignments import read_assignments
from mpi.io.hard_negatives_file import read_hard_negatives

__all__ = ["Pair", "read_clusters", "read_hard_negatives", "read_pairs"]

Pair = tuple[str, str]


def read_pairs(path: Path) -> Iterator[Pair]:
    """Record-key pairs (unique_id_l, unique_id_r) of a pairs.csv, smaller key first."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        left, right = header.index("unique_id_l"), header.index("unique_id_r")
        for row in reader:
            a, b = row[left], row[right]
            yield (a, b) if a < b else (b, a)


def read_clusters(path: Path) -> dict[str, str]:
    """Record key -> cluster id (accepts person_id or cluster_id columns)."""
    return read_assignments(path)
