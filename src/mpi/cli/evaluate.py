"""`mpi evaluate`: compare predicted person assignments with the ground truth."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from mpi.domain.records import Record
from mpi.evaluation import evaluate
from mpi.evaluation.report import format_text, to_dict
from mpi.io.assignments import read_assignments
from mpi.io.hard_negatives_file import read_hard_negatives
from mpi.io.records_file import read_records

DEFAULT_HARD_NEGATIVES = "hard_negatives.csv"


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "evaluate",
        help="pairwise and cluster metrics of predicted assignments against the truth",
        description=(
            "Both files are institution,record_id,person_id (the predicted file may name the "
            "third column cluster_id). Prints pairwise precision/recall/F1, B-cubed scores, "
            "exact, split and merged persons, and false merges of hard-negative pairs."
        ),
    )
    parser.add_argument("--truth", required=True, metavar="T", help="ground-truth assignments")
    parser.add_argument("--predicted", required=True, metavar="P", help="predicted assignments")
    parser.add_argument(
        "--hard-negatives",
        metavar="H",
        help=f"person_a,person_b,kind pairs (default: {DEFAULT_HARD_NEGATIVES} next to T)",
    )
    parser.add_argument(
        "--records",
        metavar="R",
        help="the linked records file: splits each kind's false merges into those against "
        "evidence in the batch (two valid CURPs, or birth years a generation apart, inside "
        "the merged cluster) and those on absent evidence",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    truth = read_assignments(args.truth)
    predicted = read_assignments(args.predicted)
    hard_path = _hard_negatives_path(args)
    pairs = read_hard_negatives(hard_path) if hard_path else []
    records = None
    if args.records:
        records = [r for r in read_records(args.records) if isinstance(r, Record)]
    evaluation = evaluate(truth, predicted, pairs, records)
    if args.json:
        print(json.dumps(to_dict(evaluation), indent=2))
    else:
        print(format_text(evaluation))
    return 0


def _hard_negatives_path(args: argparse.Namespace) -> Path | None:
    if args.hard_negatives:
        return Path(args.hard_negatives)
    beside = Path(args.truth).with_name(DEFAULT_HARD_NEGATIVES)
    return beside if beside.is_file() else None
