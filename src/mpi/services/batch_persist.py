"""Writing a batch-linked graph in bulk.

A store that offers `BulkLoader` gets the whole graph in its one bulk transaction,
each record inserted already linked: the caller opens the load, has its block keys made
beside (`stage_keys`, as early as it can), then writes the graph (`write_graph`). Any
other store gets records with block keys, then persons and links, one transaction per
chunk of records (`write_records`, `write_persons`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import cast

import numpy as np

from mpi._fork import workers
from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.domain.records import Record
from mpi.domain.stored_records import BlockKeyRuns, RecordWrite
from mpi.services.batch_keys import BlockKeyTable
from mpi.store.port import BulkWriteTx, Store, WriteTx

CHUNK = 50_000
# Below this many records a forked child (~0.1 s at 1 GB) costs about what it saves.
BESIDE_MIN = 50_000


def chunks(n: int, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    """(start, stop) ranges covering 0..n-1."""
    for start in range(0, n, size):
        yield start, min(start + size, n)


def write_records(
    store: Store, records: Sequence[Record], table: BlockKeyTable, at: datetime
) -> None:
    """Upsert every record with its block keys, one transaction per chunk."""
    for start, stop in chunks(len(records)):
        keys = table.keys(start, stop)
        rows = [RecordWrite(records[i], keys[i - start]) for i in range(start, stop)]
        with store.write() as tx:
            tx.upsert_records(rows, at)


def write_persons(
    store: Store,
    links: Sequence[Link],
    at: datetime,
    extra: Callable[[WriteTx, int, int], None],
    on_chunk: Callable[[int], None] | None = None,
) -> None:
    """Create every linked person and write the links, one transaction per chunk.

    `extra(tx, start, stop)` adds that chunk's other writes (review tasks, audit).
    """
    created: set[str] = set()
    for start, stop in chunks(len(links)):
        chunk = links[start:stop]
        ids = dict.fromkeys(link.person_id for link in chunk)
        fresh = [pid for pid in ids if pid not in created]
        created.update(fresh)
        with store.write() as tx:
            tx.create_persons([Person(pid, PersonStatus.ACTIVE, at) for pid in fresh])
            tx.link_many(chunk)
            extra(tx, start, stop)
        if on_chunk:
            on_chunk(stop - start)


def stage_keys(tx: BulkWriteTx, records: RecordColumns, runs: Callable[[], BlockKeyRuns]) -> bool:
    """Have the load make the block keys of `records` beside what the caller does next
    (`runs()` gives them, in the records' order, in another process), if the batch is
    large enough and a second core is there; whether it does."""
    if len(records) < BESIDE_MIN or workers() < 2:
        return False
    tx.stage_block_keys(records, cast(Sequence[int], np.arange(len(records))), runs)
    return True


def write_graph(
    tx: BulkWriteTx,
    records: RecordColumns,
    table: BlockKeyTable | None,
    links: LinkColumns,
    at: datetime,
    extra: Callable[[WriteTx, int, int], None],
    on_chunk: Callable[[int], None] | None = None,
    on_written: Callable[[], None] | None = None,
    persons: Sequence[str] | None = None,
) -> None:
    """Write every person, then every record and its link, into the open bulk load `tx`;
    the block keys from `table`, or None if `stage_keys` staged them. `on_written` is
    called once every row is given to the load, before the load ends (what is left of
    it, e.g. SQLite's copy of the block keys, indexing, sync and rename, runs after it
    returns): it may start work that needs no store. `persons`: the distinct person ids
    of `links`, sorted, if the caller has them.

    Records go in the batch's own order: each column is then read front to back. (In
    record-key order the key index only grew at its end, but every column was gathered
    from all over a heap of a million records' values: at 1M the records' inserts took
    6.0 s instead of 5.0, and the sort itself 0.4 s more.)
    """
    persons = sorted(set(links.person_ids)) if persons is None else list(persons)
    tx.create_person_ids(persons, at)
    del persons
    order = np.arange(len(records), dtype=np.intp)
    # Chunks of the slices the staging child joins (JOINED_RUNS).
    for start, stop in chunks(len(records), CHUNK):
        rows = order[start:stop]
        keys = None if table is None else table.runs(rows)
        tx.insert_linked_columns(records, links, rows.tolist(), keys, at)
        if on_chunk:
            on_chunk(stop - start)
    for start, stop in chunks(len(records)):
        extra(tx, start, stop)
    if on_written:
        on_written()
