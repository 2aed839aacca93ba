"""Contract: stats() counts everything the store holds."""

from __future__ import annotations

from datetime import date

from mpi.domain.audit import AuditEntry
from mpi.domain.coverage import Coverage
from mpi.domain.credentials import Credential
from mpi.domain.encounters import Encounter
from mpi.domain.review import ReviewTask
from mpi.domain.store_stats import StoreStats
from mpi.store.port import Store
from tests.store.contract_data import T0, at, record, seed, seed_person, write


def test_an_empty_store_counts_nothing(store: Store) -> None:
    with store.read() as tx:
        assert tx.stats() == StoreStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def test_every_kind_of_thing_is_counted(store: Store) -> None:
    seed(
        store,
        write(record(1, institution="IMSS"), "shared", "a"),
        write(record(2, institution="ISSSTE"), "shared", "b"),
        write(record(3, institution="IMSS"), "c"),
    )
    seed_person(store, "P1", "IMSS:R1")
    seed_person(store, "P2", "ISSSTE:R2")
    seed_person(store, "P3")
    with store.write() as tx:
        tx.merge_persons("P1", "P2", "steward-1", "same", at(5))
        tx.add_not_same("IMSS:R1", "IMSS:R3", "steward-1", "twins", at(6))
        tx.create_review_task(ReviewTask("R1", "possible-match", "IMSS:R3", ("P1",), at(7)))
        tx.create_review_task(ReviewTask("R2", "possible-match", "IMSS:R3", ("P3",), at(7)))
        tx.decide_review_task("R2", "different", "steward-1", "no", at(8))
        tx.add_coverage([Coverage("IMSS:R1", "IMSS", "derechohabiente", date(2020, 1, 1))])
        tx.add_encounters([Encounter("E1", "IMSS:R1", "lab", date(2024, 1, 1))])
        tx.issue_credential(Credential("C1", "P1", at(9)))
        tx.append_audit([AuditEntry("A1", T0, "a", "admin", "merge", "person", ("P1", "P2"))])
    with store.read() as tx:
        assert tx.stats() == StoreStats(
            institutions=2,
            records=3,
            linked_records=2,
            active_persons=2,
            merged_persons=1,
            block_keys=4,
            not_same=1,
            open_review_tasks=1,
            coverage=1,
            encounters=1,
            active_credentials=1,
            audit_entries=1,
        )
