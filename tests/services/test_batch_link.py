from __future__ import annotations

import json
import os
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from mpi.bootstrap import Services, build
from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.errors import ConflictError
from mpi.domain.records import Record
from mpi.domain.review import ReviewStatus
from mpi.services.batch_keys import BlockKeyTable
from mpi.services.batch_link import _payload, link_records
from mpi.services.decide import REVIEW_AMBIGUOUS, Outcome
from mpi.services.importer import count_terms, hold_counts, import_records, release_counts
from mpi.store.port import BulkLoader, ReadTx, Store, WriteTx
from tests.services.both_ways import link_both_ways
from tests.services.conftest import sqlite_settings
from tests.services.people import (
    CLERK,
    curp_of,
    juan,
    partition,
    population_file,
    read_valid,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    """About 650 records of 300 synthetic persons (typos, missing CURPs, hard negatives)."""
    return read_valid(population_file(tmp_path_factory.mktemp("sample"), 300, seed=11))


def test_batch_link_persists_every_record_with_its_person(
    any_services: Services, sample: list[Record]
) -> None:
    services = any_services
    result = link_records(services.store, sample, services.rules, CLERK)
    with services.store.read() as tx:
        stats = tx.stats()
        stored = tx.get_records([r.key for r in sample[:50]])
        open_tasks = tx.review_tasks(ReviewStatus.OPEN, limit=1000).items
    assert (stats.records, stats.linked_records) == (len(sample), len(sample))
    assert stats.active_persons == result.persons == len(set(result.person_ids))
    head = zip(sample[:50], result.person_ids[:50], strict=True)
    assert all(stored[r.key].person_id == pid for r, pid in head)
    assert len(open_tasks) == result.review_tasks
    assert result.persons < len(sample)


def test_batch_link_refuses_a_store_that_already_holds_records(
    services: Services, sample: list[Record]
) -> None:
    services.linking.register(juan("IMSS", "1"), CLERK)
    with pytest.raises(ConflictError, match="already holds 1 records"):
        link_records(services.store, sample, services.rules, CLERK)


def test_batch_link_refuses_a_record_key_twice(services: Services) -> None:
    with pytest.raises(ConflictError, match="appears twice"):
        link_records(services.store, [juan("IMSS", "1"), juan("IMSS", "1")], services.rules, CLERK)


def test_incremental_registration_and_batch_linking_agree_on_a_sample(
    tmp_path: Path, services: Services, sample: list[Record]
) -> None:
    link_records(services.store, sample, services.rules, CLERK)
    (tmp_path / "incremental").mkdir()
    incremental = build(sqlite_settings(tmp_path / "incremental"))
    try:
        counts, _ = count_terms(sample)
        hold_counts(incremental.linking, counts)
        import_records(incremental.linking, sample, CLERK)
        release_counts(incremental.linking, completed=True)
        keys = [r.key for r in sample]
        batch, online = partition(services.store, keys), partition(incremental.store, keys)
    finally:
        incremental.close()
    differing = [k for k in keys if batch[k] != online[k]]
    # Arrival order can leave a record apart that batch clustering joins once a later record
    # bridges it (a review task is queued instead); anything beyond that is a defect.
    assert len(differing) <= len(keys) // 100, differing


# Two namesakes: same name, sex and birth date, born in two states (valid CURPs of different
# roots), each with their own address, phone and NSS.
BORN = date(1968, 9, 23)
NAMESAKE = Record(
    "SSA", "0", curp=None, given_names="MARTHA ALICIA", first_surname="VILLASEÑOR",
    second_surname="OCHOA", sex="M", birth_date=BORN,
)  # fmt: skip


def namesake(institution: str, record_id: str, **changes: Any) -> Record:
    return replace(NAMESAKE, institution=institution, record_id=record_id, **changes)


NAMESAKE_A = namesake(
    "IMSS", "A1", curp=curp_of("MARTHA ALICIA", "VILLASENOR", "OCHOA", BORN, "M", "JC"),
    birth_state="JC", postal_code="44100", phone="3311112222", nss="11111111111",
)  # fmt: skip
NAMESAKE_B = namesake(
    "ISSSTE", "B1", curp=curp_of("MARTHA ALICIA", "VILLASENOR", "OCHOA", BORN, "M", "SR"),
    birth_state="SR", postal_code="83000", phone="6622223333", nss="22222222222",
)  # fmt: skip

NAMESAKE_CASES = [
    # (what, the third record, the namesake it must join or None for review)
    ("only the name and birth date: review", namesake("SSA", "X1"), None),
    (
        "the birth state, address and phone of one of them: linked",
        namesake("SSA", "Y1", birth_state="JC", postal_code="44100", phone="3311112222"),
        NAMESAKE_A.key,
    ),
]


@pytest.mark.parametrize(
    ("what", "third", "joins"), NAMESAKE_CASES, ids=[c[0] for c in NAMESAKE_CASES]
)
def test_batch_and_online_agree_on_a_record_without_curp_between_two_namesakes(
    tmp_path: Path, services: Services, what: str, third: Record, joins: str | None
) -> None:
    both = link_both_ways(tmp_path, services, [NAMESAKE_A, NAMESAKE_B, third])
    with services.store.read() as tx:
        batch_tasks = tx.review_tasks(ReviewStatus.OPEN).items
    batch, outcomes = both.batch, both.outcomes
    assert batch == both.online
    assert batch[NAMESAKE_A.key] != batch[NAMESAKE_B.key]
    if joins is None:
        assert batch[third.key] == {third.key}
        assert outcomes[2] is Outcome.REVIEW
        [task] = [t for t in batch_tasks if t.record_key == third.key]
        assert task.kind == REVIEW_AMBIGUOUS
        assert len(task.person_ids) == 3
    else:
        assert batch[third.key] == {third.key, joins}
        assert outcomes[2] is Outcome.LINKED


class ChunkedStore:
    """The same store without its bulk-load capability: batch linking then writes it one
    transaction per chunk, as it writes a Neo4j store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def read(self) -> AbstractContextManager[ReadTx]:
        return self._store.read()

    def write(self) -> AbstractContextManager[WriteTx]:
        return self._store.write()

    def close(self) -> None:
        self._store.close()


def graph(store: Store, keys: list[str]) -> tuple[object, ...]:
    """Persons (as groups of keys), links' rules and review tasks, person ids aside."""
    groups = partition(store, keys)
    with store.read() as tx:
        stored = tx.get_records(keys)
        tasks = tx.review_tasks(ReviewStatus.OPEN, limit=1000).items
        stats = tx.stats()
        persons = tx.persons({r.person_id for r in stored.values() if r.person_id})
    rules = {
        link.record_key: (link.rule, link.probability, link.by, link.linked_at)
        for person in persons.values()
        for link in person.links
    }
    reviews = {(t.kind, t.record_key, len(t.person_ids)) for t in tasks}
    return groups, rules, reviews, len(rules), stats.records, stats.active_persons


@pytest.mark.parametrize("staged", [False, True])
def test_a_bulk_load_writes_the_same_graph_as_chunked_transactions(
    tmp_path: Path,
    services: Services,
    sample: list[Record],
    monkeypatch: pytest.MonkeyPatch,
    staged: bool,
) -> None:
    assert isinstance(services.store, BulkLoader)
    # Staged: the block keys made by a child process from before the linking, even for
    # this small sample, in several chunks.
    monkeypatch.setenv("MPI_WORKERS", "2" if staged else "1")
    monkeypatch.setattr("mpi.services.batch_persist.BESIDE_MIN", 0)
    monkeypatch.setattr("mpi.services.batch_persist.CHUNK", 100)
    monkeypatch.setattr("mpi.store.sqlite_bulk_texts.JOINED_RUNS", 100)
    held: list[object] = []
    link_records(services.store, sample, services.rules, CLERK, at=T0, hold=held)
    # A staged load never makes the key table in this process.
    assert [type(o) for o in held[:2]] == [type(None) if staged else BlockKeyTable, LinkColumns]
    (tmp_path / "chunked").mkdir()
    chunked = build(sqlite_settings(tmp_path / "chunked"))
    try:
        link_records(ChunkedStore(chunked.store), sample, chunked.rules, CLERK, at=T0)
        keys = [r.key for r in sample]
        assert graph(services.store, keys) == graph(chunked.store, keys)
    finally:
        chunked.close()


@pytest.mark.parametrize("bulk", [True, False])
def test_columns_link_into_the_same_graph_as_the_records_they_hold(
    tmp_path: Path, services: Services, sample: list[Record], bulk: bool
) -> None:
    by_records = link_records(services.store, sample, services.rules, CLERK, at=T0)
    (tmp_path / "columns").mkdir()
    other = build(sqlite_settings(tmp_path / "columns"))
    try:
        store = other.store if bulk else ChunkedStore(other.store)
        by_columns = link_records(store, RecordColumns.of(sample), other.rules, CLERK, at=T0)
        keys = [r.key for r in sample]
        assert graph(services.store, keys) == graph(other.store, keys)
        assert by_columns.keys == by_records.keys
        assert partition(other.store, keys) == partition(services.store, keys)
        assert len(set(by_columns.person_ids)) == len(set(by_records.person_ids))
    finally:
        other.close()


def test_a_key_twice_among_columns_is_refused(services: Services) -> None:
    columns = RecordColumns.of([juan("IMSS", "1"), juan("IMSS", "2"), juan("IMSS", "1")])
    with pytest.raises(ConflictError, match="IMSS:1 appears twice"):
        link_records(services.store, columns, services.rules, CLERK)


@pytest.mark.parametrize(
    "keys",
    [["IMSS:1"], ["IMSS:1", 'ISSSTE:"2"'], ["SSA:ÑANDÚ\\3", "IMSS:4\n", "IMSS:5", "A", "B", "C"]],
)
def test_a_review_payload_is_the_json_of_its_candidates(keys: list[str]) -> None:
    ids = [f"P{i}" for i in range(len(keys))]
    candidates = list(range(len(keys)))[::-1]
    expected = {
        "decision": "review",
        "reason": "batch link",
        "candidates": [{"record": keys[o], "person": ids[o]} for o in candidates],
    }
    assert _payload(keys, ids, candidates) == json.dumps(expected, sort_keys=True)


def test_a_failure_while_linking_stops_the_staging_children_and_leaves_the_store_empty(
    tmp_path: Path, services: Services, sample: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MPI_WORKERS", "2")
    monkeypatch.setattr("mpi.services.batch_persist.BESIDE_MIN", 0)
    before = set(_children_of(os.getpid()))  # e.g. a test server
    started: set[int] = set()

    def failing_link(*_: object) -> None:
        started.update(set(_children_of(os.getpid())) - before)  # the load's, by now
        raise RuntimeError("linking failed")

    monkeypatch.setattr("mpi.services.batch_link._link", failing_link)
    with pytest.raises(RuntimeError, match="linking failed"):
        link_records(services.store, sample, services.rules, CLERK, at=T0)
    assert len(started) == 2  # the fork making the staged inputs, and the stager
    assert not started & set(_children_of(os.getpid()))  # both ended and waited for
    with services.store.read() as tx:
        assert tx.stats().records == 0
    assert not [p.name for p in tmp_path.rglob("*") if ".loading" in p.name]


def _children_of(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listed:
        return [int(child) for child in listed.read().split()]
