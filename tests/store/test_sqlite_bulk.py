"""Bulk loading an empty SQLite store: all or nothing, and the same store as usual after it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mpi.domain.errors import ConflictError, StoreError, ValidationError
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.domain.records import Record
from mpi.domain.stored_records import BlockKeyRuns, RecordWrite
from mpi.store.model_state_sqlite import SqliteModelState
from mpi.store.sqlite import SqliteStore, open_sqlite_store
from mpi.store.sqlite_bulk import (
    CACHE_KIB,
    INDEX_CACHE_KIB,
    BulkWrites,
    building,
    loading_path,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def rows(n: int) -> tuple[list[RecordWrite], list[Link]]:
    records = [
        Record("IMSS", f"{i:04d}", given_names="ANA", first_surname=f"S{i % 7}") for i in range(n)
    ]
    writes = [RecordWrite(r, (f"k:{i % 5}", f"s:{r.first_surname}")) for i, r in enumerate(records)]
    links = [Link(r.key, f"P{i % 3}", T0, "test", "batch-link", 0.9) for i, r in enumerate(records)]
    return writes, links


def load(store: SqliteStore, n: int) -> None:
    writes, links = rows(n)
    with store.bulk_load() as tx:
        tx.create_persons([Person(f"P{i}", PersonStatus.ACTIVE, T0) for i in range(3)])
        tx.insert_linked_records(writes, links, T0)


def test_a_bulk_loaded_store_passes_sqlites_integrity_checks_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    store = open_sqlite_store(path)
    try:
        load(store, 40)
        with store.read() as tx:
            assert tx.stats().records == tx.stats().linked_records == 40
            assert len(tx.candidates(["k:0"], 100).candidates) == 8
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='index'")}
        assert "records_by_person" in indexes
    finally:
        conn.close()
    assert not loading_path(path).exists()


def test_a_bulk_load_into_a_store_holding_records_is_refused(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    try:
        load(store, 3)
        with pytest.raises(ConflictError, match="needs an empty store; this one holds 3"):
            load(store, 3)
    finally:
        store.close()


def test_a_failed_bulk_load_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    try:
        writes, links = rows(4)
        with pytest.raises(ConflictError), store.bulk_load() as tx:
            # The persons of the links do not exist: the foreign key refuses the rows.
            tx.insert_linked_records(writes, links, T0)
        with store.read() as tx:
            assert tx.stats().records == 0
        assert not loading_path(tmp_path / "mpi.db").exists()
    finally:
        store.close()


def test_a_stale_side_file_of_a_crashed_load_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    loading_path(path).write_bytes(b"half a database")
    store = open_sqlite_store(path)
    try:
        load(store, 5)
        with store.read() as tx:
            assert tx.stats().records == 5
    finally:
        store.close()


def test_rows_other_modules_keep_in_the_file_survive_a_bulk_load(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    state = SqliteModelState(path)
    state.save("term_frequencies", '{"a": 1}', T0)
    store = open_sqlite_store(path)
    try:
        load(store, 5)
    finally:
        store.close()
    assert state.load("term_frequencies") == '{"a": 1}'
    state.save("term_frequencies", '{"a": 2}', T0)
    assert SqliteModelState(path).load("term_frequencies") == '{"a": 2}'


def test_a_bulk_load_is_refused_while_another_thread_holds_a_connection(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    try:
        with store.read(), pytest.raises(StoreError, match="in use by another thread"):
            load(store, 2)
        with store.read() as tx:
            assert tx.stats().records == 0
    finally:
        store.close()


def test_records_given_with_block_keys_in_columns_are_stored_like_per_record_keys(
    tmp_path: Path,
) -> None:
    writes, links = rows(6)
    runs = BlockKeyRuns.of([w.block_keys for w in writes])
    store = open_sqlite_store(tmp_path / "mpi.db")
    try:
        with store.bulk_load() as tx:
            tx.create_persons([Person(f"P{i}", PersonStatus.ACTIVE, T0) for i in range(3)])
            tx.insert_linked_runs([w.record for w in writes], runs, links, T0)
        with store.read() as tx:
            found = tx.candidates(["k:1"], 10).candidates
            assert sorted(c.record.key for c in found) == ["IMSS:0001"]
            assert len(tx.candidates(["s:S2"], 10).candidates) == 1
    finally:
        store.close()


@pytest.mark.parametrize(
    ("keys", "error"),
    [
        (BlockKeyRuns(["k:\x1f"], [0, 1], [0]), ValidationError),
        (BlockKeyRuns([""], [0, 1], [0]), ValidationError),
        (BlockKeyRuns(["k:1"], [0, 1, 1], [0]), ConflictError),
    ],
)
def test_block_keys_in_columns_that_break_a_rule_are_refused(
    tmp_path: Path, keys: BlockKeyRuns, error: type[Exception]
) -> None:
    writes, links = rows(1)
    store = open_sqlite_store(tmp_path / "mpi.db")
    try:
        with pytest.raises(error), store.bulk_load() as tx:
            tx.create_persons([Person("P0", PersonStatus.ACTIVE, T0)])
            tx.insert_linked_runs([writes[0].record], keys, links, T0)
        with store.read() as tx:
            assert tx.stats().records == 0
    finally:
        store.close()


def test_links_to_persons_created_one_by_one_load_and_to_unknown_ones_are_refused(
    tmp_path: Path,
) -> None:
    writes, links = rows(3)
    store = open_sqlite_store(tmp_path / "mpi.db")
    try:
        with store.bulk_load() as tx:
            tx.create_persons([Person("P0", PersonStatus.ACTIVE, T0)])
            tx.create_person("P1", T0)
            tx.create_person("P2", T0)
            tx.insert_linked_records(writes, links, T0)
        with store.read() as tx:
            assert tx.stats().linked_records == 3
    finally:
        store.close()
    store = open_sqlite_store(tmp_path / "other.db")
    try:
        with pytest.raises(ConflictError, match="'P2'"), store.bulk_load() as tx:
            tx.create_persons([Person(f"P{i}", PersonStatus.ACTIVE, T0) for i in range(2)])
            tx.insert_linked_records(writes, links, T0)
    finally:
        store.close()


def test_the_person_index_is_built_with_a_smaller_page_cache_then_the_loads_is_back(
    tmp_path: Path,
) -> None:
    writes, links = rows(4)
    with building(tmp_path / "mpi.db") as conn:
        tx = BulkWrites(conn)
        tx.create_person_ids(["P0", "P1", "P2"], T0)
        tx.insert_linked_records(writes, links, T0)
        sizes: list[int] = []

        def note_cache_size(sql: str) -> None:
            if sql.startswith("CREATE INDEX"):
                sizes.append(conn.execute("PRAGMA cache_size").fetchone()[0])

        conn.set_trace_callback(note_cache_size)
        tx.finish_load()
        conn.set_trace_callback(None)
        assert sizes == [-INDEX_CACHE_KIB]
        assert conn.execute("PRAGMA cache_size").fetchone() == (-CACHE_KIB,)


def test_finishing_a_load_builds_the_person_index_before_the_commit(tmp_path: Path) -> None:
    writes, links = rows(4)
    with building(tmp_path / "mpi.db") as conn:
        tx = BulkWrites(conn)
        tx.create_person_ids(["P0", "P1", "P2"], T0)
        tx.insert_linked_records(writes, links, T0)
        index = "SELECT count(*) FROM sqlite_schema WHERE name = 'records_by_person'"
        assert conn.execute(index).fetchone() == (0,)
        tx.finish_load()
        assert conn.in_transaction
        assert conn.execute(index).fetchone() == (1,)
        by_person = "SELECT count(*) FROM records INDEXED BY records_by_person WHERE person_id = ?"
        assert conn.execute(by_person, ("P1",)).fetchone() == (1,)
