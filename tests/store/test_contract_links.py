"""Contract: persons, and the rules for linking, unlinking and moving records."""

from __future__ import annotations

import pytest

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.store.port import Store
from tests.store.contract_data import T0, at, link, record, seed, seed_person, write


def test_a_new_person_is_active_and_has_no_records(store: Store) -> None:
    with store.write() as tx:
        created = tx.create_person("P1", T0)
    with store.read() as tx:
        found = tx.person("P1")
    assert created == Person("P1", PersonStatus.ACTIVE, T0)
    assert found is not None
    assert (found.person, found.records, found.links) == (created, (), ())


def test_a_person_id_is_used_once(store: Store) -> None:
    with store.write() as tx:
        tx.create_person("P1", T0)
    with pytest.raises(ConflictError), store.write() as tx:
        tx.create_person("P1", T0)


def test_persons_are_created_in_bulk(store: Store) -> None:
    with store.write() as tx:
        tx.create_persons([Person(f"P{n}", PersonStatus.ACTIVE, at(n)) for n in range(3)])
    with store.read() as tx:
        found = tx.persons(["P0", "P2", "nobody"])
        assert tx.stats().active_persons == 3
    assert {pid: p.person.created_at for pid, p in found.items()} == {"P0": at(0), "P2": at(2)}


def test_a_linked_record_shows_on_its_person_with_the_link(store: Store) -> None:
    seed(store, write(record(2)), write(record(1)))
    seed_person(store, "P1", "IMSS:R2", "IMSS:R1", minutes=4)
    with store.read() as tx:
        found = tx.person("P1")
        stored = tx.get_record("IMSS:R1")
        stats = tx.stats()
    assert found is not None
    assert [r.key for r in found.records] == ["IMSS:R1", "IMSS:R2"]
    assert found.links == (
        Link("IMSS:R1", "P1", at(4), "linker", "fs-link", 0.97),
        Link("IMSS:R2", "P1", at(4), "linker", "fs-link", 0.97),
    )
    assert stored is not None
    assert stored.person_id == "P1"
    assert stats.linked_records == 2


def test_linking_again_to_the_same_person_changes_nothing(store: Store) -> None:
    seed(store, write(record(1)))
    seed_person(store, "P1", "IMSS:R1")
    with store.write() as tx:
        tx.link(link("IMSS:R1", "P1", minutes=9, probability=0.5))
    with store.read() as tx:
        found = tx.person("P1")
    assert found is not None
    assert found.links == (link("IMSS:R1", "P1"),)


def test_linking_a_record_held_by_another_person_is_a_conflict(store: Store) -> None:
    seed(store, write(record(1)))
    seed_person(store, "P1", "IMSS:R1")
    with store.write() as tx:
        tx.create_person("P2", T0)
    with pytest.raises(ConflictError, match="move"), store.write() as tx:
        tx.link(link("IMSS:R1", "P2"))
    with store.read() as tx:
        stored = tx.get_record("IMSS:R1")
    assert stored is not None
    assert stored.person_id == "P1"


def test_a_batch_linking_one_record_to_two_persons_is_refused_whole(store: Store) -> None:
    seed(store, write(record(1)), write(record(2)))
    with store.write() as tx:
        tx.create_persons(
            [Person("P1", PersonStatus.ACTIVE, T0), Person("P2", PersonStatus.ACTIVE, T0)]
        )
    with pytest.raises(ConflictError), store.write() as tx:
        tx.link_many([link("IMSS:R2", "P1"), link("IMSS:R1", "P1"), link("IMSS:R1", "P2")])
    with store.read() as tx:
        assert tx.stats().linked_records == 0


@pytest.mark.parametrize(
    ("record_key", "person_id", "kind"),
    [("IMSS:nope", "P1", "record"), ("IMSS:R1", "nobody", "person")],
)
def test_linking_unknown_things_is_not_found(
    store: Store, record_key: str, person_id: str, kind: str
) -> None:
    seed(store, write(record(1)))
    with store.write() as tx:
        tx.create_person("P1", T0)
    with pytest.raises(NotFoundError) as raised, store.write() as tx:
        tx.link(link(record_key, person_id))
    assert raised.value.kind == kind


def test_unlinking_returns_the_old_link_and_frees_the_record(store: Store) -> None:
    seed(store, write(record(1)))
    seed_person(store, "P1", "IMSS:R1")
    with store.write() as tx:
        old = tx.unlink("IMSS:R1")
        again = tx.unlink("IMSS:R1")
    with store.read() as tx:
        stored = tx.get_record("IMSS:R1")
        found = tx.person("P1")
    assert (old, again) == (link("IMSS:R1", "P1"), None)
    assert stored is not None
    assert stored.person_id is None
    assert found is not None
    assert found.records == ()


def test_unlinking_an_unknown_record_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError), store.write() as tx:
        tx.unlink("IMSS:nope")


def test_moving_relinks_the_record_and_returns_the_old_link(store: Store) -> None:
    seed(store, write(record(1)))
    seed_person(store, "P1", "IMSS:R1")
    with store.write() as tx:
        tx.create_person("P2", T0)
        moved = Link("IMSS:R1", "P2", at(7), "steward-1", "steward", None)
        old = tx.move(moved)
    with store.read() as tx:
        found = tx.persons(["P1", "P2"])
    assert old == link("IMSS:R1", "P1")
    assert found["P1"].records == ()
    assert found["P2"].links == (moved,)


def test_moving_an_unlinked_record_links_it(store: Store) -> None:
    seed(store, write(record(1)))
    with store.write() as tx:
        tx.create_person("P1", T0)
        assert tx.move(link("IMSS:R1", "P1")) is None
    with store.read() as tx:
        stored = tx.get_record("IMSS:R1")
    assert stored is not None
    assert stored.person_id == "P1"


def test_an_unknown_person_reads_as_none(store: Store) -> None:
    with store.read() as tx:
        assert tx.person("nobody") is None
        assert tx.persons([]) == {}


def test_a_batch_can_create_records_persons_and_links_in_one_transaction(store: Store) -> None:
    persons = [Person(f"P{n}", PersonStatus.ACTIVE, T0) for n in (1, 2)]
    links = [link("IMSS:R1", "P1"), link("IMSS:R2", "P2"), link("IMSS:R3", "P1")]
    with store.write() as tx:
        tx.upsert_records([write(record(n), f"k{n}") for n in (1, 2, 3)], T0)
        tx.create_persons(persons)
        tx.link_many(links)
        inside = tx.person("P1")
    with store.read() as tx:
        after = tx.persons(["P1", "P2"])
        found = tx.candidates(["k1", "k3"], cap=5)
    assert inside is not None
    assert inside == after["P1"]
    assert after["P1"].links == (links[0], links[2])
    assert after["P2"].links == (links[1],)
    assert [c.person_id for c in found.candidates] == ["P1", "P1"]


@pytest.mark.parametrize(
    ("links", "error"),
    [
        ([link("IMSS:R1", "nobody")], NotFoundError),
        ([link("IMSS:R1", "P1"), link("IMSS:R1", "P2")], ConflictError),
        ([link("IMSS:R1", "P3")], ConflictError),
    ],
)
def test_links_to_records_written_in_the_same_batch_follow_the_rules(
    store: Store, links: list[Link], error: type[Exception]
) -> None:
    with store.write() as tx:
        tx.create_persons([Person(f"P{n}", PersonStatus.ACTIVE, T0) for n in (1, 2, 3)])
        tx.merge_persons("P1", "P3", "steward-1", "same", T0)
    with pytest.raises(error), store.write() as tx:
        tx.upsert_records([write(record(1))], T0)
        tx.link_many(links)
    with store.read() as tx:
        assert tx.get_record("IMSS:R1") is None
