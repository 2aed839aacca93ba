"""A queue for SQLite writers across processes: an flock on a file next to the database.

SQLite's own busy handler lets a writer that finds the database locked sleep in growing
steps (up to 100 ms) before trying again; a process whose threads hand the write lock to
one another at once can keep it for seconds while the other process sleeps (two
`mpi serve` workers: one served 3,108 registrations, the other 486, waiting up to 2.5 s).
Writers that block in flock are woken by the kernel as soon as the holder lets go.

The lock only orders writers; SQLite's lock still guarantees exclusion, so a writer that
does not take it (another tool, sqlite3 on the command line) is merely not queued. The
kernel drops an flock when its process dies, so a killed holder never blocks the others.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mpi.domain.errors import StoreError


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".writer-lock")


class WriterLock:
    """The writer queue of one database, for one store object.

    flock belongs to an open file, so each WriterLock (one descriptor) queues against every
    other, in this process or another; threads sharing one WriterLock must take turns
    through their own lock first (SqliteStore does, with its writer RLock).
    """

    def __init__(self, database: Path) -> None:
        self._path = lock_path(database)
        self._fd: int | None = None
        self._guard = threading.Lock()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Wait for the lock (without limit: holders are transactions that end or die)."""
        fd = self._descriptor()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    @contextmanager
    def hold_if_free(self) -> Iterator[bool]:
        """Take the lock only if nobody holds it; yields whether it was taken."""
        fd = self._descriptor()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._guard:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _descriptor(self) -> int:
        with self._guard:
            if self._fd is None:
                try:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
                except OSError as exc:
                    raise StoreError(
                        f"cannot open the writer lock {str(self._path)!r}: {exc}"
                    ) from exc
            return self._fd
