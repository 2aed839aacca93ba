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
from mpi.domain.errors import StoreError
from mpi.services.audit import Actor, audit_entry
from mpi.store.sqlite import SqliteStore, open_sqlite_store
from mpi.store.sqlite_writer_lock import (
    DEFAULT_TIMEOUT_S,
    TIMEOUT_ENV,
    WriterLock,
    lock_path,
    timeout_from,
)
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


# A child that holds a write transaction until it reads a line, then lets go.
HOLD_UNTIL_TOLD = """
import sys
from pathlib import Path
from mpi.store.sqlite import open_sqlite_store
store = open_sqlite_store(Path(sys.argv[1]))
with store.write():
    print("held", flush=True)
    sys.stdin.readline()
print("let go", flush=True)
store.close()
"""


@pytest.mark.parametrize(
    ("value", "seconds"), [("", DEFAULT_TIMEOUT_S), ("2.5", 2.5), (" 7 ", 7.0), ("NONE", None)]
)
def test_the_writer_timeout_comes_from_the_environment(value: str, seconds: float | None) -> None:
    assert timeout_from({TIMEOUT_ENV: value}) == seconds
    assert timeout_from({}) == DEFAULT_TIMEOUT_S


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_a_malformed_writer_timeout_is_refused_naming_the_setting(value: str) -> None:
    with pytest.raises(StoreError, match=f"{TIMEOUT_ENV} must be a positive number"):
        timeout_from({TIMEOUT_ENV: value})


def test_a_writer_gives_up_on_a_holder_in_another_process_naming_database_and_wait(
    tmp_path: Path,
) -> None:
    db = tmp_path / "mpi.db"
    store = open_sqlite_store(db, environ={TIMEOUT_ENV: "0.3"})
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_UNTIL_TOLD, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with running(process):
            assert process.stdout is not None and process.stdin is not None
            assert process.stdout.readline().strip() == "held"
            with pytest.raises(StoreError, match=r"waited 0\.3 s for another writer") as error:
                audit_read(store, "P1")
            assert repr(str(db)) in str(error.value)
            process.stdin.write("\n")
            process.stdin.flush()
            assert process.stdout.readline().strip() == "let go"
            # The abandoned wait took the lock once it was free and let it go at once.
            audit_read(store, "P2")
        assert audited(store) == ["P2"]
    finally:
        store.close()
