"""Matching engine benchmark: throughput, batch wall time and memory, blocking recall, accuracy.

    python benchmarks/matching_bench.py EVAL_DIR [--rules RULES.toml] [--train TRAIN_DIR]
        [--out RULES.toml]

EVAL_DIR holds records.csv, truth.csv and hard_negatives.csv as written by
`mpi demo-data`. With --train, rules are first estimated (mpi train) on TRAIN_DIR's records
(a population generated with another seed) and written to --out; accuracy is always
measured on EVAL_DIR, which training never saw.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time
from pathlib import Path

import numpy as np

from mpi.domain.records import Record
from mpi.evaluation import evaluate
from mpi.io.assignments import read_assignments
from mpi.io.hard_negatives_file import read_hard_negatives
from mpi.io.records_file import read_records
from mpi.matching.blocking import candidate_pairs
from mpi.matching.blocking_recall import true_pair_codes
from mpi.matching.engine import MatchEngine
from mpi.matching.features import prepare
from mpi.matching.pipeline import link_batch
from mpi.matching.rules import MatchingRules
from mpi.matching.term_frequency import TermFrequencies
from mpi.matching.training import train
from mpi.matching.weights import prob_to_match_weight
from mpi.rules_file import default_rules, load_rules, write_rules


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read(path: Path) -> list[Record]:
    return [r for r in read_records(path) if isinstance(r, Record)]


def trained_rules(train_dir: Path, base: MatchingRules, out: Path | None) -> MatchingRules:
    records = read(train_dir / "records.csv")
    started = time.perf_counter()
    result = train(records, base, seed=1)
    state = "converged" if result.converged else "NOT converged (iteration cap)"
    print(f"train: {len(records)} records, {time.perf_counter() - started:.1f} s, EM {state} "
          f"after {result.iterations} iterations, prior {result.rules.prior:.3g}")  # fmt: skip
    if out is not None:
        write_rules(out, result.rules)
    return result.rules


def throughput(records: list[Record], rules: MatchingRules) -> None:
    f = prepare(records)
    engine = MatchEngine(rules, TermFrequencies.from_features(f))
    pairs = candidate_pairs(f, rules.blocking.keys, rules.blocking.max_block_size)
    n = min(len(pairs), 2_000_000)
    best = best_cpu = float("inf")
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        engine.score_pairs(f, pairs.left[:n], pairs.right[:n])
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu_started)
    print(
        f"scoring: {n} blocked pairs in {best:.2f} s wall = {n / best:,.0f} pairs/s; "
        f"{best_cpu:.2f} CPU s = {n / best_cpu:,.0f} pairs per CPU-second (best of 3)"
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(200):
        engine.score_record(records[i], records[i + 1 : i + 11])
    per_call = (time.perf_counter() - started) / 200 * 1000
    per_call_cpu = (time.process_time() - cpu_started) / 200 * 1000
    print(
        f"single-record path: {per_call:.2f} ms wall, {per_call_cpu:.2f} ms CPU per record "
        "against 10 candidates"
    )


def accuracy(eval_dir: Path, records: list[Record], rules: MatchingRules) -> None:
    truth = read_assignments(eval_dir / "truth.csv")
    rss_before = peak_rss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = link_batch(records, rules, keep_pairs=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    phases = ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items())
    cpu_phases = ", ".join(f"{k} {v:.1f}" for k, v in result.cpu_seconds.items())
    print(f"link_batch: wall {wall:.1f} s ({phases}); CPU {cpu:.1f} s ({cpu_phases})")
    print(f"peak RSS {peak_rss_mib():.0f} MiB (after reading the records: {rss_before:.0f} MiB)")
    print(f"candidate pairs {result.candidate_pairs}, links {result.links}, merges refused "
          f"{result.merges_refused}, oversized blocks {len(result.oversized_blocks)}, "
          f"clusters {result.clusters}, held apart as ambiguous {len(result.ambiguous)} "
          f"({len(result.review_pairs)} review pairs)")  # fmt: skip
    persons: dict[str, int] = {}
    labels = np.array([persons.setdefault(truth[r.key], len(persons)) for r in records])
    assert result.pairs is not None
    true_pairs = true_pair_codes(labels)
    scored = result.pairs.left.astype(np.int64) * len(records) + result.pairs.right
    found = int(np.isin(true_pairs, scored).sum())
    print(f"blocking recall {found / len(true_pairs):.4%} of {len(true_pairs)} true pairs")
    _pairwise(result.pairs.left, result.pairs.right, result.pairs.match_weight, labels, rules,
              len(true_pairs))  # fmt: skip
    predicted = dict(zip(result.keys, (str(c) for c in result.cluster), strict=True))
    hard = read_hard_negatives(eval_dir / "hard_negatives.csv")
    report = evaluate(truth, predicted, hard)
    m = report.pairwise
    print(f"clustered pairwise: P {m.precision:.5f} R {m.recall:.5f} F1 {m.f1:.5f}")
    for kind in report.hard_negatives:
        print(f"  hard negatives {kind.kind:<18} {kind.false_merges} false merges of {kind.pairs}")


def _pairwise(
    left: np.ndarray, right: np.ndarray, weight: np.ndarray, labels: np.ndarray,
    rules: MatchingRules, true_pairs: int,
) -> None:  # fmt: skip
    linked = weight >= prob_to_match_weight(rules.thresholds.link)
    same = labels[left] == labels[right]
    tp, fp = int((linked & same).sum()), int((linked & ~same).sum())
    p, r = tp / max(tp + fp, 1), tp / max(true_pairs, 1)
    print(f"pairwise (scored pairs >= link): P {p:.5f} R {r:.5f} F1 {2 * p * r / (p + r):.5f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--rules", type=Path)
    parser.add_argument("--train", type=Path, metavar="TRAIN_DIR")
    parser.add_argument("--out", type=Path, help="where to write the trained rules")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--ambiguity-margin", type=float, metavar="BITS",
                        help="override thresholds.ambiguity_margin of the rules")  # fmt: skip
    args = parser.parse_args()
    rules = load_rules(args.rules) if args.rules else default_rules()
    if args.ambiguity_margin is not None:
        thresholds = dataclasses.replace(rules.thresholds, ambiguity_margin=args.ambiguity_margin)
        rules = dataclasses.replace(rules, thresholds=thresholds)
    if args.train:
        rules = trained_rules(args.train, rules, args.out)
    started = time.perf_counter()
    records = read(args.eval_dir / "records.csv")
    print(f"read {len(records)} records in {time.perf_counter() - started:.1f} s")
    accuracy(args.eval_dir, records, rules)
    if not args.skip_throughput:
        throughput(records, rules)


if __name__ == "__main__":
    main()
