"""Contract: review tasks are created open, listed by status in pages, and decided once."""

from __future__ import annotations

import pytest

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.review import ReviewStatus, ReviewTask
from mpi.store.port import Store
from tests.store.contract_data import at


def task(n: int) -> ReviewTask:
    return ReviewTask(
        id=f"R{n:03d}",
        kind="possible-match",
        record_key=f"IMSS:R{n}",
        person_ids=(f"P{n}", f"P{n + 1}"),
        created_at=at(n),
        payload='{"probability": 0.8}',
    )


def create(store: Store, *tasks: ReviewTask) -> None:
    with store.write() as tx:
        for t in tasks:
            tx.create_review_task(t)


def test_a_created_task_reads_back_open_and_equal(store: Store) -> None:
    create(store, task(1))
    with store.read() as tx:
        assert tx.review_task("R001") == task(1)
        assert tx.review_task("R999") is None
        assert tx.stats().open_review_tasks == 1


def test_deciding_closes_the_task_with_who_what_why_and_when(store: Store) -> None:
    create(store, task(1))
    with store.write() as tx:
        decided = tx.decide_review_task("R001", "same-person", "steward-1", "same CURP", at(9))
    assert decided.status == ReviewStatus.DECIDED
    assert (decided.decision, decided.decided_by, decided.reason, decided.decided_at) == (
        "same-person",
        "steward-1",
        "same CURP",
        at(9),
    )
    with store.read() as tx:
        assert tx.review_task("R001") == decided


def test_a_task_is_decided_once(store: Store) -> None:
    create(store, task(1))
    with store.write() as tx:
        tx.decide_review_task("R001", "same-person", "steward-1", "ok", at(9))
    with pytest.raises(ConflictError), store.write() as tx:
        tx.decide_review_task("R001", "different", "steward-2", "no", at(10))


def test_deciding_an_unknown_task_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError), store.write() as tx:
        tx.decide_review_task("R404", "x", "s", "r", at(1))


def test_a_task_id_is_used_once(store: Store) -> None:
    create(store, task(1))
    with pytest.raises(ConflictError):
        create(store, task(1))


def test_a_new_task_must_be_open(store: Store) -> None:
    closed = ReviewTask("R1", "k", None, (), at(1), status=ReviewStatus.DECIDED, decision="x")
    with pytest.raises(ConflictError):
        create(store, closed)


def test_tasks_are_listed_by_status_in_pages_oldest_first(store: Store) -> None:
    create(store, *(task(n) for n in range(1, 6)))
    with store.write() as tx:
        tx.decide_review_task("R002", "different", "steward-1", "twins", at(9))
    with store.read() as tx:
        first = tx.review_tasks(ReviewStatus.OPEN, limit=2)
        second = tx.review_tasks(ReviewStatus.OPEN, limit=2, after=first.next_cursor)
        decided = tx.review_tasks(ReviewStatus.DECIDED)
        everything = tx.review_tasks(limit=10)
    assert [t.id for t in first.items] == ["R001", "R003"]
    assert [t.id for t in second.items] == ["R004", "R005"]
    assert second.next_cursor is None
    assert [t.id for t in decided.items] == ["R002"]
    assert len(everything.items) == 5
