"""Contract: the count of block keys follows the keys that records still carry."""

from __future__ import annotations

from mpi.store.port import Store
from tests.store.contract_data import at, record, seed, write


def test_a_block_key_no_record_carries_any_more_is_not_counted(store: Store) -> None:
    seed(store, write(record(1), "old:1", "shared"), write(record(2), "shared", "old:2"))
    seed(store, write(record(1), "shared", "new:1"), write(record(2), "new:2"), when=at(1))
    with store.read() as tx:
        assert tx.stats().block_keys == 3  # shared, new:1, new:2
        assert [c.record.key for c in tx.candidates(["shared"], 5).candidates] == ["IMSS:R1"]
        assert tx.candidates(["old:1", "old:2"], 5) == tx.candidates(["absent"], 5)


def test_a_block_key_dropped_and_added_in_one_batch_survives(store: Store) -> None:
    seed(store, write(record(1), "k"))
    seed(store, write(record(1), "other"), write(record(2), "k"), when=at(1))
    with store.read() as tx:
        assert tx.stats().block_keys == 2
        assert [c.record.key for c in tx.candidates(["k"], 5).candidates] == ["IMSS:R2"]
