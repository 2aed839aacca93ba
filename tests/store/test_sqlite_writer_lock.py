"""The writer queue of SQLite stores: an flock that orders writers across processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mpi.domain.audit import AuditQuery
from mpi.services.audit import Actor, audit_entry
from mpi.store.sqlite import SqliteStore, open_sqlite_store
from mpi.store.sqlite_writer_lock import WriterLock, lock_path
from tests.store.children import running

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ACTOR = Actor("key:K1", "steward")
# A child that opens the store, keeps a write transaction open and says so.
HOLDER = """
import sys, time
from pathlib import Path
from mpi.store.sqlite import open_sqlite_store
store = open_sqlite_store(Path(sys.argv[1]))
with store.write():
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = open_sqlite_store(tmp_path / "mpi.db")
    yield opened
    opened.close()


def audit_read(store: SqliteStore, person_id: str) -> None:
    with store.write() as tx:
        tx.append_audit([audit_entry(ACTOR, "read:person", "person", [person_id], AT)])


def audited(store: SqliteStore) -> list[str]:
    with store.read() as tx:
        entries = tx.audit(AuditQuery(action="read:person"), limit=100).items
    return sorted(e.target_ids[0] for e in entries)


def test_the_lock_file_sits_next_to_the_database(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "mpi.db") == tmp_path / "mpi.db.writer-lock"


def test_a_held_lock_is_not_free_for_another_holder_until_let_go(tmp_path: Path) -> None:
    first, second = WriterLock(tmp_path / "mpi.db"), WriterLock(tmp_path / "mpi.db")
    try:
        with first.hold(), second.hold_if_free() as free:
            assert not free
        with second.hold_if_free() as free:
            assert free
    finally:
        first.close()
        second.close()


def test_write_if_free_gives_none_while_another_writer_queues_first(store: SqliteStore) -> None:
    other = WriterLock(store.path)
    try:
        with other.hold(), store.write_if_free() as tx:
            assert tx is None
    finally:
        other.close()
    assert audited(store) == []


def test_a_write_starts_only_once_the_queue_holder_lets_go(store: SqliteStore) -> None:
    other = WriterLock(store.path)
    writer = threading.Thread(target=audit_read, args=(store, "P1"))
    try:
        with other.hold():
            writer.start()
            writer.join(0.3)
            assert writer.is_alive()
            assert audited(store) == []
        writer.join(30)
        assert not writer.is_alive()
    finally:
        other.close()
    assert audited(store) == ["P1"]


def test_a_killed_holder_does_not_block_the_survivor(store: SqliteStore) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with running(process):
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        with store.write_if_free() as tx:
            assert tx is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    writer = threading.Thread(target=audit_read, args=(store, "P2"))
    writer.start()
    writer.join(30)
    assert not writer.is_alive()
    assert audited(store) == ["P2"]
