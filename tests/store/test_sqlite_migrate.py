"""Files of versions 1 (block keys as text) and 2 (search indexes on records) are migrated
in place when opened."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from mpi.domain.errors import StoreError
from mpi.store.sqlite import open_sqlite_store
from mpi.store.sqlite_schema import SCHEMA_VERSION
from tests.store.contract_data import record, seed, write

DOB = date(1990, 5, 17)
V1_BLOCK_KEYS = """
CREATE TABLE block_keys (
    block_key TEXT NOT NULL,
    rid       INTEGER NOT NULL,
    PRIMARY KEY (block_key, rid)
) STRICT, WITHOUT ROWID"""


# What versions 1 and 2 had instead of the store's own search-key rows.
V2_SEARCH = """
DELETE FROM block_keys WHERE key_hash < 0;
CREATE INDEX records_by_curp ON records (curp) WHERE curp IS NOT NULL;
CREATE INDEX records_by_name_dob ON records (first_surname, birth_date);"""


def _seed(path: Path) -> None:
    store = open_sqlite_store(path)
    seed(
        store,
        write(record(1, curp="PRUE900517MDFXXX01"), "shared", "own:1"),
        write(record(2, curp="PRUE900517MDFXXX01", birth_date=DOB), "shared"),
        write(record(3, curp=None, birth_date=DOB)),
    )
    store.close()


def _version_2_file(path: Path) -> None:
    """A store written by this mpi, turned back into what version 2 did otherwise."""
    _seed(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        f"""BEGIN;
        {V2_SEARCH}
        UPDATE meta SET value = '2' WHERE name = 'schema_version';
        PRAGMA user_version = 2;
        COMMIT;"""
    )
    conn.close()


def _version_1_file(path: Path) -> None:
    """A store written by this mpi, turned back into what version 1 did otherwise."""
    _seed(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        f"""BEGIN;
        {V2_SEARCH}
        DROP TABLE block_keys;
        {V1_BLOCK_KEYS};
        INSERT INTO block_keys VALUES ('shared', 1), ('own:1', 1), ('shared', 2);
        UPDATE meta SET value = '1' WHERE name = 'schema_version';
        PRAGMA user_version = 1;
        COMMIT;"""
    )
    conn.close()


@pytest.mark.parametrize("make", [_version_1_file, _version_2_file])
def test_an_old_file_is_migrated_and_finds_the_same_candidates(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    path = tmp_path / "old.db"
    make(path)
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


@pytest.mark.parametrize("make", [_version_1_file, _version_2_file])
def test_an_old_file_is_searched_as_before_without_its_search_indexes(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    path = tmp_path / "old.db"
    make(path)
    store = open_sqlite_store(path)
    with store.read() as tx:
        by_curp = [r.key for r in tx.search_by_curp("PRUE900517MDFXXX01")]
        by_name = [r.key for r in tx.search_by_name_dob("PRUEBA", DOB).items]
    store.close()
    assert by_curp == ["IMSS:R1", "IMSS:R2"]
    assert by_name == ["IMSS:R2", "IMSS:R3"]
    conn = sqlite3.connect(path)
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    conn.close()
    assert not indexes & {"records_by_curp", "records_by_name_dob"}


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
    conn.execute("UPDATE meta SET value = '4' WHERE name = 'schema_version'")
    conn.commit()
    conn.close()
    expected = f"schema version 4; this mpi reads version {SCHEMA_VERSION}"
    with pytest.raises(StoreError, match=expected):
        open_sqlite_store(path)
