"""A queue for SQLite writers across processes: an flock on a file next to the database.

SQLite's own busy handler lets a writer that finds the database locked sleep in growing
steps (up to 100 ms) before trying again; a process whose threads hand the write lock to
one another at once can keep it for seconds while the other process sleeps (two
`mpi serve` workers: one served 3,108 registrations, the other 486, waiting up to 2.5 s).
Writers that block in flock are woken by the kernel as soon as the holder lets go.

The lock only orders writers; SQLite's lock still guarantees exclusion, so a writer that
does not take it (another tool, sqlite3 on the command line) is merely not queued. The
kernel drops an flock when its process dies, so a killed holder never blocks the others;
a live one that never lets go (a stuck process) makes writers give up after a timeout
(MPI_SQLITE_WRITER_TIMEOUT seconds, default 30) with a StoreError naming the database.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from mpi.domain.errors import StoreError

TIMEOUT_ENV = "MPI_SQLITE_WRITER_TIMEOUT"
# As long as SQLite's own busy timeout (sqlite_connect.BUSY_TIMEOUT_MS).
DEFAULT_TIMEOUT_S = 30.0


def timeout_from(environ: Mapping[str, str]) -> float | None:
    """The writer timeout set by MPI_SQLITE_WRITER_TIMEOUT: seconds, or "none" (no limit).

    Raises:
        StoreError: the value is neither a positive number nor "none".
    """
    raw = environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_S
    if raw.lower() == "none":
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise StoreError(
            f"{TIMEOUT_ENV} must be a positive number of seconds or 'none', got {raw!r}"
        )
    return seconds


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".writer-lock")


class WriterLock:
    """The writer queue of one database, for one store object.

    flock belongs to an open file, so each WriterLock (one descriptor) queues against every
    other, in this process or another; threads sharing one WriterLock must take turns
    through their own lock first (SqliteStore does, with its writer RLock).
    """

    def __init__(self, database: Path, timeout: float | None = None) -> None:
        """`timeout`: seconds `hold` waits for another holder before it gives up (None:
        without limit)."""
        self._database = database
        self._path = lock_path(database)
        self._timeout = timeout
        self._fd: int | None = None
        self._guard = threading.Lock()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Wait for the lock, at most the timeout.

        Raises:
            StoreError: another writer held the lock for the whole timeout.
        """
        fd = self._descriptor()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = fd
        except BlockingIOError:
            held = self._wait(fd)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
            if held != fd:
                os.close(held)

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

    def _wait(self, fd: int) -> int:
        """Block until the lock is ours; the descriptor that holds it."""
        if self._timeout is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return fd
        # flock cannot time out, and a thread blocked in it cannot be interrupted: a helper
        # thread blocks on a descriptor of its own (so the kernel still wakes it the moment
        # the holder lets go) while this one waits for it at most the timeout.
        attempt = _Attempt(self._open())
        threading.Thread(target=attempt.run, name="mpi-writer-lock", daemon=True).start()
        if attempt.taken(self._timeout):
            return attempt.fd
        raise StoreError(
            f"waited {self._timeout:g} s for another writer of the SQLite store "
            f"{str(self._database)!r} to finish (writer lock {str(self._path)!r}); giving up"
        )

    def _descriptor(self) -> int:
        with self._guard:
            if self._fd is None:
                self._fd = self._open()
            return self._fd

    def _open(self) -> int:
        try:
            return os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot open the writer lock {str(self._path)!r}: {exc}") from exc


class _Attempt:
    """One blocking flock on its own descriptor, which the waiter may abandon."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._guard = threading.Lock()
        self._taken = threading.Event()
        self._abandoned = False

    def run(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        with self._guard:
            if not self._abandoned:
                self._taken.set()
                return
        # The waiter gave up: let the next writer have it.
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)

    def taken(self, timeout: float) -> bool:
        """Whether the lock was taken within `timeout` seconds; if not, the attempt is
        abandoned (its thread lets the lock go as soon as it gets it)."""
        if self._taken.wait(timeout):
            return True
        with self._guard:
            if self._taken.is_set():
                return True
            self._abandoned = True
            return False
