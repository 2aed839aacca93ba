from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.errors import ConflictError
from mpi.domain.records import Record
from mpi.domain.stored_records import BlockKeyRuns
from mpi.store.sqlite import open_sqlite_store
from mpi.store.sqlite_bulk import loading_path
from mpi.store.sqlite_bulk_thread import Inserts, statements

T0 = datetime(2026, 3, 1, tzinfo=UTC)
INSERT = "INSERT INTO t (a, b) VALUES {values}"


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
    yield conn
    conn.close()


@pytest.mark.parametrize(("count", "per"), [(0, 3), (2, 3), (7, 3), (9, 3)])
def test_prepared_statements_insert_every_row_once(
    conn: sqlite3.Connection, count: int, per: int
) -> None:
    rows = [(i, f"v{i}") for i in range(count)]
    inserts = Inserts(conn)
    inserts.submit(statements(INSERT, 2, iter(rows), count, per, "(?, ?)"))
    inserts.drain()
    inserts.stop()
    assert conn.execute("SELECT a, b FROM t ORDER BY a").fetchall() == rows


def test_the_first_error_is_raised_and_nothing_after_it_runs(conn: sqlite3.Connection) -> None:
    inserts = Inserts(conn)
    inserts.submit(statements(INSERT, 2, [(1, "a")], 1, 1, "(?, ?)"))
    inserts.submit(statements(INSERT, 2, [(1, "again")], 1, 1, "(?, ?)"))
    inserts.submit(statements(INSERT, 2, [(2, "b")], 1, 1, "(?, ?)"))
    with pytest.raises(sqlite3.IntegrityError):
        inserts.drain()
    with pytest.raises(sqlite3.IntegrityError):
        inserts.submit(statements(INSERT, 2, [(3, "c")], 1, 1, "(?, ?)"))
    inserts.stop()
    assert conn.execute("SELECT a FROM t").fetchall() == [(1,)]


def test_a_key_repeated_in_a_later_chunk_fails_the_load_and_leaves_the_store_empty(
    tmp_path: Path,
) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    records = RecordColumns.of([Record("IMSS", "1"), Record("IMSS", "1")])
    links = LinkColumns(["IMSS:1"] * 2, ["P1"] * 2, ["batch-link"] * 2, [0.5] * 2, "t", T0)
    try:
        with pytest.raises(ConflictError), store.bulk_load() as tx:
            tx.create_person_ids(["P1"], T0)
            tx.insert_linked_columns(records, links, [0], BlockKeyRuns.of([("k:1",)]), T0)
            tx.insert_linked_columns(records, links, [1], BlockKeyRuns.of([("k:1",)]), T0)
        with store.read() as read:
            assert read.stats().records == 0
    finally:
        store.close()
    assert not loading_path(tmp_path / "mpi.db").exists()
