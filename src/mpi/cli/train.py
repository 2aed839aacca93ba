"""`mpi train`: estimate m/u probabilities and the prior from a record file."""

from __future__ import annotations

import argparse
import time
from typing import Any

from mpi.cli._record_input import load_records
from mpi.domain.errors import ValidationError
from mpi.matching.training import TrainingResult, train
from mpi.rules_file import load_rules_or_default, write_rules


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "train",
        help="estimate a rules file from data (u from random pairs, m by EM)",
        description=(
            "Reads a canonical record file, estimates u from random record pairs and m and "
            "the prior by expectation-maximisation over the blocked pairs, and writes a rules "
            "file. Comparisons, levels, blocking and thresholds come from --rules."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="canonical record file (CSV or NDJSON)")
    parser.add_argument("--out", required=True, metavar="RULES.toml", help="rules file to write")
    parser.add_argument("--rules", metavar="BASE", help="starting rules (default: packaged)")
    parser.add_argument("--max-iterations", type=int, default=100, metavar="N")
    parser.add_argument("--tolerance", type=float, default=1e-4, metavar="T")
    parser.add_argument("--u-pairs", type=int, default=2_000_000, metavar="N")
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    base = load_rules_or_default(args.rules)
    records = load_records(args.file, "train")
    if len(records) < 2:
        raise ValidationError.single(args.file, "records", "training needs at least 2 records")
    result = train(
        records,
        base,
        max_iterations=args.max_iterations,
        tolerance=args.tolerance,
        u_pairs=args.u_pairs,
        seed=args.seed,
    )
    write_rules(args.out, result.rules)
    print(summary(result, len(records), time.perf_counter() - started, args.out))
    return 0


def summary(result: TrainingResult, records: int, seconds: float, out: str) -> str:
    verdict = (
        f"converged after {result.iterations} iterations"
        if result.converged
        else f"NOT converged: stopped at the iteration cap ({result.iterations})"
    )
    lines = [
        f"records:        {records}",
        f"random pairs:   {result.random_pairs} (for u)",
        f"blocked pairs:  {result.blocked_pairs} (for m, by EM)",
        f"EM:             {verdict}",
        f"matches among blocked pairs: {result.match_share:.4f}; prior {result.rules.prior:.3g}",
        "level weights (log2 m/u):",
    ]
    for spec in result.rules.comparisons:
        weights = ", ".join(f"{level.label} {level.weight:+.1f}" for level in spec.levels[1:])
        lines.append(f"  {spec.name}: {weights}")
    lines += [f"rules written:  {out}", f"seconds:        {seconds:.1f}"]
    return "\n".join(lines)
