"""Contract: candidates are the records sharing a block key; oversized blocks are reported."""

from __future__ import annotations

import pytest

from mpi.domain.errors import ValidationError
from mpi.store.port import Store
from tests.store.contract_data import at, record, seed, seed_person, write


def test_candidates_share_a_key_and_list_every_key_they_share(store: Store) -> None:
    seed(
        store,
        write(record(1), "curp:A", "name:X"),
        write(record(2), "name:X"),
        write(record(3), "name:Y"),
    )
    with store.read() as tx:
        found = tx.candidates(["curp:A", "name:X", "dob:Z"], cap=10)
    assert [(c.record.key, c.matched_keys) for c in found.candidates] == [
        ("IMSS:R1", ("curp:A", "name:X")),
        ("IMSS:R2", ("name:X",)),
    ]
    assert found.oversized_keys == ()


def test_a_block_larger_than_the_cap_is_skipped_and_named(store: Store) -> None:
    seed(store, *(write(record(n), "big", f"own:{n}") for n in range(1, 5)))
    with store.read() as tx:
        found = tx.candidates(["big", "own:2"], cap=3)
    assert [c.record.key for c in found.candidates] == ["IMSS:R2"]
    assert found.candidates[0].matched_keys == ("own:2",)
    assert found.oversized_keys == ("big",)


def test_a_block_exactly_at_the_cap_is_searched(store: Store) -> None:
    seed(store, *(write(record(n), "full") for n in range(1, 4)))
    with store.read() as tx:
        found = tx.candidates(["full"], cap=3)
    assert [c.record.key for c in found.candidates] == ["IMSS:R1", "IMSS:R2", "IMSS:R3"]
    assert found.oversized_keys == ()


def test_unknown_or_no_keys_give_no_candidates(store: Store) -> None:
    seed(store, write(record(1), "k"))
    with store.read() as tx:
        assert tx.candidates(["other"], cap=5).candidates == ()
        assert tx.candidates([], cap=5).candidates == ()


def test_candidates_carry_the_person_they_are_linked_to(store: Store) -> None:
    seed(store, write(record(1), "k"), write(record(2), "k"))
    seed_person(store, "P1", "IMSS:R1")
    with store.read() as tx:
        found = tx.candidates(["k"], cap=5)
    assert [(c.record.key, c.person_id) for c in found.candidates] == [
        ("IMSS:R1", "P1"),
        ("IMSS:R2", None),
    ]


def test_new_block_keys_replace_the_old_ones_on_update(store: Store) -> None:
    seed(store, write(record(1), "old:1", "kept"))
    seed(store, write(record(1, phone="5511111111"), "kept", "new:1"), when=at(1))
    with store.read() as tx:
        assert tx.candidates(["old:1"], cap=5).candidates == ()
        assert [c.matched_keys for c in tx.candidates(["new:1", "kept"], 5).candidates] == [
            ("kept", "new:1")
        ]


def test_changed_keys_alone_are_replaced_without_a_new_version(store: Store) -> None:
    seed(store, write(record(1), "old"))
    seed(store, write(record(1), "new"), when=at(1))
    with store.read() as tx:
        assert tx.candidates(["old"], cap=5).candidates == ()
        (found,) = tx.candidates(["new"], cap=5).candidates
    assert found.record.version == 1


def test_a_record_counts_once_per_block_even_if_the_key_repeats(store: Store) -> None:
    seed(store, write(record(1), "k", "k"), write(record(2), "k"))
    with store.read() as tx:
        found = tx.candidates(["k", "k"], cap=2)
    assert [(c.record.key, c.matched_keys) for c in found.candidates] == [
        ("IMSS:R1", ("k",)),
        ("IMSS:R2", ("k",)),
    ]


def test_a_cap_below_one_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError), store.read() as tx:
        tx.candidates(["k"], cap=0)
