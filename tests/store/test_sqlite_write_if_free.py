"""SqliteStore.write_if_free: a write that starts only when no other writer holds the store."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mpi.domain.audit import AuditQuery
from mpi.domain.errors import StoreError
from mpi.services.audit import Actor, audit_entry
from mpi.store.port import ImmediateWriter
from mpi.store.sqlite import SqliteStore, open_sqlite_store

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ACTOR = Actor("key:K1", "steward")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = open_sqlite_store(tmp_path / "mpi.db")
    yield opened
    opened.close()


def append_read(store: SqliteStore, person_id: str) -> bool:
    """Audit one read through write_if_free; whether it was written."""
    with store.write_if_free() as tx:
        if tx is None:
            return False
        tx.append_audit([audit_entry(ACTOR, "read:person", "person", [person_id], AT)])
        return True


def audited(store: SqliteStore) -> list[str]:
    with store.read() as tx:
        entries = tx.audit(AuditQuery(action="read:person"), limit=100).items
    return sorted(e.target_ids[0] for e in entries)


def test_the_sqlite_store_offers_writes_that_never_wait(store: SqliteStore) -> None:
    assert isinstance(store, ImmediateWriter)


def test_a_free_store_commits_what_the_block_wrote(store: SqliteStore) -> None:
    assert append_read(store, "P1")
    assert audited(store) == ["P1"]


def test_a_block_that_raises_leaves_nothing_written(store: SqliteStore) -> None:
    with pytest.raises(RuntimeError), store.write_if_free() as tx:
        assert tx is not None
        tx.append_audit([audit_entry(ACTOR, "read:person", "person", ["P1"], AT)])
        raise RuntimeError("caller failed")
    assert audited(store) == []


def test_another_connection_writing_gives_none_and_nothing_is_written(
    store: SqliteStore,
) -> None:
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process would hold the same lock
    try:
        assert not append_read(store, "P1")
    finally:
        other.rollback()
        other.close()
    assert audited(store) == []


def test_after_a_busy_attempt_ordinary_writes_wait_for_the_lock_again(
    store: SqliteStore,
) -> None:
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    assert not append_read(store, "P1")
    # Released a moment later: a write() started now must wait for it, not fail at once
    # (the busy timeout switched off for the attempt is back on that connection).
    release = threading.Timer(0.3, other.rollback)
    release.start()
    try:
        with store.write() as tx:
            tx.append_audit([audit_entry(ACTOR, "read:person", "person", ["P2"], AT)])
    finally:
        release.join()
        other.close()
    assert audited(store) == ["P2"]


def test_another_thread_of_this_process_writing_gives_none(store: SqliteStore) -> None:
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with store.write():
            inside.set()
            leave.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(10)
        assert not append_read(store, "P1")
    finally:
        leave.set()
        holder.join()
    assert append_read(store, "P2")
    assert audited(store) == ["P2"]


def test_a_closed_store_refuses_the_write(store: SqliteStore) -> None:
    store.close()
    with pytest.raises(StoreError):
        append_read(store, "P1")
