from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.errors import ConflictError
from mpi.domain.persons import Link
from mpi.domain.records import Record
from mpi.domain.stored_records import BlockKeyRuns, RecordWrite
from mpi.store import sqlite_bulk_statements as statements_module
from mpi.store.sqlite import open_sqlite_store
from mpi.store.sqlite_bulk import loading_path
from mpi.store.sqlite_bulk_statements import by_columns, by_windows, literal, run

T0 = datetime(2026, 3, 1, tzinfo=UTC)
INSERT = "INSERT INTO t (a, b, c, d) VALUES {values}"


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT, c TEXT, d INTEGER)")
    yield conn
    conn.close()


@pytest.mark.parametrize(
    ("count", "per", "statements_run"), [(0, 3, 0), (2, 3, 1), (7, 3, 2), (9, 3, 1), (1, 1, 1)]
)
def test_column_statements_insert_every_row_once_in_order(
    conn: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
    count: int,
    per: int,
    statements_run: int,
) -> None:
    monkeypatch.setattr(statements_module, "PARAMETERS", 3 * per)
    rows = [(i, f"v{i}", None if i % 2 else f"w{i}") for i in range(count)]
    columns = [list(column) for column in zip(*rows, strict=True)] or [[], [], []]
    work = by_columns("INSERT INTO t (a, b, c) VALUES {values}", columns, ())
    assert len(work) == statements_run
    run(conn, work)
    assert conn.execute("SELECT a, b, c FROM t ORDER BY rowid").fetchall() == rows


def test_each_row_ends_with_the_shared_literals(conn: sqlite3.Connection) -> None:
    tail = (literal("o'brien; DROP TABLE t"), "7")
    run(conn, by_columns(INSERT, [[1, 2], ["x", None]], tail))
    assert conn.execute("SELECT a, b, c, d FROM t ORDER BY a").fetchall() == [
        (1, "x", "o'brien; DROP TABLE t", 7),
        (2, None, "o'brien; DROP TABLE t", 7),
    ]


def test_none_is_bound_as_null_by_the_adapter_registered_for_it(conn: sqlite3.Connection) -> None:
    run(conn, by_columns(INSERT, [[1], [None], [None], [None]]))
    adapter = sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)]
    assert adapter(None) is None
    assert conn.execute("SELECT typeof(b), typeof(c), typeof(d) FROM t").fetchone() == (
        "null",
        "null",
        "null",
    )


@pytest.mark.parametrize(("count", "per"), [(5, 2), (4, 2), (1, 1), (0, 2)])
def test_windows_insert_each_columns_values_from_its_own_first_row(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, count: int, per: int
) -> None:
    monkeypatch.setattr(statements_module, "PARAMETERS", 3 * per)
    ids, names, codes = range(10, 20), [f"n{i}" for i in range(8)], (None, "a", "b", "c", "d", "e")
    run(
        conn,
        by_windows(
            "INSERT INTO t (a, b, c) VALUES {values}", [(ids, 0), (names, 3), (codes, 1)], count
        ),
    )
    expected = [(10 + i, f"n{3 + i}", codes[1 + i]) for i in range(count)]
    assert conn.execute("SELECT a, b, c FROM t ORDER BY rowid").fetchall() == expected


def test_a_window_holding_fewer_values_than_the_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="fewer than 3"):
        by_windows(INSERT, [(range(5), 0), (["x", "y", "z"], 1)], 3)


def test_columns_of_different_lengths_are_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="size"):
        by_columns(INSERT, [[1, 2], ["x"]], ("'c'", "1"))


def test_a_key_repeated_in_a_later_chunk_fails_the_load_and_leaves_the_store_empty(
    tmp_path: Path,
) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    records = RecordColumns.of([Record("IMSS", "1"), Record("IMSS", "1")])
    links = LinkColumns(["IMSS:1"] * 2, ["P1"] * 2, ["batch-link"] * 2, [0.5] * 2, "t", T0)
    keys = BlockKeyRuns.of([("k:1",)])
    try:
        with pytest.raises(ConflictError), store.bulk_load() as tx:
            tx.create_person_ids(["P1"], T0)
            tx.insert_linked_columns(records, links, [0], keys, T0)
            tx.insert_linked_columns(records, links, [1], keys, T0)
        with store.read() as read:
            assert read.stats().records == 0
    finally:
        store.close()
    assert not loading_path(tmp_path / "mpi.db").exists()


def test_links_made_at_other_instants_keep_theirs(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    later = datetime(2026, 3, 2, tzinfo=UTC)
    records = [Record("IMSS", "2"), Record("IMSS", "1"), Record("IMSS", "3")]
    stamps = [later, T0, T0]
    links = [
        Link(r.key, "P1", t, by, "batch-link", 0.5)
        for r, t, by in zip(records, stamps, ["b", "a", "a"], strict=True)
    ]
    writes = [RecordWrite(r, ()) for r in records]
    try:
        with store.bulk_load() as tx:
            tx.create_person_ids(["P1"], T0)
            tx.insert_linked_records([], [], T0)
            tx.insert_linked_records(writes, links, T0)
    finally:
        store.close()
    conn = sqlite3.connect(tmp_path / "mpi.db")
    try:
        made = {
            k: (t[:10], by)
            for k, t, by in conn.execute("SELECT key, linked_at, linked_by FROM records")
        }
    finally:
        conn.close()
    assert made == {
        "IMSS:2": ("2026-03-02", "b"),
        "IMSS:1": ("2026-03-01", "a"),
        "IMSS:3": ("2026-03-01", "a"),
    }
