"""Bringing an older mpi SQLite file up to the current schema version, in place.

Version 1 kept block keys as text in `block_keys`; version 2 keeps their hashes
(mpi.store.sqlite_key_hash). The text of every record's keys is in records.block_keys
in both, so the new table is rebuilt from it. Version 3 adds the records' search keys
to it (mpi.store.sqlite_search_keys) and drops the CURP and surname + birth-date
indexes they replace. The migration is one IMMEDIATE transaction: a crash leaves the
file at its old version, and of two processes opening the file at once the second
finds it migrated.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mpi.domain.errors import StoreError
from mpi.store.sqlite_codec import KEY_SEPARATOR as SEPARATOR
from mpi.store.sqlite_key_hash import key_hashes
from mpi.store.sqlite_schema import BLOCK_KEYS_DDL, SCHEMA_VERSION
from mpi.store.sqlite_search_keys import add_search_keys
from mpi.store.sqlite_tx import insert_rows

# Records read per step: bounds the memory of migrating a large file.
_CHUNK = 100_000
_OLDER = ("1", "2")


def stored_version(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
    return None if row is None else str(row[0])


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Migrate the mpi database on `conn` to SCHEMA_VERSION if it is older and known.

    Raises:
        StoreError: the migration failed (the file is left as it was).
    """
    found = stored_version(conn)
    if found not in _OLDER:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        found = stored_version(conn)  # perhaps migrated meanwhile by another process
        if found in _OLDER:
            if found == "1":
                _hash_block_keys(conn)
            _add_search_keys(conn)
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.rollback()
        raise StoreError(
            f"cannot migrate {str(path)!r} from mpi schema version {found} to "
            f"{SCHEMA_VERSION}: {exc}"
        ) from exc


def _hash_block_keys(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE block_keys")
    conn.execute(BLOCK_KEYS_DDL)
    after = 0
    while True:
        rows = conn.execute(
            "SELECT rid, block_keys FROM records WHERE rid > ? ORDER BY rid LIMIT ?",
            (after, _CHUNK),
        ).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        # A set: two keys of one record may share a hash.
        pairs = sorted(
            {(h, rid) for rid, text in rows if text for h in key_hashes(text.split(SEPARATOR))}
        )
        insert_rows(conn, "INSERT INTO block_keys (key_hash, rid)", 2, pairs, len(pairs), per=200)


def _add_search_keys(conn: sqlite3.Connection) -> None:
    add_search_keys(conn)
    conn.execute("DROP INDEX IF EXISTS records_by_curp")
    conn.execute("DROP INDEX IF EXISTS records_by_name_dob")
    conn.execute("UPDATE meta SET value = ? WHERE name = 'schema_version'", (str(SCHEMA_VERSION),))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
