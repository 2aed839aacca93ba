"""Model state in its own table of the embedded SQLite store file."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from mpi.domain.errors import StoreError
from mpi.store.sqlite_writer_lock import WriterLock, timeout_from

DDL = """
CREATE TABLE IF NOT EXISTS model_state (
    name     TEXT PRIMARY KEY,
    body     TEXT NOT NULL,
    saved_at TEXT NOT NULL
)
"""
SAVE = """
INSERT INTO model_state (name, body, saved_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at
"""


class SqliteModelState:
    """A ModelStateStore over one SQLite file, with a short-lived connection per call.

    Holding no connection between calls lets a bulk load rename a new file over the
    store (mpi.store.sqlite_bulk) while this object is alive; calls are rare and tiny.
    """

    def __init__(self, path: Path, environ: Mapping[str, str] | None = None) -> None:
        """`environ`: where MPI_SQLITE_WRITER_TIMEOUT is read (default `os.environ`)."""
        self._path = path
        self._lock = threading.Lock()
        # Saves queue with the store's writers (sqlite_writer_lock), one at a time here.
        self._saving = threading.Lock()
        self._queue = WriterLock(path, timeout_from(os.environ if environ is None else environ))
        try:
            with self._connection() as conn:
                conn.execute(DDL)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the model state table in {path}: {exc}") from exc

    def load(self, name: str) -> str | None:
        with self._connection() as conn:
            row = conn.execute("SELECT body FROM model_state WHERE name = ?", (name,))
            found = row.fetchone()
        return None if found is None else str(found[0])

    def save(self, name: str, body: str, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("model state timestamps must be timezone-aware")
        try:
            with self._saving, self._queue.hold(), self._connection() as conn:
                conn.execute(SAVE, (name, body, at.astimezone(UTC).isoformat()))
        except sqlite3.Error as exc:
            raise StoreError(f"cannot save model state {name!r}: {exc}") from exc

    def close(self) -> None:
        """Releases the writer lock's descriptor; no connection outlives a call."""
        self._queue.close()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = sqlite3.connect(self._path, isolation_level=None, timeout=30.0)
            try:
                yield conn
            finally:
                conn.close()
