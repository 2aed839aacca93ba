from __future__ import annotations

from pathlib import Path

import pytest

from mpi.bootstrap import Services, build
from mpi.domain.errors import ConflictError
from mpi.domain.records import Record
from mpi.domain.review import ReviewStatus
from mpi.services.batch_link import link_records
from mpi.services.importer import count_terms, hold_counts, import_records, release_counts
from tests.services.conftest import sqlite_settings
from tests.services.people import CLERK, juan, partition, population_file, read_valid


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
