"""Batch linkage: prepare → block → score → cluster, with counts and timings."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mpi._fork import forked_map
from mpi.domain.batch_columns import RecordColumns
from mpi.domain.records import Record
from mpi.matching.blocking import OversizedBlock, candidate_pairs
from mpi.matching.engine import MatchEngine
from mpi.matching.features import Features, prepare
from mpi.matching.rules import MatchingRules
from mpi.matching.split_clusters import cluster_links_split
from mpi.matching.term_frequency import TermFrequencies
from mpi.matching.weights import prob_to_match_weight

SCORE_CHUNK = 1_000_000  # bounds the (pairs x comparisons) intermediates
# Below this many pairs a fork (~0.1 s for a 1 GB process) costs more than the second core saves.
PARALLEL_PAIRS = 400_000


@dataclass(frozen=True, slots=True)
class PairList:
    """Scored candidate pairs, kept when the caller asks (evaluation, review queues)."""

    left: NDArray[np.intp]
    right: NDArray[np.intp]
    match_weight: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Cluster per record plus what it took to get there."""

    keys: tuple[str, ...]  # record keys, institution:record_id, in input order
    cluster: NDArray[np.int64]  # dense cluster id per record
    candidate_pairs: int
    links: int  # pairs at or above the link threshold
    merges_refused: int  # links not applied because of hard negative evidence
    oversized_blocks: tuple[OversizedBlock, ...]
    timings: dict[str, float] = field(default_factory=dict)  # wall-clock seconds per phase
    pairs: PairList | None = None
    # CPU per phase of this process and of the workers it forked (both cores' work).
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    # Records held apart as ambiguous (clustering.Clusters.ambiguous) and their
    # (record, candidate) pairs for a steward to review.
    ambiguous: tuple[int, ...] = ()
    review_pairs: tuple[tuple[int, int], ...] = ()

    @property
    def clusters(self) -> int:
        return int(self.cluster.max()) + 1 if len(self.cluster) else 0


def score_in_chunks(
    engine: MatchEngine, f: Features, left: NDArray[np.intp], right: NDArray[np.intp]
) -> NDArray[np.float64]:
    """Match weight of every pair, scored at most SCORE_CHUNK pairs at a time.

    Pairs are scored independently of each other, so splitting them between two processes
    gives the same weights as one pass.
    """
    parallel = len(left) >= PARALLEL_PAIRS
    chunks = -(-len(left) // SCORE_CHUNK)
    if parallel:  # an even number (>= 4) of equal chunks: both processes get as many pairs
        chunks = max(4, chunks + chunks % 2)
    size = -(-len(left) // max(chunks, 1))
    starts = list(range(0, len(left), max(size, 1)))

    def score(s: int) -> NDArray[np.float64]:
        return engine.score_pairs(f, left[s : s + size], right[s : s + size]).match_weight

    parts = forked_map(score, starts, parallel=parallel)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.float64)


def link_batch(
    records: Sequence[Record] | RecordColumns,
    rules: MatchingRules,
    *,
    term_frequencies: TermFrequencies | None = None,
    not_same: Iterable[tuple[int, int]] = (),
    keep_pairs: bool = False,
) -> BatchResult:
    """Link a batch of records into persons.

    Args:
        records: the records, or their columns (a bulk read's); results follow their order.
        rules: matching rules (blocking keys, comparisons, thresholds).
        term_frequencies: name frequencies; by default computed from `records` themselves.
        not_same: pairs of record positions known to be different people.
        keep_pairs: also return every scored candidate pair.
    """
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock, cpu_clock = time.perf_counter(), _cpu()

    def lap(name: str) -> None:
        # CPU time too: on a shared machine wall time says more about the neighbours.
        nonlocal clock, cpu_clock
        now, cpu_now = time.perf_counter(), _cpu()
        timings[name], cpu[name] = now - clock, cpu_now - cpu_clock
        clock, cpu_clock = now, cpu_now

    f = prepare(records)
    tf = term_frequencies or TermFrequencies.from_features(f)
    lap("prepare")
    blocked = candidate_pairs(f, rules.blocking.keys, rules.blocking.max_block_size)
    lap("block")
    weights = score_in_chunks(MatchEngine(rules, tf), f, blocked.left, blocked.right)
    lap("score")
    is_link = weights >= prob_to_match_weight(rules.thresholds.link)
    clusters = cluster_links_split(
        f,
        blocked.left[is_link],
        blocked.right[is_link],
        weights[is_link],
        not_same,
        rules.hard_negatives,
        rules.thresholds.ambiguity_margin,
    )
    lap("cluster")
    return BatchResult(
        keys=f.keys,
        cluster=clusters.labels,
        candidate_pairs=len(blocked),
        links=int(is_link.sum()),
        merges_refused=clusters.refused_hard_negative + clusters.refused_constraint,
        oversized_blocks=blocked.oversized,
        timings=timings,
        pairs=PairList(blocked.left, blocked.right, weights) if keep_pairs else None,
        cpu_seconds=cpu,
        ambiguous=clusters.ambiguous,
        review_pairs=clusters.review_pairs,
    )


def _cpu() -> float:
    # Forked workers are waited for before a phase ends, so their time is counted in it.
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system
