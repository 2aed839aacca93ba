"""Contract: NOT_SAME constraints are undirected, idempotent and found from either side."""

from __future__ import annotations

import pytest

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.not_same import NotSame
from mpi.store.port import Store
from tests.store.contract_data import T0, at, record, seed, write


@pytest.fixture
def three_records(store: Store) -> Store:
    seed(store, write(record(1)), write(record(2)), write(record(3)))
    return store


def test_a_constraint_is_stored_in_key_order_and_found_from_both_sides(
    three_records: Store,
) -> None:
    with three_records.write() as tx:
        stored = tx.add_not_same("IMSS:R2", "IMSS:R1", "steward-1", "twins", at(1))
    expected = NotSame("IMSS:R1", "IMSS:R2", "steward-1", at(1), "twins")
    with three_records.read() as tx:
        assert tx.not_same_pairs(["IMSS:R1"]) == (expected,)
        assert tx.not_same_pairs(["IMSS:R2"]) == (expected,)
        assert tx.not_same_pairs(["IMSS:R3"]) == ()
        assert tx.stats().not_same == 1
    assert stored == expected
    assert stored.other("IMSS:R2") == "IMSS:R1"


def test_adding_the_pair_again_keeps_the_first_decision(three_records: Store) -> None:
    with three_records.write() as tx:
        first = tx.add_not_same("IMSS:R1", "IMSS:R2", "steward-1", "twins", at(1))
        again = tx.add_not_same("IMSS:R2", "IMSS:R1", "steward-2", "other", at(2))
    assert again == first


def test_pairs_touching_several_records_come_once_each_in_order(three_records: Store) -> None:
    with three_records.write() as tx:
        tx.add_not_same("IMSS:R3", "IMSS:R1", "s", "r", T0)
        tx.add_not_same("IMSS:R1", "IMSS:R2", "s", "r", T0)
    with three_records.read() as tx:
        found = tx.not_same_pairs(["IMSS:R1", "IMSS:R2", "IMSS:R3"])
    assert [(p.a_key, p.b_key) for p in found] == [("IMSS:R1", "IMSS:R2"), ("IMSS:R1", "IMSS:R3")]


def test_a_record_cannot_be_different_from_itself(three_records: Store) -> None:
    with pytest.raises(ConflictError), three_records.write() as tx:
        tx.add_not_same("IMSS:R1", "IMSS:R1", "s", "r", T0)


def test_a_constraint_needs_both_records(three_records: Store) -> None:
    with pytest.raises(NotFoundError), three_records.write() as tx:
        tx.add_not_same("IMSS:R1", "IMSS:nope", "s", "r", T0)
