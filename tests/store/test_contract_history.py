"""Contract: coverage and encounters hang off records and are read per person."""

from __future__ import annotations

from datetime import date

import pytest

from mpi.domain.coverage import Coverage
from mpi.domain.encounters import Encounter
from mpi.domain.errors import ConflictError, NotFoundError
from mpi.store.port import Store
from tests.store.contract_data import at, record, seed, seed_person, write


@pytest.fixture
def person(store: Store) -> Store:
    seed(store, write(record(1, institution="IMSS")), write(record(2, institution="ISSSTE")))
    seed(store, write(record(3)))
    seed_person(store, "P1", "IMSS:R1", "ISSSTE:R2")
    return store


def test_coverage_of_a_person_gathers_all_its_records(person: Store) -> None:
    imss = Coverage("IMSS:R1", "IMSS", "derechohabiente", date(2020, 1, 1))
    issste = Coverage("ISSSTE:R2", "ISSSTE", "beneficiario", date(2021, 3, 1), date(2024, 1, 1))
    other = Coverage("IMSS:R3", "IMSS", "derechohabiente", date(2020, 1, 1))
    with person.write() as tx:
        tx.add_coverage([issste, imss, other])
    with person.read() as tx:
        assert tx.coverage_of("P1") == (imss, issste)
        assert tx.coverage_of("nobody") == ()
        assert tx.stats().coverage == 3


def test_restating_coverage_updates_its_end(person: Store) -> None:
    open_ended = Coverage("IMSS:R1", "IMSS", "derechohabiente", date(2020, 1, 1))
    ended = Coverage("IMSS:R1", "IMSS", "derechohabiente", date(2020, 1, 1), date(2025, 6, 30))
    with person.write() as tx:
        tx.add_coverage([open_ended])
    with person.write() as tx:
        tx.add_coverage([ended])
    with person.read() as tx:
        assert tx.coverage_of("P1") == (ended,)


def test_encounters_of_a_person_come_in_date_order(person: Store) -> None:
    lab = Encounter("E2", "ISSSTE:R2", "lab", date(2024, 2, 1), "HGZ 1", "glucosa")
    visit = Encounter("E1", "IMSS:R1", "consultation", date(2024, 3, 5), "UMF 20", None)
    early = Encounter("E3", "IMSS:R1", "prescription", date(2023, 1, 9))
    with person.write() as tx:
        tx.add_encounters([lab, visit, early])
    with person.read() as tx:
        assert tx.encounters_of("P1") == (early, lab, visit)
        assert tx.stats().encounters == 3


def test_an_encounter_id_is_used_once(person: Store) -> None:
    visit = Encounter("E1", "IMSS:R1", "consultation", date(2024, 3, 5))
    with person.write() as tx:
        tx.add_encounters([visit])
    with pytest.raises(ConflictError), person.write() as tx:
        tx.add_encounters([visit])


def test_history_needs_an_existing_record(person: Store) -> None:
    with pytest.raises(NotFoundError), person.write() as tx:
        tx.add_encounters([Encounter("E1", "IMSS:nope", "lab", date(2024, 1, 1))])
    with pytest.raises(NotFoundError), person.write() as tx:
        tx.add_coverage([Coverage("IMSS:nope", "IMSS", "derechohabiente", date(2020, 1, 1))])


def test_history_follows_records_when_persons_merge(person: Store) -> None:
    with person.write() as tx:
        tx.add_encounters([Encounter("E1", "IMSS:R3", "lab", date(2024, 1, 1))])
    seed_person(person, "P2", "IMSS:R3")
    with person.write() as tx:
        tx.merge_persons("P1", "P2", "steward-1", "same", at(30))
    with person.read() as tx:
        assert [e.id for e in tx.encounters_of("P1")] == ["E1"]
        assert tx.encounters_of("P2") == ()
