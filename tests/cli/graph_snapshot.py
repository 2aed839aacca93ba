"""A comparable picture of a stored identity graph, with the random person ids taken out."""

from __future__ import annotations

from pathlib import Path

from mpi.domain.records import Record
from mpi.domain.review import ReviewStatus
from mpi.io.records_file import read_records
from mpi.store import open_store

Group = frozenset[str]


def file_keys(path: Path) -> list[str]:
    return [row.key for row in read_records(path) if isinstance(row, Record)]


def stored_records(url: str) -> int:
    """How many records the store at `url` holds."""
    store = open_store(url)
    try:
        with store.read() as tx:
            return tx.stats().records
    finally:
        store.close()


def snapshot(url: str, keys: list[str]) -> tuple[dict[str, tuple[Group, int]], set[object]]:
    """Per record: the keys sharing its person and its version; review tasks by content."""
    store = open_store(url)
    try:
        with store.read() as tx:
            stored = tx.get_records(keys)
            tasks = tx.review_tasks(ReviewStatus.OPEN, limit=1000).items
            persons = tx.persons({p for t in tasks for p in t.person_ids})
    finally:
        store.close()
    groups: dict[str | None, set[str]] = {}
    for key, record in stored.items():
        groups.setdefault(record.person_id, set()).add(key)
    records = {k: (frozenset(groups[r.person_id]), r.version) for k, r in stored.items()}
    by_person = {pid: frozenset(r.key for r in p.records) for pid, p in persons.items()}
    reviews: set[object] = {
        (t.kind, t.record_key, frozenset(by_person[p] for p in t.person_ids)) for t in tasks
    }
    return records, reviews
