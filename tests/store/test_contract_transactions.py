"""Contract: a write transaction commits whole on a clean exit and leaves nothing on error."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from mpi.domain.errors import ConflictError, MpiError
from mpi.store.port import Store
from tests.store.contract_data import T0, record, seed, write


class Boom(Exception):
    pass


def test_an_exception_in_the_block_rolls_everything_back(store: Store) -> None:
    with pytest.raises(Boom), store.write() as tx:
        tx.upsert_records([write(record(1), "k1")], T0)
        tx.create_person("P1", T0)
        raise Boom
    with store.read() as tx:
        assert tx.get_record("IMSS:R1") is None
        assert tx.person("P1") is None
        assert tx.candidates(["k1"], 10).candidates == ()


def test_a_domain_error_midway_rolls_back_the_earlier_writes(store: Store) -> None:
    with pytest.raises(ConflictError), store.write() as tx:
        tx.create_person("P1", T0)
        tx.upsert_records([write(record(1))], T0)
        tx.create_person("P1", T0)
    with store.read() as tx:
        assert tx.person("P1") is None
        assert tx.get_record("IMSS:R1") is None


def test_a_write_is_visible_to_later_reads_and_writes(store: Store) -> None:
    seed(store, write(record(1)))
    with store.write() as tx:
        assert tx.get_record("IMSS:R1") is not None
        tx.create_person("P1", T0)
        assert tx.person("P1") is not None
    with store.read() as tx:
        assert tx.person("P1") is not None


def test_a_store_stays_usable_after_a_failed_transaction(store: Store) -> None:
    with pytest.raises(MpiError), store.write() as tx:
        tx.create_person("P1", T0)
        tx.create_person("P1", T0)
    seed(store, write(record(1)))
    with store.read() as tx:
        assert tx.stats().records == 1


def test_threads_can_share_one_store(store: Store) -> None:
    def work(thread: int) -> int:
        for n in range(thread * 100, thread * 100 + 15):
            seed(store, write(record(n), f"t:{thread}"))
            with store.read() as tx:
                assert tx.get_record(f"IMSS:R{n}") is not None
        with store.read() as tx:
            return len(tx.candidates([f"t:{thread}"], cap=100).candidates)

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(work, range(4)))
    assert found == [15, 15, 15, 15]
    with store.read() as tx:
        assert tx.stats().records == 60
