"""Writing a batch-linked graph in bulk: records with block keys, then persons and links.

Records and their block keys depend only on the records, not on the linking, so
they can be written while the engine is still clustering: `RecordWriter` does
that in a forked child process (the second core), which inherits the records
and their features without copying them, and opens its own store connection.
Each chunk of records is one transaction.
"""

from __future__ import annotations

import multiprocessing
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from multiprocessing.connection import Connection

import numpy as np

from mpi.domain.errors import StoreError
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.domain.records import Record
from mpi.domain.stored_records import RecordWrite
from mpi.matching.features import Features
from mpi.services.batch_keys import BlockKeyTable
from mpi.store.port import Store, WriteTx

CHUNK = 50_000
StoreOpener = Callable[[], Store]
# Crockford base32, as in mpi.domain.ids: ids made here look and sort like new_id's.
_ALPHABET = np.array(list("0123456789ABCDEFGHJKMNPQRSTVWXYZ"))
_BITS = np.array([16, 8, 4, 2, 1], dtype=np.int64)


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


class RecordWriter:
    """`write_records` in a forked child process; `wait()` for it before linking records."""

    def __init__(
        self,
        open_store: StoreOpener,
        records: Sequence[Record],
        f: Features,
        kinds: Sequence[str],
        at: datetime,
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child, args=(open_store, records, f, kinds, at, writer), daemon=True
        )
        self._process.start()
        writer.close()

    def wait(self) -> float:
        """Block until every record is written; returns the child's seconds.

        Raises:
            StoreError: the child failed (its error is repeated) or died.
        """
        self._process.join()
        message = self._reader.recv() if self._reader.poll() else None
        self._reader.close()
        if isinstance(message, float) and self._process.exitcode == 0:
            return message
        why = message or f"exit {self._process.exitcode}"
        raise StoreError(f"writing records failed: {why}")


def _child(
    open_store: StoreOpener,
    records: Sequence[Record],
    f: Features,
    kinds: Sequence[str],
    at: datetime,
    report: Connection,
) -> None:
    started = time.perf_counter()
    try:
        store = open_store()
        try:
            write_records(store, records, BlockKeyTable(f, kinds), at)
        finally:
            store.close()
    except BaseException as exc:  # reported to the parent, which raises it there
        report.send(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from None
    report.send(time.perf_counter() - started)


def person_ids(prefix: str, count: int) -> list[str]:
    """`count` fresh ids in `mpi.domain.ids.new_id`'s layout, made in one vectorised step."""
    if count == 0:
        return []
    millis = time.time_ns() // 1_000_000
    head = prefix + "".join(str(_ALPHABET[(millis >> (5 * k)) & 31]) for k in range(9, -1, -1))
    random = np.frombuffer(secrets.token_bytes(10 * count), dtype=np.uint8).reshape(count, 10)
    digits = np.unpackbits(random, axis=1).reshape(count, 16, 5).astype(np.int64) @ _BITS
    tails = _ALPHABET[digits].view("<U16").ravel().tolist()
    return [head + tail for tail in tails]


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
