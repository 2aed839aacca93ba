"""Contract: merging two persons keeps who merged what, and can be undone exactly."""

from __future__ import annotations

import pytest

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.persons import Link, PersonStatus
from mpi.store.port import Store
from tests.store.contract_data import T0, at, link, record, seed, seed_person, write


@pytest.fixture
def two_persons(store: Store) -> Store:
    seed(store, write(record(1)), write(record(2)), write(record(3)))
    seed_person(store, "P1", "IMSS:R1", minutes=1)
    seed_person(store, "P2", "IMSS:R2", "IMSS:R3", minutes=2)
    return store


def test_merging_moves_every_record_and_marks_the_absorbed_person(two_persons: Store) -> None:
    with two_persons.write() as tx:
        event = tx.merge_persons("P1", "P2", "steward-1", "same CURP", at(10))
    with two_persons.read() as tx:
        found = tx.persons(["P1", "P2"])
    survivor, absorbed = found["P1"], found["P2"]
    assert [r.key for r in survivor.records] == ["IMSS:R1", "IMSS:R2", "IMSS:R3"]
    assert survivor.links[1] == Link("IMSS:R2", "P1", at(10), "steward-1", "merge", 0.97)
    assert (absorbed.person.status, absorbed.person.merged_into) == (PersonStatus.MERGED, "P1")
    assert absorbed.records == ()
    assert (event.survivor_id, event.absorbed_id, event.by, event.at, event.reason) == (
        "P1",
        "P2",
        "steward-1",
        at(10),
        "same CURP",
    )
    assert event.record_keys == ("IMSS:R2", "IMSS:R3")
    assert event.undone_at is None


def test_the_merge_is_kept_in_both_persons_history(two_persons: Store) -> None:
    with two_persons.write() as tx:
        event = tx.merge_persons("P1", "P2", "steward-1", "same CURP", at(10))
    with two_persons.read() as tx:
        assert tx.merge_event(event.id) == event
        assert tx.merge_events("P1") == (event,)
        assert tx.merge_events("P2") == (event,)
        assert tx.merge_event("M-nope") is None
        assert tx.stats().merged_persons == 1


def test_undoing_a_merge_restores_the_links_exactly(two_persons: Store) -> None:
    with two_persons.read() as tx:
        before = tx.persons(["P1", "P2"])
    with two_persons.write() as tx:
        event = tx.merge_persons("P1", "P2", "steward-1", "same CURP", at(10))
        undone = tx.undo_merge(event.id, "steward-2", at(20))
    with two_persons.read() as tx:
        after = tx.persons(["P1", "P2"])
        assert tx.merge_event(event.id) == undone
    assert after == before
    assert (undone.undone_at, undone.undone_by) == (at(20), "steward-2")
    assert undone.moved_links == event.moved_links


def test_a_merge_is_undone_once(two_persons: Store) -> None:
    with two_persons.write() as tx:
        event = tx.merge_persons("P1", "P2", "steward-1", "same CURP", at(10))
        tx.undo_merge(event.id, "steward-2", at(20))
    with pytest.raises(ConflictError, match="undone already"), two_persons.write() as tx:
        tx.undo_merge(event.id, "steward-2", at(30))


def test_a_merge_whose_records_moved_since_cannot_be_undone(two_persons: Store) -> None:
    with two_persons.write() as tx:
        event = tx.merge_persons("P1", "P2", "steward-1", "same CURP", at(10))
        tx.create_person("P3", at(11))
        tx.move(link("IMSS:R3", "P3", minutes=12))
    with pytest.raises(ConflictError), two_persons.write() as tx:
        tx.undo_merge(event.id, "steward-2", at(20))


def test_a_merge_into_a_since_merged_survivor_cannot_be_undone(two_persons: Store) -> None:
    with two_persons.write() as tx:
        tx.create_person("P3", at(11))
        event = tx.merge_persons("P1", "P2", "steward-1", "same", at(12))
        tx.merge_persons("P3", "P1", "steward-1", "same", at(13))
    with pytest.raises(ConflictError), two_persons.write() as tx:
        tx.undo_merge(event.id, "steward-2", at(20))


@pytest.mark.parametrize(
    ("survivor", "absorbed", "error"),
    [
        ("P1", "P1", ConflictError),
        ("P1", "nobody", NotFoundError),
        ("nobody", "P1", NotFoundError),
    ],
)
def test_impossible_merges_are_refused(
    two_persons: Store, survivor: str, absorbed: str, error: type[Exception]
) -> None:
    with pytest.raises(error), two_persons.write() as tx:
        tx.merge_persons(survivor, absorbed, "steward-1", "why", at(10))


def test_a_merged_person_can_neither_merge_nor_receive_records(two_persons: Store) -> None:
    seed(two_persons, write(record(4)))
    with two_persons.write() as tx:
        tx.create_person("P3", T0)
        tx.merge_persons("P1", "P2", "steward-1", "same", at(10))
    with pytest.raises(ConflictError), two_persons.write() as tx:
        tx.merge_persons("P3", "P2", "steward-1", "again", at(11))
    with pytest.raises(ConflictError), two_persons.write() as tx:
        tx.link(link("IMSS:R4", "P2"))
    with pytest.raises(ConflictError), two_persons.write() as tx:
        tx.move(link("IMSS:R1", "P2"))


def test_undoing_an_unknown_merge_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError), store.write() as tx:
        tx.undo_merge("M-nope", "steward-1", T0)
