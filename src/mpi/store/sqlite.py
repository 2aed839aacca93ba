"""The embedded default store: stdlib sqlite3 in WAL mode, one writer and many readers.

Every write transaction is `BEGIN IMMEDIATE`, so writers (threads or processes)
take turns and a decision made inside one (read candidates, then create a
person) cannot interleave with another's. Connections come from a small pool;
a connection is used by one thread at a time.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from mpi.domain.errors import ConflictError, MpiError, StoreError
from mpi.store.sqlite_bulk import BulkWrites, building, loading_path, publish
from mpi.store.sqlite_connect import BUSY_TIMEOUT_MS, connect, initialise
from mpi.store.sqlite_link_writes import LinkWrites
from mpi.store.sqlite_reads import RecordReads
from mpi.store.sqlite_record_writes import RecordWrites
from mpi.store.sqlite_steward_reads import StewardReads
from mpi.store.sqlite_steward_writes import StewardWrites
from mpi.store.sqlite_writer_lock import DEFAULT_TIMEOUT_S, WriterLock, timeout_from


class SqliteReadTx(RecordReads, StewardReads):
    """Implements mpi.store.port.ReadTx."""


class SqliteWriteTx(RecordWrites, LinkWrites, StewardWrites, SqliteReadTx):
    """Implements mpi.store.port.WriteTx."""


class SqliteBulkTx(BulkWrites, SqliteWriteTx):
    """Implements mpi.store.port.BulkWriteTx."""


class SqliteStore:
    """Implements mpi.store.port.Store over one SQLite file."""

    def __init__(self, path: Path, writer_timeout: float | None = DEFAULT_TIMEOUT_S) -> None:
        """`writer_timeout`: seconds a write waits for other processes' writers before it
        fails with a StoreError (None: without limit)."""
        initialise(path)
        self.path = path
        self._idle: list[sqlite3.Connection] = []
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Re-entrant: a write opened inside another write in the same thread then fails
        # with SQLite's busy timeout (a StoreError) instead of hanging for ever.
        self._writer = threading.RLock()
        # Queues this store's writers behind other processes' (see sqlite_writer_lock).
        self._queue = WriterLock(path, writer_timeout)
        self._closed = False

    @contextmanager
    def read(self) -> Iterator[SqliteReadTx]:
        with self._transaction("BEGIN") as conn:
            yield SqliteReadTx(conn)

    @contextmanager
    def write(self) -> Iterator[SqliteWriteTx]:
        # Threads of this process queue on the RLock, processes on the file lock; both
        # wake their next writer at once, and the file lock is let go first, so the other
        # process's waiter gets its turn. SQLite's busy handler (which sleeps in steps)
        # only waits for writers that take neither.
        with self._writer, self._queue.hold(), self._transaction("BEGIN IMMEDIATE") as conn:
            yield SqliteWriteTx(conn)

    @contextmanager
    def write_if_free(self) -> Iterator[SqliteWriteTx | None]:
        """Implements mpi.store.port.ImmediateWriter: never waits for another writer."""
        if not self._writer.acquire(blocking=False):
            yield None
            return
        try:
            with self._queue.hold_if_free() as free:
                if not free:
                    yield None
                    return
                with self._transaction_if_free() as conn:
                    yield None if conn is None else SqliteWriteTx(conn)
        finally:
            self._writer.release()

    @contextmanager
    def bulk_load(self) -> Iterator[SqliteBulkTx]:
        """Implements mpi.store.port.BulkLoader (see mpi.store.sqlite_bulk)."""
        with self._writer:
            self._require_empty()
            with building(self.path) as conn, _domain_errors(self.path):
                tx = SqliteBulkTx(conn)
                try:
                    yield tx
                    tx.finish_load()
                finally:
                    tx.stop_staging()
            with _domain_errors(self.path):
                try:
                    self._drop_connections()
                except BaseException:
                    loading_path(self.path).unlink(missing_ok=True)
                    raise
                publish(self.path)

    def _require_empty(self) -> None:
        with self.read() as tx:
            held = tx.stats().records
        if held:
            raise ConflictError(f"a bulk load needs an empty store; this one holds {held} records")

    def _drop_connections(self) -> None:
        # The file is about to be replaced: a connection kept open on the old one would
        # later delete the new file's WAL by name. The pool reconnects lazily.
        with self._lock:
            if len(self._idle) != len(self._all):
                raise StoreError("the store is in use by another thread; cannot bulk load it")
            for conn in self._all:
                conn.close()
            self._all.clear()
            self._idle.clear()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for conn in self._all:
                conn.close()
            self._all.clear()
            self._idle.clear()
        self._queue.close()

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        conn = self._acquire()
        try:
            with _domain_errors(self.path):
                conn.execute(begin)
                yield conn
                conn.commit()
        finally:
            self._release(conn)

    @contextmanager
    def _transaction_if_free(self) -> Iterator[sqlite3.Connection | None]:
        conn = self._acquire()
        try:
            with _domain_errors(self.path):
                if not _begin_without_waiting(conn):
                    yield None
                    return
                yield conn
                conn.commit()
        finally:
            self._release(conn)

    def _acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise StoreError(f"the SQLite store {str(self.path)!r} is closed")
            if self._idle:
                return self._idle.pop()
        conn = connect(self.path)
        with self._lock:
            self._all.append(conn)
        return conn

    def _release(self, conn: sqlite3.Connection) -> None:
        # Whatever went wrong (an exception in the block, a failed commit), the
        # transaction ends here and nothing of it is kept.
        try:
            if conn.in_transaction:
                conn.rollback()
        except sqlite3.Error:
            with self._lock:
                self._all.remove(conn)
            conn.close()
            return
        with self._lock:
            if not self._closed:
                self._idle.append(conn)


@contextmanager
def _domain_errors(path: Path) -> Iterator[None]:
    """Turn sqlite3 errors that escape an operation into the port's domain errors."""
    try:
        yield
    except MpiError:
        raise
    except sqlite3.IntegrityError as exc:
        raise ConflictError(f"the store refused a change: {exc}") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"SQLite store {str(path)!r} failed: {exc}") from exc


def _begin_without_waiting(conn: sqlite3.Connection) -> bool:
    """BEGIN IMMEDIATE with SQLite's busy handler off: False if another process writes."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return True


def open_sqlite_store(path: Path, environ: Mapping[str, str] | None = None) -> SqliteStore:
    """Open the mpi database at `path`, creating it (and its schema) if it does not exist.

    Writes wait for other processes' writers at most MPI_SQLITE_WRITER_TIMEOUT seconds
    (read from `environ`, default `os.environ`; see mpi.store.sqlite_writer_lock).

    Raises:
        StoreError: the file is not a SQLite database, belongs to another
            application, has another schema version, or cannot be created; or the
            writer timeout is malformed.
    """
    return SqliteStore(path, timeout_from(os.environ if environ is None else environ))
