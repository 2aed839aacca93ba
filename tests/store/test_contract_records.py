"""Contract: records are upserted idempotently by key, versioned, with their block keys."""

from __future__ import annotations

import pytest

from mpi.domain.errors import ValidationError
from mpi.domain.stored_records import UpsertChange, UpsertOutcome
from mpi.store.port import Store
from tests.store.contract_data import T0, at, record, seed, seed_person, write


def test_a_new_record_is_created_at_version_one(store: Store) -> None:
    assert seed(store, write(record(1), "k1")) == [
        UpsertOutcome("IMSS:R1", UpsertChange.CREATED, 1)
    ]
    with store.read() as tx:
        stored = tx.get_record("IMSS:R1")
    assert stored is not None
    assert (stored.record, stored.version, stored.received_at, stored.person_id) == (
        record(1),
        1,
        T0,
        None,
    )


def test_resending_identical_content_changes_nothing(store: Store) -> None:
    seed(store, write(record(1), "k1"))
    assert seed(store, write(record(1), "k1"), when=at(5)) == [
        UpsertOutcome("IMSS:R1", UpsertChange.UNCHANGED, 1)
    ]
    with store.read() as tx:
        stored = tx.get_record("IMSS:R1")
        stats = tx.stats()
    assert stored is not None
    assert (stored.version, stored.received_at) == (1, T0)
    assert (stats.records, stats.block_keys) == (1, 1)


def test_changed_content_gets_the_next_version_and_arrival_time(store: Store) -> None:
    seed(store, write(record(1), "k1"))
    changed = record(1, phone="5599999999")
    assert seed(store, write(changed, "k1"), when=at(5)) == [
        UpsertOutcome("IMSS:R1", UpsertChange.UPDATED, 2)
    ]
    with store.read() as tx:
        stored = tx.get_record("IMSS:R1")
    assert stored is not None
    assert (stored.record, stored.version, stored.received_at) == (changed, 2, at(5))


def test_outcomes_follow_the_rows_of_a_mixed_batch(store: Store) -> None:
    seed(store, write(record(1), "k1"), write(record(2), "k2"))
    outcomes = seed(
        store,
        write(record(3), "k3"),
        write(record(1), "k1"),
        write(record(2, given_names="ANABEL"), "k2"),
        when=at(1),
    )
    assert [(o.key, o.change, o.version) for o in outcomes] == [
        ("IMSS:R3", UpsertChange.CREATED, 1),
        ("IMSS:R1", UpsertChange.UNCHANGED, 1),
        ("IMSS:R2", UpsertChange.UPDATED, 2),
    ]


def test_a_key_repeated_in_one_batch_is_applied_in_order(store: Store) -> None:
    outcomes = seed(
        store,
        write(record(1), "k1"),
        write(record(1, phone="5500000000"), "k2"),
        write(record(1, phone="5500000000"), "k2"),
    )
    assert [(o.change, o.version) for o in outcomes] == [
        (UpsertChange.CREATED, 1),
        (UpsertChange.UPDATED, 2),
        (UpsertChange.UNCHANGED, 2),
    ]
    with store.read() as tx:
        stored = tx.get_record("IMSS:R1")
        assert [c.record.key for c in tx.candidates(["k1"], 10).candidates] == []
        assert [c.record.key for c in tx.candidates(["k2"], 10).candidates] == ["IMSS:R1"]
    assert stored is not None
    assert (stored.record.phone, stored.version) == ("5500000000", 2)


def test_same_record_id_at_two_institutions_is_two_records(store: Store) -> None:
    seed(store, write(record(1, institution="IMSS")), write(record(1, institution="ISSSTE")))
    with store.read() as tx:
        found = tx.get_records(["IMSS:R1", "ISSSTE:R1", "PEMEX:R1"])
        stats = tx.stats()
    assert sorted(found) == ["IMSS:R1", "ISSSTE:R1"]
    assert (stats.records, stats.institutions) == (2, 2)


def test_an_unknown_record_reads_as_none(store: Store) -> None:
    with store.read() as tx:
        assert tx.get_record("IMSS:nope") is None
        assert tx.get_records([]) == {}


def test_updating_a_record_keeps_its_link(store: Store) -> None:
    seed(store, write(record(1), "k1"))
    seed_person(store, "P1", "IMSS:R1")
    seed(store, write(record(1, phone="5512345678"), "k1"), when=at(3))
    with store.read() as tx:
        stored = tx.get_record("IMSS:R1")
    assert stored is not None
    assert (stored.person_id, stored.version) == ("P1", 2)


def test_all_fields_round_trip_including_empty_ones(store: Store) -> None:
    sparse = record(7, curp=None, birth_date=None, sex=None, second_surname=None, nss="12345678901")
    seed(store, write(sparse))
    with store.read() as tx:
        stored = tx.get_record(sparse.key)
    assert stored is not None
    assert stored.record == sparse


@pytest.mark.parametrize(
    ("institution", "record_id", "field"),
    [("", "R1", "institution"), ("IMSS", "", "record_id")],
)
def test_a_record_without_its_key_parts_is_refused(
    store: Store, institution: str, record_id: str, field: str
) -> None:
    rec = record(1)
    bad = type(rec)(institution, record_id, curp=rec.curp)
    with pytest.raises(ValidationError) as raised, store.write() as tx:
        tx.upsert_records([write(bad)], T0)
    assert raised.value.problems[0].field == field


def test_a_naive_timestamp_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError) as raised, store.write() as tx:
        tx.upsert_records([write(record(1))], T0.replace(tzinfo=None))
    assert raised.value.problems[0].rule == "timezone-aware"
