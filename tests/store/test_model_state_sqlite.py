"""Model-state and API-key writes queue with the store's writers (sqlite_writer_lock)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mpi.domain.errors import StoreError
from mpi.store.keys import ApiKey
from mpi.store.keys_sqlite import SqliteKeyStore
from mpi.store.model_state_sqlite import SqliteModelState
from mpi.store.sqlite import open_sqlite_store
from mpi.store.sqlite_writer_lock import TIMEOUT_ENV, WriterLock
from tests.store.children import finish, running

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
WORKERS = "tests.store.sqlite_workers"
# The concurrent bulk writer: batches of this many records, one transaction each.
BATCHES, BATCH = 12, 1500


def key(n: int) -> ApiKey:
    return ApiKey(f"K{n}", f"hash{n}", "steward", None, AT, label=f"key {n}")


Write = Callable[[Path], None]


def save_state(db: Path) -> None:
    state = SqliteModelState(db)
    try:
        state.save("tf", "{}", AT)
    finally:
        state.close()


def add_key(db: Path) -> None:
    keys = SqliteKeyStore(db)
    try:
        keys.add(key(1))
    finally:
        keys.close()


def revoke_key(db: Path) -> None:
    keys = SqliteKeyStore(db)
    try:
        keys.revoke("K0", AT)
    finally:
        keys.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mpi.db"
    open_sqlite_store(path).close()
    keys = SqliteKeyStore(path)
    keys.add(key(0))
    keys.close()
    return path


@pytest.mark.parametrize("write", [save_state, add_key, revoke_key])
def test_the_write_waits_while_another_writer_holds_the_queue(db: Path, write: Write) -> None:
    other = WriterLock(db)
    writer = threading.Thread(target=write, args=(db,))
    try:
        with other.hold():
            writer.start()
            writer.join(0.3)
            assert writer.is_alive()
        writer.join(30)
        assert not writer.is_alive()
    finally:
        other.close()


def test_a_save_gives_up_after_the_writer_timeout_naming_the_database(db: Path) -> None:
    other = WriterLock(db)
    state = SqliteModelState(db, environ={TIMEOUT_ENV: "0.2"})
    try:
        with other.hold(), pytest.raises(StoreError, match=r"waited 0\.2 s .*mpi\.db"):
            state.save("tf", "{}", AT)
    finally:
        state.close()
        other.close()


def test_a_key_read_does_not_wait_for_a_queued_key_write(db: Path) -> None:
    keys = SqliteKeyStore(db)
    other = WriterLock(db)
    writer = threading.Thread(target=keys.add, args=(key(2),))
    try:
        with other.hold():
            writer.start()
            writer.join(0.2)
            assert writer.is_alive()
            assert keys.get("K0") is not None
        writer.join(30)
        assert keys.get("K2") is not None
    finally:
        other.close()
        keys.close()


def test_saves_and_key_writes_interleave_with_a_concurrent_bulk_writer(db: Path) -> None:
    bulk = subprocess.Popen(
        [sys.executable, "-m", WORKERS, "import", str(db), str(BATCHES), str(BATCH)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    # A starved write would fail with the timeout's StoreError instead of waiting on.
    environ = {TIMEOUT_ENV: "60"}
    state, keys = SqliteModelState(db, environ), SqliteKeyStore(db, environ)
    try:
        with running(bulk):
            Path(str(db) + ".go").touch()
            for n in range(10):
                state.save(f"tf{n}", "{}", AT)
                keys.add(key(10 + n))
            lines = finish(bulk, timeout=120)
        assert lines[-1] == f"committed {BATCHES - 1}"
        assert [state.load(f"tf{n}") for n in range(10)] == ["{}"] * 10
        assert len(keys.all()) == 11
    finally:
        state.close()
        keys.close()
    store = open_sqlite_store(db)
    with store.read() as tx:
        stats = tx.stats()
    store.close()
    assert (stats.records, stats.linked_records) == (BATCHES * BATCH, BATCHES * BATCH)
