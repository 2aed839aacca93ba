"""`mpi link FILE --out FILE`: batch-link a record file and persist the graph in the store.

Every valid record gets a person; the output file lists `institution,record_id,person_id`
for each of them (the shape `mpi evaluate` reads). Rejected rows go to the rejected-rows
file and are not linked.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from mpi.bootstrap import build
from mpi.cli._batch_options import add_batch_options, rejected_path, settings_from
from mpi.cli._rejected import RejectedWriter
from mpi.domain.batch_columns import RecordColumns
from mpi.io.assignments import AssignmentsBeside
from mpi.io.bulk_read import read_record_columns
from mpi.services.audit import Actor
from mpi.services.batch_link import BatchLinkResult, link_records
from mpi.services.importer import Rejection
from mpi.services.model import term_frequencies_state
from mpi.store.model_state import TERM_FREQUENCIES
from mpi.store.port import BulkLoader


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "link",
        help="batch-link a record file into an empty store",
        description=(
            "Link every record of FILE at once (block, score, cluster), write "
            "institution,record_id,person_id for each record to --out, and persist the "
            "graph (records, persons, links, review tasks) into the store, which must be "
            "empty. Use `mpi import` to add records to an existing graph."
        ),
    )
    parser.add_argument("file", metavar="FILE", type=Path)
    parser.add_argument("--out", metavar="FILE", type=Path, required=True)
    add_batch_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # The collector stays off from the read to the end of the write: what is read lives
    # until the end, and linking and writing allocate millions of objects, nearly all
    # acyclic (rows, pair lists). Its passes over them cost ~1.4 CPU s at 1M (~5 %) and
    # find little (~30k objects in cycles at 1M), collected once it is back on.
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.enable()


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    args.rejected_path = rejected_path(args)
    columns, rejected = _read(args.file, args.rejected_path)
    # Exempt from the collector's passes once it is back on (a caller of main(argv)).
    gc.freeze()
    # link_records gets the only reference, so that it can let the columns go once they
    # are written (a store without bulk loading writes them before linking) ...
    handed_over = [columns]
    del columns
    read_seconds = time.perf_counter() - started
    services = build(settings_from(args))
    # ... except that a bulk load holds them until the end anyway: kept here, they are not
    # freed one object at a time before this process exits (see exit_at_once below).
    kept = handed_over[0] if isinstance(services.store, BulkLoader) else None
    # Written on a thread while the store ends its load (copy, index, sync: SQLite releases
    # the GIL), under a temporary name until the graph is in.
    assignments = AssignmentsBeside(args.out)
    # The write's large intermediates (key table, links, tasks), kept like `kept`.
    held: list[object] = []
    try:
        actor = Actor(services.settings.actor, "admin", purpose=f"batch link {args.file.name}")
        if not args.quiet:
            print(f"linking {len(handed_over[0]):,} records …", file=sys.stderr, flush=True)
        bar = tqdm(total=len(handed_over[0]), unit="rec", disable=args.quiet, file=sys.stderr)
        try:
            result = link_records(
                services.store,
                handed_over.pop(),
                services.rules,
                actor,
                on_chunk=bar.update,
                on_written=lambda done: assignments.start(done.keys, done.person_ids),
                hold=held,
            )
        finally:
            bar.close()
        state = term_frequencies_state(result.term_frequencies)
        services.model_state.save(TERM_FREQUENCIES, state, datetime.now(UTC))
    except BaseException:
        assignments.discard()
        raise
    finally:
        services.close()
    assignments.publish(result.keys, result.person_ids)
    _print_summary(args, services.settings.store_url, result, rejected, read_seconds, started)
    # Everything is written, closed and durable: the command line's process may end
    # without freeing the batch (mpi.cli.main), which stays referenced until then.
    args.exit_at_once = True
    args.left_in_memory = (kept, result, held)
    return 0


def _read(path: Path, rejected_path: Path) -> tuple[RecordColumns, int]:
    with rejected_path.open("w", encoding="utf-8", newline="") as out:
        writer = RejectedWriter(out)
        # The whole file is linked at once anyway, so it is read on both cores, into
        # columns: no Record per row.
        columns, errors = read_record_columns(path)
        for error in errors:
            writer(Rejection(error.line, error.record_key, error.problems))
    return columns, len(errors)


def _print_summary(
    args: argparse.Namespace,
    store_url: str,
    result: BatchLinkResult,
    rejected: int,
    read_seconds: float,
    started: float,
) -> None:
    seconds = time.perf_counter() - started
    print(f"linked {len(result.person_ids)} records of {args.file} in {seconds:.1f} s")
    print(f"  persons          {result.persons:>10}")
    print(f"  linked records   {result.linked_records:>10}  (sharing a person with another)")
    print(f"  review tasks     {result.review_tasks:>10}")
    print(f"  candidate pairs  {result.candidate_pairs:>10}")
    print(f"  merges refused   {result.merges_refused:>10}  (hard evidence against)")
    print(f"  oversized blocks {len(result.oversized_blocks):>10}  (skipped, not truncated)")
    print(f"  rejected rows    {rejected:>10}  -> {args.rejected_path}")
    print(f"  assignments      -> {args.out}")
    print(f"  graph            -> {store_url}")
    timings = {"read": read_seconds, **result.timings}
    print("  seconds          " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
