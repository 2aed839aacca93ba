"""The cluster phase of the batch pipeline alone: cluster_links_split on one file's links.

    .venv/bin/python benchmarks/cluster_bench.py RECORDS.csv [--repeat N] [--cache FILE]

Reads the records, prepares, blocks and scores them once (or loads all that from --cache,
written on the first run), then times `cluster_links_split` on the links at the rules' link
threshold, as link_batch calls it. Prints wall seconds, CPU seconds of this process and of
the forked child (MPI_WORKERS=1 keeps it on one process), the 1-minute load, and what the
clustering did, so that two drivers can be compared on the same links.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import sys
import time
from pathlib import Path
from typing import Any

from mpi.io.bulk_read import read_record_columns
from mpi.matching.blocking import candidate_pairs
from mpi.matching.engine import MatchEngine
from mpi.matching.features import prepare
from mpi.matching.pipeline import score_in_chunks
from mpi.matching.split_clusters import cluster_links_split
from mpi.matching.term_frequency import TermFrequencies
from mpi.matching.weights import prob_to_match_weight
from mpi.rules_file import default_rules


def scored(records_path: Path, cache: Path | None) -> tuple[Any, Any, Any, Any]:
    """(features, left, right, match weight) of every candidate pair of the file."""
    if cache is not None and cache.exists():
        with cache.open("rb") as handle:
            loaded: tuple[Any, Any, Any, Any] = pickle.load(handle)
        return loaded
    rules = default_rules()
    records, _ = read_record_columns(records_path)
    f = prepare(records)
    blocked = candidate_pairs(f, rules.blocking.keys, rules.blocking.max_block_size)
    engine = MatchEngine(rules, TermFrequencies.from_features(f))
    weights = score_in_chunks(engine, f, blocked.left, blocked.right)
    out = (f, blocked.left, blocked.right, weights)
    if cache is not None:
        with cache.open("wb") as handle:
            pickle.dump(out, handle, protocol=5)
    return out


def _cpu() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("records", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cache", type=Path, help="pickle of the scored pairs (made once)")
    args = parser.parse_args(argv)
    f, left, right, weights = scored(args.records, args.cache)
    rules = default_rules()
    link = weights >= prob_to_match_weight(rules.thresholds.link)
    print(
        f"records {f.n:,}  links {int(link.sum()):,}  workers {os.environ.get('MPI_WORKERS', '-')}"
    )
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        mine, theirs = _cpu()
        start = time.perf_counter()
        clusters = cluster_links_split(
            f,
            left[link],
            right[link],
            weights[link],
            (),
            rules.hard_negatives,
            rules.thresholds.ambiguity_margin,
        )
        wall = time.perf_counter() - start
        mine_after, theirs_after = _cpu()
        print(
            f"cluster: wall {wall:.2f} s, CPU {mine_after - mine:.2f} s + child "
            f"{theirs_after - theirs:.2f} s, load {load:.2f}; clusters {clusters.count:,}, "
            f"applied {clusters.links_applied:,}, refused {clusters.refused_hard_negative:,}, "
            f"held apart {len(clusters.ambiguous):,}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
