"""Bulk loading an empty SQLite store: build the whole graph in a side file, then rename it in.

A batch link writes a million records into a store that holds nothing, so none of
the safety that protects a live store needs to be paid row by row. The graph is
built into `<store>.loading` next to the store with no journal, no fsync, no
memory map and the secondary indexes dropped (recreated in one sorted pass at
the end); records arrive already linked, so each row is written once, and block keys
(with the store's own search rows) are held back and written in one pass in index order
at the end (for a large batch, made meanwhile by a child process: `stage_block_keys`,
mpi.store.sqlite_bulk_beside, which also joins each record's key texts). A batch link
passes columns (`insert_linked_columns`): no object per record. Then the file is
switched to WAL, fsynced and renamed over the store (`os.replace`, atomic on POSIX). A
crash before the rename leaves the store as it was (empty) and a stale side file that the
next load removes; after it, the complete graph.

Rows that tables of other modules keep in the store's file (model state, API keys)
are copied into the side file just before the rename.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.errors import ConflictError
from mpi.domain.persons import Link, Person
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.domain.stored_records import BlockKeyRuns, RecordWrite
from mpi.store import sqlite_bulk_columns as columns
from mpi.store import sqlite_bulk_rows as bulk_rows
from mpi.store import sqlite_codec as codec
from mpi.store.sqlite_bulk_beside import KeysBeside, Staged, staging_path
from mpi.store.sqlite_bulk_keys import HeldKeys
from mpi.store.sqlite_bulk_statements import Statement, by_columns, by_windows, literal, run
from mpi.store.sqlite_link_writes import LinkWrites
from mpi.store.sqlite_record_writes import RecordWrites, validate
from mpi.store.sqlite_schema import DDL

LOADING_SUFFIX = ".loading"
# Dropped while loading and recreated by re-running the (idempotent) DDL afterwards:
# building an index once from sorted rows is far cheaper than maintaining it per row.
_DEFERRED_INDEXES = ("records_by_person",)
# Their statements as the DDL writes them (IF NOT EXISTS: `finish_load` builds them first).
_DEFERRED_SQL = tuple(
    match.group(0)
    for name in _DEFERRED_INDEXES
    if (match := re.search(rf"CREATE INDEX IF NOT EXISTS {name} [^;]*", DDL))
)
# Rows arrive mostly in append order, so a small page cache does; the memory is better
# left to the linking that holds a million records (mpi link's peak must stay under 2 GB).
CACHE_KIB = 65_536
# SQLite sorts an index's entries in runs as large as the page cache, then merges them:
# runs of 8 MB are sorted within the CPU's caches (records_by_person at 1M: 0.37-0.39 s
# against 0.46-0.51 s with runs of 64 MB; 4 MB does as well, 2 MB less well).
INDEX_CACHE_KIB = 8_192
_PRAGMAS = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    # Foreign keys are not looked up row by row (a million probes of the persons index,
    # a third of the records' insert): the loader inserts institutions before their
    # records and checks each link's person itself (BulkWrites).
    "PRAGMA foreign_keys = OFF",
    f"PRAGMA cache_size = -{CACHE_KIB}",
    "PRAGMA mmap_size = 0",
)


_MADE = attrgetter("linked_at", "by")
_INSERT_PERSON = "INSERT INTO persons (id, status, created_at) VALUES {values}"
_ADD_INSTITUTION = "INSERT OR IGNORE INTO institutions (code) VALUES (?)"


def loading_path(path: Path) -> Path:
    """Where the graph of the store at `path` is built before it is renamed into place."""
    return path.with_name(path.name + LOADING_SUFFIX)


@contextmanager
def building(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a fresh side file for the store at `path`, in one open transaction.

    On clean exit the transaction is committed and the indexes built (those that
    `BulkWrites.finish_load` has not built yet); the file is left for `publish`. If
    the block raises, the side file is removed.
    """
    side = loading_path(path)
    side.unlink(missing_ok=True)  # left by a load that crashed
    staging_path(side).unlink(missing_ok=True)
    conn = sqlite3.connect(side, isolation_level=None, check_same_thread=False)
    try:
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        conn.executescript(DDL)
        for index in _DEFERRED_INDEXES:
            conn.execute(f"DROP INDEX {index}")
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")
        conn.executescript(DDL)
    except BaseException:
        conn.close()
        side.unlink(missing_ok=True)
        staging_path(side).unlink(missing_ok=True)
        raise
    conn.close()
    staging_path(side).unlink(missing_ok=True)  # attached until the close


def publish(path: Path) -> None:
    """Rename the side file built by `building` over the (empty) store at `path`.

    No connection to the store may be open, in this process or another.

    Raises:
        ConflictError: the store received records while the graph was being built.
    """
    side = loading_path(path)
    try:
        conn = sqlite3.connect(side, isolation_level=None)
        try:
            _copy_side_tables(conn, path)
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        with side.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(side, path)
    except BaseException:
        side.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _copy_side_tables(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("ATTACH DATABASE ? AS target", (str(path),))
    try:
        conn.execute("BEGIN")
        held = conn.execute("SELECT count(*) FROM target.records").fetchone()[0]
        if held:
            raise ConflictError(
                f"the store {str(path)!r} received {held} records during the bulk load"
            )
        ours = {row[0] for row in conn.execute("SELECT tbl_name FROM main.sqlite_schema")}
        # Tables before their indexes ('table' sorts after 'index', hence DESC).
        theirs = conn.execute(
            "SELECT type, name, tbl_name, sql FROM target.sqlite_schema "
            "WHERE sql IS NOT NULL AND type IN ('table', 'index') ORDER BY type DESC"
        ).fetchall()
        for kind, name, table, sql in theirs:
            if table in ours:
                continue
            conn.execute(sql)
            if kind == "table":
                conn.execute(f'INSERT INTO main."{name}" SELECT * FROM target."{name}"')
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("DETACH DATABASE target")


class BulkWrites(RecordWrites, LinkWrites):
    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self._held = HeldKeys()
        self._free_rid: int | None = None  # of insert_linked_columns
        # A batch passes its one key list with every chunk: checked once.
        self._checked_keys: Sequence[str] | None = None
        self._persons: set[str] = set()  # created in this load
        self._days = columns.Days()
        self._institutions: set[object] = set()  # inserted in this load
        # Records whose block keys a child stages (stage_block_keys): first rid, rows.
        self._beside: KeysBeside | None = None
        self._staged: tuple[int, np.ndarray] | None = None

    def create_persons(self, persons: Sequence[Person]) -> None:
        super().create_persons(persons)
        self._persons.update(p.id for p in persons)

    def create_person_ids(self, ids: Sequence[str], at: datetime) -> None:
        fresh = set(ids)
        if len(fresh) != len(ids) or not self._persons.isdisjoint(fresh):
            raise ConflictError("a person id is given twice")
        shared = ("'active'", literal(codec.ts(at, "created_at")))
        run(self._conn, by_columns(_INSERT_PERSON, [sorted(ids)], shared))
        self._persons |= fresh

    def insert_linked_columns(
        self,
        records: RecordColumns,
        links: LinkColumns,
        rows: Sequence[int],
        keys: BlockKeyRuns | None,
        at: datetime,
    ) -> None:
        picked = list(rows)
        if len(links) != len(records) or (keys is not None and len(keys.starts) != len(picked) + 1):
            runs = "no" if keys is None else len(keys.starts) - 1
            raise ConflictError(f"{len(picked)} records given with {runs} runs of block keys")
        take = columns.taker(picked)
        self._check_columns(records, picked, take)
        people = take(links.person_ids)
        if not self._persons.issuperset(people):
            self._check_person_ids(set(people))
        first = self._take_rids(len(picked))
        staged = self._is_staged(first, picked)
        if not staged:
            if keys is None:
                raise ConflictError("block keys are needed for records whose keys were not staged")
            if keys.keys is not self._checked_keys:
                bulk_rows.check_keys(keys.keys, records.record(picked[0]) if picked else None)
                self._checked_keys = keys.keys
        rids = np.arange(first, first + len(picked), dtype=np.int64)
        texts = self._staged_texts(first, len(picked)) if staged else None
        if texts is None:
            assert keys is not None
            texts = columns.joined_keys(keys)
        births = self._days.texts(take(records.column("birth_date")))
        values = columns.linked_columns(records, links, take, first, texts, births)
        shared = columns.shared_values(
            links.linked_by, codec.ts(at), codec.ts(links.linked_at, "linked_at")
        )
        institutions = set(take(records.column("institution"))) - self._institutions
        self._institutions |= institutions
        work: list[Statement] = [(_ADD_INSTITUTION, [(i,) for i in institutions])]
        work += by_windows(columns.INSERT, values, len(picked), shared)
        run(self._conn, work)
        if not staged:
            assert keys is not None
            self._held.add(self._conn, keys, rids)
            curps, own = columns.search_rows(records, picked, rids, births)
            self._held.add_curps(*curps)
            self._held.add_own(*own)

    def stage_block_keys(
        self, records: RecordColumns, rows: Sequence[int], keys: Callable[[], BlockKeyRuns]
    ) -> None:
        """Make the block-key and search rows of records[rows] in a child process, beside
        whatever this process does next; `keys()` (called in the child, a fork) gives their
        runs. The next `insert_linked_columns` calls must insert exactly these rows, in
        this order (they then take their keys' texts from the child). Call it once, first."""
        if self._beside is not None or self._free_rid is not None or self._held.keys is not None:
            raise ConflictError("block keys are staged once, before any record is inserted")
        picked = np.asarray(rows, dtype=np.int64)
        first = self._count("SELECT coalesce(max(rid), 0) FROM records") + 1
        side = Path(self._conn.execute("PRAGMA database_list").fetchone()[2])
        make = partial(_staged_rows, records, picked, keys, self._days)
        self._beside = KeysBeside(side, make, first)
        self._staged = (first, picked)

    @property
    def staging_pids(self) -> tuple[int | None, int | None]:
        """The process ids of the children staging block keys (the fork making their
        inputs, the interpreter staging them) while they run, else None each."""
        if self._beside is None:
            return None, None
        return self._beside.maker_pid, self._beside.pid

    def stop_staging(self) -> None:
        """End the staging child and remove its file, if any (the load failed)."""
        if self._beside is not None:
            self._beside.stop()
            self._beside = None

    def _check_all_staged(self) -> None:
        assert self._staged is not None
        start, rows = self._staged
        if self._free_rid != start + len(rows):
            raise ConflictError("records whose block keys were staged were not all inserted")

    def _take_rids(self, count: int) -> int:
        if self._free_rid is None:
            self._free_rid = self._count("SELECT coalesce(max(rid), 0) FROM records") + 1
        first, self._free_rid = self._free_rid, self._free_rid + count
        return first

    def _staged_texts(self, first: int, count: int) -> list[str] | None:
        """The records.block_keys texts of the staged records getting rids first..,
        joined by the child (waiting for them)."""
        if self._beside is None or self._staged is None:
            return None
        return self._beside.take_texts(first - self._staged[0], count)

    def _is_staged(self, first: int, picked: list[int]) -> bool:
        """Whether the records getting rids first.. are the staged ones (ConflictError if
        they are only in part, or in another order)."""
        if self._staged is None:
            return False
        start, rows = self._staged
        at = first - start
        if at < 0 or at + len(picked) > len(rows):
            raise ConflictError("records inserted beyond those whose block keys were staged")
        if not np.array_equal(rows[at : at + len(picked)], picked):
            raise ConflictError("records inserted in another order than their keys were staged")
        return True

    def _check_columns(self, records: RecordColumns, rows: list[int], take: columns.Take) -> None:
        for name in ("institution", "record_id"):
            column = records.column(name)
            if not all(take(column)):
                bad = next(i for i in rows if not column[i])
                validate(RecordWrite(records.record(bad), ()))

    def insert_linked_records(
        self, rows: Sequence[RecordWrite], links: Sequence[Link], at: datetime
    ) -> None:
        runs = bulk_rows.runs_of([row.block_keys for row in rows])
        self.insert_linked_runs([row.record for row in rows], runs, links, at)

    def insert_linked_runs(
        self,
        records: Sequence[Record],
        keys: BlockKeyRuns,
        links: Sequence[Link],
        at: datetime,
    ) -> None:
        record_keys = bulk_rows.check(records, keys, links, with_keys=False)
        table = RecordColumns(
            tuple(list(map(attrgetter(name), records)) for name in RECORD_FIELDS), record_keys
        )
        people = list(map(attrgetter("person_id"), links))
        rules = list(map(attrgetter("rule"), links))
        chances = list(map(attrgetter("probability"), links))
        # Records in key order (the key index grows at its end), in runs of links made
        # at one instant by one actor (what LinkColumns holds).
        if not records:
            return
        order = sorted(range(len(records)), key=record_keys.__getitem__)
        made = list(map(_MADE, links))
        runs = (
            [order]
            if len(set(made)) <= 1
            else [list(g) for _, g in groupby(order, made.__getitem__)]
        )
        for rows in runs:
            stamp, by = made[rows[0]]
            columns_ = LinkColumns(record_keys, people, rules, chances, by, stamp)
            self.insert_linked_columns(table, columns_, rows, bulk_rows.select_runs(keys, rows), at)

    def _check_persons(self, links: Sequence[Link]) -> None:
        self._check_person_ids(set(map(attrgetter("person_id"), links)))

    def _check_person_ids(self, ids: set[str]) -> None:
        """ConflictError unless every person exists (what the foreign key would do)."""
        wanted = ids - self._persons
        if not wanted:
            return
        found = {
            row[0]
            for row in self._conn.execute(
                "SELECT id FROM persons WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(wanted)),),
            )
        }
        if wanted - found:
            raise ConflictError(f"link to person {min(wanted - found)!r}, which does not exist")
        self._persons |= found

    def finish_load(self) -> None:
        """Write what the load held back (its block keys); `SqliteStore.bulk_load` calls
        this before it commits."""
        # The deferred indexes first: built while a staging child may still be running.
        self._conn.execute(f"PRAGMA cache_size = -{INDEX_CACHE_KIB}")
        for sql in _DEFERRED_SQL:
            self._conn.execute(sql)
        self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if self._beside is not None:
            beside, self._beside = self._beside, None
            try:
                self._check_all_staged()
                beside.finish(self._conn)
            except BaseException:
                beside.stop()
                raise
        self._held.write(self._conn)


def _staged_rows(
    records: RecordColumns, rows: np.ndarray, keys: Callable[[], BlockKeyRuns], days: columns.Days
) -> Staged:
    """What the staging child stages for records[rows] (called in the child)."""
    runs = keys()
    if len(runs.starts) != len(rows) + 1:
        raise ConflictError(
            f"{len(rows)} records given with {len(runs.starts) - 1} runs of block keys"
        )
    # All the records in order (a batch link's case): the columns as they are. Copied,
    # each value's reference count would change, and with it every page of values this
    # fork shares with the loader would be copied.
    every = len(rows) == len(records) and bool(np.array_equal(rows, np.arange(len(rows))))
    take = _as_list if every else columns.taker(rows.tolist())
    search = (
        take(records.column("curp")),
        take(records.column("first_surname")),
        days.texts(take(records.column("birth_date"))),
    )
    return runs, search


def _as_list(values: Sequence[Any]) -> list[Any]:
    return values if isinstance(values, list) else list(values)
