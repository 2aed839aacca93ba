"""Read what a measured system wrote (clusters.csv, pairs.csv) and the generator's answer files."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from mpi.io.assignments import read_assignments

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


def read_hard_negatives(path: Path) -> list[tuple[str, str, str]]:
    """(person_a, person_b, kind) rows of hard_negatives.csv."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(r["person_a"], r["person_b"], r["kind"]) for r in csv.DictReader(handle)]


def read_clusters(path: Path) -> dict[str, str]:
    """Record key -> cluster id (accepts person_id or cluster_id columns)."""
    return read_assignments(path)
