"""SQLite under stress: concurrent processes, and SIGKILL in the middle of a bulk import.

The children are real processes (tests/store/sqlite_workers.py) on one database file.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from mpi.domain.store_stats import StoreStats
from mpi.store.sqlite import open_sqlite_store
from tests.store import children
from tests.store.children import running
from tests.store.sqlite_workers import KEYS_PER_RECORD, batch_rows

# Run as a module from the repository root so the worker imports its test helpers
# the same way pytest does.
WORKERS = "tests.store.sqlite_workers"
ROOT = Path(__file__).resolve().parents[2]
BATCH = 400
BATCHES = 5


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", WORKERS, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def go(db: Path) -> None:
    Path(str(db) + ".go").touch()


def finish(process: subprocess.Popen[str]) -> list[str]:
    return children.finish(process, timeout=120)


def test_two_processes_upserting_one_key_leave_one_consistent_record(tmp_path: Path) -> None:
    db = tmp_path / "mpi.db"
    workers = [spawn("upsert", str(db), worker, "150") for worker in ("1", "2")]
    with running(*workers):
        go(db)
        outcomes = [[json.loads(line) for line in finish(w)] for w in workers]
    store = open_sqlite_store(db)
    with store.read() as tx:
        stats = tx.stats()
        stored = tx.get_record("IMSS:SHARED")
    store.close()
    changes = [change for lines in outcomes for change, _ in lines]
    assert stats.records == 1
    assert changes.count("created") == 1
    assert stored is not None
    assert stored.version == 1 + changes.count("updated")
    for lines in outcomes:
        versions = [version for _, version in lines]
        assert versions == sorted(versions)


def test_two_processes_registering_the_same_curps_create_one_person_each(
    tmp_path: Path,
) -> None:
    db = tmp_path / "mpi.db"
    curps = 120
    workers = [spawn("register", str(db), worker, str(curps)) for worker in ("1", "2")]
    with running(*workers):
        go(db)
        for w in workers:
            assert finish(w) == ["done"]
    store = open_sqlite_store(db)
    with store.read() as tx:
        stats = tx.stats()
        owners = [
            {r.person_id for r in tx.search_by_curp(f"PRUE{n:06d}HDFXXX01")} for n in range(curps)
        ]
    store.close()
    assert (stats.records, stats.linked_records, stats.active_persons) == (
        2 * curps,
        2 * curps,
        curps,
    )
    assert all(len(people) == 1 and None not in people for people in owners)


@dataclass(frozen=True)
class Dump:
    """Everything the import wrote, in a comparable form."""

    stats: StoreStats
    records: list[tuple[object, ...]]
    blocks: list[tuple[str, tuple[str, ...]]]


def dump(db: Path) -> Dump:
    store = open_sqlite_store(db)
    rows = [row for batch in range(BATCHES) for row in batch_rows(batch, BATCH)]
    with store.read() as tx:
        stored = tx.get_records(row.record.key for row in rows)
        blocks = {
            c.record.key: c.matched_keys
            for row in rows
            for c in tx.candidates(row.block_keys, cap=1000).candidates
            if c.record.key == row.record.key
        }
        stats = tx.stats()
    store.close()
    records: list[tuple[object, ...]] = [
        (k, r.record, r.version, r.received_at, r.person_id) for k, r in sorted(stored.items())
    ]
    return Dump(stats, records, sorted(blocks.items()))


def import_all(db: Path) -> None:
    process = spawn("import", str(db), str(BATCHES), str(BATCH))
    with running(process):
        go(db)
        assert finish(process)[-1] == f"committed {BATCHES - 1}"


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    (result,) = conn.execute("PRAGMA integrity_check").fetchone()
    conn.close()
    return str(result)


def assert_whole_batches(db: Path, committed: int) -> None:
    found = dump(db)
    stats = found.stats
    assert stats.records == stats.linked_records == stats.active_persons == committed * BATCH
    assert {key for key, *_ in found.records} == {
        row.record.key for batch in range(committed) for row in batch_rows(batch, BATCH)
    }
    assert all(len(keys) == KEYS_PER_RECORD for _, keys in found.blocks)


def test_a_kill_inside_an_open_batch_loses_only_that_batch_and_resumes(tmp_path: Path) -> None:
    db = tmp_path / "mpi.db"
    process = spawn("import", str(db), str(BATCHES), str(BATCH), "3")
    with running(process):
        go(db)
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(4)]
        assert lines == ["committed 0", "committed 1", "committed 2", "paused 3"]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert integrity(db) == "ok"
    assert_whole_batches(db, committed=3)
    import_all(db)
    reference = tmp_path / "reference.db"
    import_all(reference)
    assert dump(db) == dump(reference)


def test_a_kill_at_an_arbitrary_moment_leaves_whole_batches_only(tmp_path: Path) -> None:
    db = tmp_path / "mpi.db"
    process = spawn("import", str(db), str(BATCHES), str(BATCH))
    with running(process):
        go(db)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "committed 0"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert integrity(db) == "ok"
    committed, partial = divmod(dump(db).stats.records, BATCH)
    assert partial == 0
    assert committed >= 1
    assert_whole_batches(db, committed)
    import_all(db)
    reference = tmp_path / "reference.db"
    import_all(reference)
    assert dump(db) == dump(reference)
