"""Opening a SQLite store: new files are created, anything not mpi's is refused clearly."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from mpi.domain.errors import StoreError
from mpi.store.sqlite import open_sqlite_store
from tests.store.contract_data import record, seed, write


def test_a_new_file_is_created_and_reopens_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    store = open_sqlite_store(path)
    seed(store, write(record(1)))
    store.close()
    again = open_sqlite_store(path)
    with again.read() as tx:
        assert tx.get_record("IMSS:R1") is not None
    again.close()


def test_random_bytes_are_refused_as_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    path.write_bytes(random.Random(3).randbytes(8192))
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_sqlite_store(path)


def test_a_corrupt_database_body_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    open_sqlite_store(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = random.Random(7).randbytes(4096 - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=str(path)):
        open_sqlite_store(path)


def test_another_applications_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="another application"):
        open_sqlite_store(path)
    assert path.read_bytes() == before


def test_a_database_with_a_foreign_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE meta (name TEXT, value TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="0x4d2"):
        open_sqlite_store(path)


def test_an_other_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    open_sqlite_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        open_sqlite_store(path)


def test_side_tables_created_first_do_not_make_the_file_foreign(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE model_state (name TEXT PRIMARY KEY, body TEXT, saved_at TEXT)")
    conn.commit()
    conn.close()
    open_sqlite_store(path).close()


@pytest.mark.parametrize("where", ["missing-dir/mpi.db", "."])
def test_an_impossible_path_is_refused(tmp_path: Path, where: str) -> None:
    with pytest.raises(StoreError):
        open_sqlite_store(tmp_path / where)


def test_a_closed_store_refuses_new_transactions(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    store.close()
    with pytest.raises(StoreError, match="closed"), store.read():
        pass
