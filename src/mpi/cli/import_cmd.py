"""`mpi import FILE`: register every record of a record file into the store, one by one.

Streams the file twice (term frequencies first, then registration), so memory
does not grow with the file. Bad rows are written to a rejected-rows file with
their line, field and rule, and the import goes on. Re-running an interrupted
import ends with the same graph as an uninterrupted run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from mpi.bootstrap import Services, build
from mpi.cli._batch_options import add_batch_options, rejected_path, settings_from
from mpi.cli._rejected import RejectedWriter, records_or_rejections
from mpi.domain.records import Record
from mpi.io.records_file import read_records
from mpi.matching.term_frequency import TermFrequencies
from mpi.services.audit import Actor
from mpi.services.importer import (
    ImportSummary,
    count_terms,
    hold_counts,
    import_records,
    release_counts,
)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "import",
        help="register every record of a record file (incremental linking)",
        description=(
            "Register each record of FILE (canonical CSV or NDJSON) in its own transaction: "
            "link it to a person, create a new one, or queue a review. Rejected rows go to "
            "the rejected-rows file with line, field and reason; the import goes on. "
            "Re-running an interrupted import is safe and ends with the same graph."
        ),
    )
    parser.add_argument("file", metavar="FILE", type=Path)
    add_batch_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    counts, total = _count(args.file)
    services = build(settings_from(args))
    rejected = rejected_path(args)
    try:
        summary = _import(services, args, counts_total=(counts, total), rejected=rejected)
    finally:
        services.close()
    _print_summary(summary, args.file, services.settings.store_url, rejected, started)
    return 0


def _count(path: Path) -> tuple[TermFrequencies, int]:
    rows = 0

    def records() -> Iterator[Record]:
        nonlocal rows
        for row in read_records(path):
            rows += 1
            if isinstance(row, Record):
                yield row

    counts, _ = count_terms(records())
    return counts, rows


def _import(
    services: Services,
    args: argparse.Namespace,
    counts_total: tuple[TermFrequencies, int],
    rejected: Path,
) -> ImportSummary:
    counts, total = counts_total
    actor = Actor(services.settings.actor, "admin", purpose=f"import {args.file.name}")
    hold_counts(services.linking, counts)
    completed = False
    bar = tqdm(total=total, unit="rec", disable=args.quiet, file=sys.stderr, mininterval=0.5)
    try:
        with rejected.open("w", encoding="utf-8", newline="") as out:
            writer = RejectedWriter(out)
            summary = import_records(
                services.linking,
                records_or_rejections(args.file),
                actor,
                on_rejected=writer,
                on_row=lambda: bar.update(),
            )
        completed = True
    finally:
        bar.close()
        release_counts(services.linking, completed)
    return summary


def _print_summary(
    summary: ImportSummary, path: Path, store_url: str, rejected: Path, started: float
) -> None:
    seconds = time.perf_counter() - started
    print(f"imported {summary.rows} rows of {path} into {store_url} in {seconds:.1f} s")
    print(f"  linked     {summary.linked:>9}  (joined an existing person)")
    print(f"  new        {summary.new:>9}  (a new person)")
    print(f"  review     {summary.review:>9}  (a new person + a review task)")
    print(f"  unchanged  {summary.unchanged:>9}  (already registered, same content)")
    print(f"  moved      {summary.moved:>9}  (changed records that left their person)")
    print(f"  rejected   {summary.rejected:>9}  -> {rejected}")
    for reason, n in summary.reasons.most_common():
        print(f"    {reason:<34} {n:>7}")
