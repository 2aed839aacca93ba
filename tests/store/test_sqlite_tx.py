from __future__ import annotations

import sqlite3

import pytest

from mpi.store.sqlite_tx import insert_rows


@pytest.mark.parametrize("count", [0, 3, 7, 8])
def test_rows_inserted_several_per_statement_are_all_inserted_once(count: int) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
    insert_rows(conn, "INSERT INTO t (a, b)", 2, ((i, str(i)) for i in range(count)), count, per=3)
    assert conn.execute("SELECT a, b FROM t ORDER BY a").fetchall() == [
        (i, str(i)) for i in range(count)
    ]
