"""A version-1 file (block keys as text) is migrated in place when opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mpi.domain.errors import StoreError
from mpi.store.sqlite import open_sqlite_store
from mpi.store.sqlite_schema import SCHEMA_VERSION
from tests.store.contract_data import record, seed, write

V1_BLOCK_KEYS = """
CREATE TABLE block_keys (
    block_key TEXT NOT NULL,
    rid       INTEGER NOT NULL,
    PRIMARY KEY (block_key, rid)
) STRICT, WITHOUT ROWID"""


def _version_1_file(path: Path) -> None:
    """A store written by this mpi, turned back into the one thing version 1 did otherwise."""
    store = open_sqlite_store(path)
    seed(store, write(record(1), "shared", "own:1"), write(record(2), "shared"), write(record(3)))
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        f"""BEGIN;
        DROP TABLE block_keys;
        {V1_BLOCK_KEYS};
        INSERT INTO block_keys VALUES ('shared', 1), ('own:1', 1), ('shared', 2);
        UPDATE meta SET value = '1' WHERE name = 'schema_version';
        PRAGMA user_version = 1;
        COMMIT;"""
    )
    conn.close()


def test_a_version_1_file_is_migrated_and_finds_the_same_candidates(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_1_file(path)
    store = open_sqlite_store(path)
    with store.read() as tx:
        found = tx.candidates(["shared", "own:1"], cap=10)
        blocks = tx.stats().block_keys
    store.close()
    assert [(c.record.key, c.matched_keys) for c in found.candidates] == [
        ("IMSS:R1", ("own:1", "shared")),
        ("IMSS:R2", ("shared",)),
    ]
    assert blocks == 2
    conn = sqlite3.connect(path)
    version = conn.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
    columns = [row[1] for row in conn.execute("PRAGMA table_info(block_keys)")]
    conn.close()
    assert (version, columns) == ((str(SCHEMA_VERSION),), ["key_hash", "rid"])


def test_a_migrated_file_opens_again_without_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_1_file(path)
    open_sqlite_store(path).close()
    store = open_sqlite_store(path)
    with store.read() as tx:
        assert [c.record.key for c in tx.candidates(["own:1"], cap=10).candidates] == ["IMSS:R1"]
    store.close()


def test_a_file_of_a_newer_schema_is_refused_naming_both_versions(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_sqlite_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '3' WHERE name = 'schema_version'")
    conn.commit()
    conn.close()
    expected = f"schema version 3; this mpi reads version {SCHEMA_VERSION}"
    with pytest.raises(StoreError, match=expected):
        open_sqlite_store(path)
