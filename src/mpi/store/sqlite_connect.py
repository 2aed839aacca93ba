"""Opening SQLite connections: refuse files that are not mpi's, create the schema once."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from mpi.domain.errors import StoreError
from mpi.store.sqlite_migrate import migrate, stored_version
from mpi.store.sqlite_schema import APPLICATION_ID, DDL, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 30_000
# Tables other mpi modules keep in the same file (keys_sqlite, model_state_sqlite);
# they may be created before the graph schema, and do not make the file foreign.
SIDE_TABLES = frozenset({"api_keys", "model_state"})
# A large page cache and memory map keep the block_keys index hot (DESIGN.md targets
# candidate lookups in ~1 ms at a million records).
CACHE_KIB = 262_144
MMAP_BYTES = 1 << 30

_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    f"PRAGMA cache_size = -{CACHE_KIB}",
    f"PRAGMA mmap_size = {MMAP_BYTES}",
    "PRAGMA temp_store = MEMORY",
)


def connect(path: Path) -> sqlite3.Connection:
    """A configured connection to an mpi database (autocommit; callers BEGIN explicitly)."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open SQLite store {str(path)!r}: {exc}") from exc
    try:
        for pragma in _PRAGMAS:
            conn.execute(pragma)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise StoreError(
                f"{str(path)!r} is not a SQLite database (corrupt or a different file): {exc}"
            ) from exc
        raise StoreError(f"cannot configure SQLite store {str(path)!r}: {exc}") from exc
    return conn


def initialise(path: Path) -> None:
    """Check that `path` is an mpi database of this schema version, creating it if new."""
    _check_location(path)
    conn = connect(path)
    try:
        if _is_blank(conn, path):
            _ensure_wal(conn)
            _create_schema(conn, path)
        _check_application(conn, path)
        migrate(conn, path)
        _check_version(conn, path)
        _ensure_wal(conn)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open SQLite store {str(path)!r}: {exc}") from exc
    finally:
        conn.close()


def _check_location(path: Path) -> None:
    # The file's content is judged by SQLite itself (_is_blank), never by reading it with
    # open(): closing any other descriptor of the file drops this process's POSIX locks on
    # it, which lets another process checkpoint or remove the WAL under open connections.
    if path.is_dir():
        raise StoreError(f"SQLite store {str(path)!r} is a directory, not a database file")
    if not path.exists() and not path.parent.exists():
        raise StoreError(f"cannot create SQLite store {str(path)!r}: no such directory")


def _ensure_wal(conn: sqlite3.Connection) -> None:
    # Switching to WAL needs an exclusive lock and SQLite does not call the busy handler
    # for it, so two processes opening one new file at once would see "database is
    # locked"; wait for the other one instead, within the usual busy timeout.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _is_blank(conn: sqlite3.Connection, path: Path) -> bool:
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        names = {row[0] for row in conn.execute("SELECT tbl_name FROM sqlite_schema")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{str(path)!r} is not a SQLite database (corrupt or a different file): {exc}"
        ) from exc
    return bool(app_id == 0 and names <= SIDE_TABLES)


def _create_schema(conn: sqlite3.Connection, path: Path) -> None:
    # IMMEDIATE: two processes creating the same new file take turns; the DDL is
    # idempotent, so the second one changes nothing.
    try:
        conn.executescript(f"BEGIN IMMEDIATE;\n{DDL}\nCOMMIT;")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.rollback()
        raise StoreError(f"cannot create the schema in {str(path)!r}: {exc}") from exc


def _check_application(conn: sqlite3.Connection, path: Path) -> None:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise StoreError(
            f"{str(path)!r} is a SQLite database of another application "
            f"(application_id {app_id:#x}, mpi uses {APPLICATION_ID:#x}); refusing to use it"
        )


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    found = stored_version(conn)
    if found != str(SCHEMA_VERSION):
        raise StoreError(
            f"{str(path)!r} has mpi schema version {found or 'none'}; this mpi reads "
            f"version {SCHEMA_VERSION} and migrates versions 1 and 2 (a newer mpi wrote this file?)"
        )
