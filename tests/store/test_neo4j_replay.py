"""A `store.write()` block that loses a commit race is replayed only when its reads still hold."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from mpi.domain.errors import ConflictError
from mpi.store.neo4j import Neo4jStore, Neo4jWriteTx
from tests.store.contract_data import T0, record, write
from tests.store.neo4j_target import ARCADEDB_ONLY, Neo4jTarget


@pytest.fixture
def opened(neo4j_server: Neo4jTarget) -> Iterator[Neo4jStore]:
    name = neo4j_server.new_database()
    store = neo4j_server.open(name)
    yield store
    store.close()
    neo4j_server.drop_database(name)


def race(
    store: Neo4jStore,
    first: Callable[[Neo4jWriteTx], object],
    second: Callable[[Neo4jWriteTx], object],
) -> dict[str, str]:
    """Run `first` in a write block that stays open while `second` runs and commits.

    On Neo4j `second` may wait for `first`'s locks; `first` gives it two seconds and
    then commits anyway. Returns how each ended: "committed" or "conflict".
    """
    first_wrote, second_done = threading.Event(), threading.Event()
    ended: dict[str, str] = {}

    def run(
        name: str, work: Callable[[Neo4jWriteTx], object], before_commit: Callable[[], None]
    ) -> None:
        try:
            with store.write() as tx:
                work(tx)
                before_commit()
            ended[name] = "committed"
        except ConflictError:
            ended[name] = "conflict"
        finally:
            if name == "second":
                second_done.set()

    def hold() -> None:
        first_wrote.set()
        second_done.wait(timeout=2)

    def after_first() -> None:
        first_wrote.wait(timeout=30)
        run("second", second, lambda: None)

    threads = [
        threading.Thread(target=run, args=("first", first, hold)),
        threading.Thread(target=after_first),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return ended


def test_writers_meeting_only_on_a_new_institution_both_commit(opened: Neo4jStore) -> None:
    ended = race(
        opened,
        lambda tx: tx.upsert_records([write(record(1), "a:1")], T0),
        lambda tx: tx.upsert_records([write(record(2), "b:2")], T0),
    )
    assert ended == {"first": "committed", "second": "committed"}
    with opened.read() as tx:
        stats = tx.stats()
    assert (stats.records, stats.institutions, stats.block_keys) == (2, 1, 2)


# On Neo4j the second writer waits for the first one's locks instead of racing it.
@ARCADEDB_ONLY
def test_a_block_whose_reads_changed_under_it_is_refused_not_replayed(
    neo4j_server: Neo4jTarget, opened: Neo4jStore
) -> None:
    seen: list[int] = []

    def decide_alone(tx: Neo4jWriteTx) -> None:
        seen.append(len(tx.candidates(["shared"], cap=10).candidates))
        tx.upsert_records([write(record(1), "shared")], T0)

    ended = race(
        opened,
        decide_alone,
        lambda tx: tx.upsert_records([write(record(2), "shared")], T0),
    )
    # The second writer committed a record in the block the first one read as empty:
    # replaying the first block would read it, so the first block must not commit.
    assert seen == [0]
    assert ended == {"first": "conflict", "second": "committed"}
    with opened.read() as tx:
        assert [c.record.key for c in tx.candidates(["shared"], 10).candidates] == ["IMSS:R2"]
