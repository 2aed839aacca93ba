"""mpi's batch pipeline (read → [train] → prepare → block → score → cluster) on a record file.

Run as a child process by splink_compare.py:

    python benchmarks/_mpi_runner.py RECORDS.csv OUT_DIR [--train] [--rules FILE] [--seed S]

It writes OUT_DIR/pairs.csv (unique_id_l, unique_id_r, match_probability for every scored
candidate pair at or above the link threshold), OUT_DIR/clusters.csv (institution,
record_id, person_id) and OUT_DIR/phases.json (seconds per phase, counts).
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import sys
from pathlib import Path
from typing import Any

from _measure import PhaseClock
from mpi.domain.batch_columns import RecordColumns
from mpi.io.assignments import write_assignment_columns
from mpi.io.bulk_read import read_record_columns
from mpi.matching import BatchResult, MatchingRules, link_batch, train
from mpi.matching.weights import match_weight_to_prob, prob_to_match_weight
from mpi.rules_file import default_rules, load_rules


def read(path: Path) -> tuple[RecordColumns, int]:
    # As `mpi link` reads: columns, no Record per row (two processes for a large file).
    records, rejected = read_record_columns(path)
    gc.freeze()
    return records, len(rejected)


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _pairs_at_threshold(result: BatchResult, link_threshold: float) -> int:
    if result.pairs is None:
        return 0
    return int((result.pairs.match_weight >= prob_to_match_weight(link_threshold)).sum())


def write_pairs(path: Path, result: BatchResult, link_threshold: float) -> int:
    """Scored pairs at or above the link threshold, as Splink's predict output has them."""
    if result.pairs is None:
        return 0
    p = result.pairs
    keep = p.match_weight >= prob_to_match_weight(link_threshold)
    keys = result.keys
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("unique_id_l", "unique_id_r", "match_probability"))
        for i, j, w in zip(p.left[keep], p.right[keep], p.match_weight[keep], strict=True):
            writer.writerow((keys[i], keys[j], f"{match_weight_to_prob(float(w)):.6f}"))
    return int(keep.sum())


def run(
    records_path: Path, out_dir: Path, rules: MatchingRules, *, do_train: bool, seed: int
) -> None:
    clock = PhaseClock()
    cpu = _cpu()
    records, rejected = read(records_path)
    clock.lap("read")
    clock.facts["cpu"] = {"read": round(_cpu() - cpu, 3)}
    if do_train:
        trained = train(records.records(0, len(records)), rules, seed=seed)
        rules = trained.rules
        clock.facts["training"] = {
            "converged": trained.converged,
            "iterations": trained.iterations,
            "blocked_pairs": trained.blocked_pairs,
        }
        clock.lap("train")
    result = link_batch(records, rules, keep_pairs=True)
    clock.lap("link")
    for name, seconds in result.timings.items():
        clock.phases[f"link.{name}"] = round(seconds, 3)
    for name, seconds in result.cpu_seconds.items():
        clock.facts["cpu"][f"link.{name}"] = round(seconds, 3)
    # The two files are independent: the pairs are written by a forked child meanwhile.
    child = os.fork() if hasattr(os, "fork") else -1
    if child == 0:
        try:
            write_pairs(out_dir / "pairs.csv", result, rules.thresholds.link)
        finally:
            os._exit(0)
    write_assignment_columns(
        out_dir / "clusters.csv", result.keys, result.cluster.astype(str).tolist()
    )
    if child < 0:
        pairs = write_pairs(out_dir / "pairs.csv", result, rules.thresholds.link)
    else:
        _, status = os.waitpid(child, 0)
        if status != 0:
            raise RuntimeError("writing pairs.csv failed")
        pairs = _pairs_at_threshold(result, rules.thresholds.link)
    clock.lap("write")
    clock.facts["counts"] = _counts(result, len(records), rejected, pairs)
    clock.write(out_dir)


def _counts(result: BatchResult, records: int, rejected: int, pairs: int) -> dict[str, Any]:
    return {
        "records": records,
        "rejected_rows": rejected,
        "candidate_pairs": result.candidate_pairs,
        "pairs_at_threshold": pairs,
        "links": result.links,
        "merges_refused": result.merges_refused,
        "clusters": result.clusters,
        "oversized_blocks": len(result.oversized_blocks),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("records", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--rules", type=Path, help="rules file (default: the packaged rules)")
    parser.add_argument("--train", action="store_true", help="re-estimate m/u on the file first")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    rules = load_rules(args.rules) if args.rules else default_rules()
    # As in `mpi link`: the collector stays off throughout (everything read lives until the
    # end, and linking allocates millions of acyclic objects its passes would walk).
    gc.disable()
    run(args.records, args.out_dir, rules, do_train=args.train, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
