"""`mpi blocking-report`: blocking recall and candidate pairs on labelled records."""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from mpi.cli._record_input import load_records
from mpi.io.assignments import read_assignments
from mpi.matching.blocking_recall import BlockingRecall, blocking_recall
from mpi.matching.features import prepare
from mpi.rules_file import load_rules_or_default

SHOWN_OVERSIZED = 10


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "blocking-report",
        help="share of true pairs the blocking keys bring together, and candidate pairs",
        description=(
            "Blocks FILE with the rules' keys and reports blocking recall (the share of true "
            "pairs, per the truth file, that share at least one key), per-key recall, the "
            "candidate pair count and the blocks skipped for exceeding the cap."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="canonical record file (CSV or NDJSON)")
    parser.add_argument(
        "--truth", required=True, metavar="T", help="institution,record_id,person_id"
    )
    parser.add_argument("--rules", metavar="R", help="rules file (default: packaged)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    rules = load_rules_or_default(args.rules)
    records = load_records(args.file, "blocking-report")
    truth = read_assignments(args.truth)
    persons: dict[str, int] = {}
    labels = np.fromiter(
        (persons.setdefault(truth[r.key], len(persons)) if r.key in truth else -1 - i
         for i, r in enumerate(records)),
        dtype=np.int64,
        count=len(records),
    )  # fmt: skip
    report = blocking_recall(
        prepare(records), labels, rules.blocking.keys, rules.blocking.max_block_size
    )
    print(format_report(report, time.perf_counter() - started))
    return 0


def format_report(report: BlockingRecall, seconds: float) -> str:
    lines = [
        f"records:          {report.records}",
        f"true pairs:       {report.true_pairs}",
        f"candidate pairs:  {report.candidate_pairs}",
        f"blocking recall:  {report.recall:.4%} ({report.found_true_pairs} of {report.true_pairs})",
        "per key (alone):",
    ]
    for key in report.per_key:
        lines.append(f"  {key.kind:<20} recall {key.recall:8.3%}  pairs {key.candidate_pairs}")
    lines.append(f"oversized blocks skipped: {len(report.oversized)}")
    for block in report.oversized[:SHOWN_OVERSIZED]:
        lines.append(f"  {block.key} ({block.size} records)")
    lines.append(f"seconds:          {seconds:.1f}")
    return "\n".join(lines)
