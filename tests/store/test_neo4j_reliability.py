"""The Bolt adapter under stress: concurrent processes, and SIGKILL in the middle of a bulk import.

The children (tests/store/neo4j_workers.py) are real processes with their own driver,
all on one database of the session's Bolt server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mpi.domain.store_stats import StoreStats
from mpi.store.neo4j import Neo4jStore
from tests.store import children
from tests.store.children import running
from tests.store.neo4j_target import Neo4jTarget
from tests.store.sqlite_workers import batch_rows

# Run as a module from the repository root so the worker imports its test helpers
# the same way pytest does.
WORKERS = "tests.store.neo4j_workers"
ROOT = Path(__file__).resolve().parents[2]
BATCH = 100
BATCHES = 4
PAUSE_AT = 2


class Bolt:
    """One fresh database and the way to start workers on it."""

    def __init__(self, target: Neo4jTarget, go: Path) -> None:
        self.target, self.go = target, go
        self.database = target.new_database()

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "MPI_TEST_WORKER_URI": self.target.uri,
            "MPI_TEST_WORKER_USER": self.target.user,
            "MPI_TEST_WORKER_PASSWORD": self.target.password,
            "MPI_TEST_WORKER_DATABASE": self.database,
        }
        return subprocess.Popen(
            [sys.executable, "-m", WORKERS, args[0], str(self.go), *args[1:]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )

    def open(self) -> Neo4jStore:
        return self.target.open(self.database)

    def stats(self) -> StoreStats:
        store = self.open()
        with store.read() as tx:
            stats = tx.stats()
        store.close()
        return stats


@pytest.fixture
def bolt(neo4j_server: Neo4jTarget, tmp_path: Path) -> Iterator[Bolt]:
    made = Bolt(neo4j_server, tmp_path / "go")
    made.open().close()  # the schema exists before the workers race to create it
    yield made
    neo4j_server.drop_database(made.database)


def finish(process: subprocess.Popen[str]) -> list[str]:
    return children.finish(process, timeout=300)


def test_two_processes_upserting_one_key_leave_one_consistent_record(bolt: Bolt) -> None:
    workers = [bolt.spawn("upsert", worker, "60") for worker in ("1", "2")]
    with running(*workers):
        bolt.go.touch()
        outcomes = [[json.loads(line) for line in finish(w)] for w in workers]
    store = bolt.open()
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


@pytest.mark.parametrize("job", ["register", "register-uow"])
def test_two_processes_registering_the_same_curps_create_one_person_each(
    bolt: Bolt, job: str
) -> None:
    curps = 40
    workers = [bolt.spawn(job, worker, str(curps)) for worker in ("1", "2")]
    with running(*workers):
        bolt.go.touch()
        for w in workers:
            assert finish(w)[0].startswith("done")
    store = bolt.open()
    with store.read() as tx:
        stats = tx.stats()
        owners = [
            {r.person_id for r in tx.search_by_curp(f"PRUE{n:06d}HDFXXX01")} for n in range(curps)
        ]
        persons = tx.persons(p for people in owners for p in people if p is not None)
    store.close()
    assert (stats.records, stats.linked_records, stats.active_persons) == (
        2 * curps,
        2 * curps,
        curps,
    )
    assert all(len(people) == 1 and None not in people for people in owners)
    assert all(len(p.links) == len({x.record_key for x in p.links}) == 2 for p in persons.values())


def test_a_kill_inside_an_open_batch_loses_only_that_batch_and_resumes(bolt: Bolt) -> None:
    process = bolt.spawn("import", str(BATCHES), str(BATCH), str(PAUSE_AT))
    with running(process):
        bolt.go.touch()
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(PAUSE_AT + 1)]
        assert lines == ["committed 0", "committed 1", f"paused {PAUSE_AT}"]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    stats = bolt.stats()
    assert stats.records == stats.linked_records == stats.active_persons == PAUSE_AT * BATCH
    resumed = bolt.spawn("import", str(BATCHES), str(BATCH))
    with running(resumed):
        assert finish(resumed)[-1] == f"committed {BATCHES - 1}"
    store = bolt.open()
    rows = [row for batch in range(BATCHES) for row in batch_rows(batch, BATCH)]
    with store.read() as tx:
        stats = tx.stats()
        stored = tx.get_records(row.record.key for row in rows)
    store.close()
    assert stats.records == stats.linked_records == stats.active_persons == BATCHES * BATCH
    assert {key: s.record for key, s in stored.items()} == {r.record.key: r.record for r in rows}
    assert all(s.version == 1 for s in stored.values())
