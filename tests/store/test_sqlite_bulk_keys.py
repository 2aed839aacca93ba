from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import numpy as np
import pytest

from mpi.domain.stored_records import BlockKeyRuns
from mpi.store.sqlite_bulk_keys import HeldKeys
from mpi.store.sqlite_key_hash import key_hash


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(
        "CREATE TABLE block_keys (key_hash INTEGER NOT NULL, rid INTEGER NOT NULL, "
        "PRIMARY KEY (key_hash, rid)) STRICT, WITHOUT ROWID"
    )
    yield conn
    conn.close()


def _rows(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    return [(int(h), int(r)) for h, r in conn.execute("SELECT key_hash, rid FROM block_keys")]


def test_held_rows_are_written_only_at_the_end_sorted_by_hash_then_rid(
    conn: sqlite3.Connection,
) -> None:
    keys = ["a:1", "b:1", "c:1"]
    held = HeldKeys()
    held.add(conn, BlockKeyRuns(keys, [0, 2, 3], [0, 2, 1]), np.array([5, 9]))
    held.add(conn, BlockKeyRuns(keys, [0, 2], [0, 1]), np.array([2]))
    assert _rows(conn) == []
    held.write(conn)
    a, b, c = (key_hash(k) for k in keys)
    assert _rows(conn) == sorted([(a, 5), (c, 5), (b, 9), (a, 2), (b, 2)])
    held.write(conn)  # nothing held any more
    assert len(_rows(conn)) == 5


def test_runs_over_another_key_list_write_the_held_rows_first(conn: sqlite3.Connection) -> None:
    held = HeldKeys()
    held.add(conn, BlockKeyRuns(["a:1"], [0, 1], [0]), np.array([1]))
    held.add(conn, BlockKeyRuns(["b:1"], [0, 1], [0]), np.array([2]))
    assert _rows(conn) == [(key_hash("a:1"), 1)]
    held.write(conn)
    assert sorted(_rows(conn)) == sorted([(key_hash("a:1"), 1), (key_hash("b:1"), 2)])


def test_runs_without_keys_write_nothing(conn: sqlite3.Connection) -> None:
    held = HeldKeys()
    held.add(conn, BlockKeyRuns([], [0, 0, 0], []), np.array([1, 2]))
    held.write(conn)
    assert _rows(conn) == []


def test_a_curp_candidate_becomes_an_own_row_only_where_the_record_lacks_its_key(
    conn: sqlite3.Connection,
) -> None:
    held = HeldKeys()
    held.add(conn, BlockKeyRuns(["curp:A", "x:1"], [0, 2, 3], [0, 1, 1]), np.array([1, 2]))
    a, x = key_hash("curp:A"), key_hash("x:1")
    held.add_curps(np.array([a, a]), np.array([1, 2]))
    held.add_own(np.array([-5, -7]), np.array([2, 1]))
    held.write(conn)
    own = [(-1 - a, 2), (-7, 1), (-5, 2)]
    assert _rows(conn) == sorted(own) + sorted([(a, 1), (x, 1), (x, 2)])


def test_curp_candidates_are_matched_to_held_rows_whatever_their_order(
    conn: sqlite3.Connection,
) -> None:
    rng = np.random.default_rng(7)
    keys = [f"curp:{i}" for i in range(40)]
    key_ids = rng.integers(0, 40, 300)
    held = HeldKeys()
    held.add(conn, BlockKeyRuns(keys, list(range(0, 301, 3)), key_ids.tolist()), np.arange(100))
    wanted = rng.integers(0, 40, 100)
    held.add_curps(np.array([key_hash(keys[k]) for k in wanted]), np.arange(100))
    held.write(conn)
    own = {rid for h, rid in _rows(conn) if h < 0}
    lacking = {r for r in range(100) if wanted[r] not in key_ids[3 * r : 3 * r + 3]}
    assert own == lacking
