"""Block and score phases of the batch pipeline alone, with an identity check.

    python benchmarks/block_score_bench.py RECORDS.csv [--save REF.npz | --check REF.npz]

Reads and prepares the records (not timed), then times `candidate_pairs` and
`score_in_chunks` as `link_batch` runs them (MPI_WORKERS decides the processes), printing wall
and CPU seconds (this process plus its waited forked workers) and the 1-minute load. `--save`
stores the candidate pairs, per-key pair counts, level indexes and match weights; `--check`
compares them bit for bit with a saved reference (e.g. one saved before a speed change).
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from pathlib import Path

import numpy as np

from mpi.io.bulk_read import read_record_columns
from mpi.matching.blocking import candidate_pairs
from mpi.matching.engine import MatchEngine
from mpi.matching.features import prepare
from mpi.matching.pipeline import SCORE_CHUNK, score_in_chunks
from mpi.matching.term_frequency import TermFrequencies
from mpi.rules_file import default_rules


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("records", type=Path)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save", type=Path, metavar="REF.npz")
    group.add_argument("--check", type=Path, metavar="REF.npz")
    args = parser.parse_args()

    records, _ = read_record_columns(args.records)
    rules = default_rules()
    f = prepare(records)
    tf = TermFrequencies.from_features(f)
    gc.collect()
    gc.freeze()
    wall, used = time.perf_counter(), cpu()
    blocked = candidate_pairs(f, rules.blocking.keys, rules.blocking.max_block_size)
    wall_block, used_block = time.perf_counter(), cpu()
    engine = MatchEngine(rules, tf)
    weights = score_in_chunks(engine, f, blocked.left, blocked.right)
    wall_score, used_score = time.perf_counter(), cpu()
    print(
        f"{f.n} records, {len(blocked)} candidate pairs: "
        f"block {wall_block - wall:.2f} s wall / {used_block - used:.2f} CPU s, "
        f"score {wall_score - wall_block:.2f} s wall / {used_score - used_block:.2f} CPU s; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    if args.save is None and args.check is None:
        return
    found = {
        "left": blocked.left,
        "right": blocked.right,
        "levels": np.concatenate(
            [
                engine.comparison_levels(
                    f, blocked.left[s : s + SCORE_CHUNK], blocked.right[s : s + SCORE_CHUNK]
                )
                for s in range(0, len(blocked), SCORE_CHUNK)
            ]
        ),
        "w": weights,
        "per_key": np.array(sorted(blocked.pairs_per_key.items())),
    }
    if args.save is not None:
        np.savez(args.save, **found)
        print(f"saved {args.save}")
        return
    reference = np.load(args.check)
    same = {
        name: np.array_equal(reference[name].view(np.uint8), np.asarray(value).view(np.uint8))
        if name == "w"
        else np.array_equal(reference[name], value)
        for name, value in found.items()
    }
    print("IDENTICAL" if all(same.values()) else f"DIFFERENT: {same}")


if __name__ == "__main__":
    main()
