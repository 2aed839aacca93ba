"""SQLite candidate lookup by hashed block keys: a hash collision never changes the answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mpi.store.sqlite import SqliteStore, open_sqlite_store
from tests.store.contract_data import record, seed, write
from tests.store.test_sqlite_key_hash import COLLIDING

A, B = COLLIDING


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = open_sqlite_store(tmp_path / "mpi.db")
    seed(store, write(record(1), A), write(record(2), B, "own:2"))
    yield store
    store.close()


def _found(store: SqliteStore, keys: list[str], cap: int) -> tuple[object, ...]:
    with store.read() as tx:
        found = tx.candidates(keys, cap)
    return tuple((c.record.key, c.matched_keys) for c in found.candidates), found.oversized_keys


def test_a_record_of_a_colliding_key_is_not_a_candidate(store: SqliteStore) -> None:
    assert _found(store, [A], cap=10) == ((("IMSS:R1", (A,)),), ())
    assert _found(store, [B], cap=10) == ((("IMSS:R2", (B,)),), ())


def test_colliding_keys_asked_together_each_match_their_own_records(store: SqliteStore) -> None:
    assert _found(store, [A, B, "own:2"], cap=10) == (
        (("IMSS:R1", (A,)), ("IMSS:R2", (B, "own:2"))),
        (),
    )


def test_a_colliding_key_does_not_push_a_block_within_the_cap_over_it(
    store: SqliteStore,
) -> None:
    # The hashed block holds two rows; the block of A holds one, which the cap allows.
    assert _found(store, [A], cap=1) == ((("IMSS:R1", (A,)),), ())


def test_a_block_over_the_cap_by_its_own_records_is_still_oversized(store: SqliteStore) -> None:
    seed(store, write(record(3), A))
    assert _found(store, [A, "own:2"], cap=1) == ((("IMSS:R2", ("own:2",)),), (A,))
