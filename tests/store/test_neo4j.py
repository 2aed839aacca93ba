"""The Bolt adapter beyond the contract: opening, errors, schema, transactions and races."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import neo4j
import pytest

from mpi.domain.errors import ConflictError, StoreError
from mpi.domain.records import Record
from mpi.store import cypher, open_store
from mpi.store.neo4j import Neo4jStore, Neo4jWriteTx, open_neo4j_store
from mpi.store.neo4j_schema import schema_text
from tests.store.contract_data import T0, record, write
from tests.store.neo4j_target import ARCADEDB_ONLY, Neo4jTarget

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "neo4j.cypher"


@pytest.fixture
def database(neo4j_server: Neo4jTarget) -> Iterator[str]:
    name = neo4j_server.new_database()
    yield name
    neo4j_server.drop_database(name)


@pytest.fixture
def opened(neo4j_server: Neo4jTarget, database: str) -> Iterator[Neo4jStore]:
    store = neo4j_server.open(database)
    yield store
    store.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens once the socket is closed


def test_schema_file_is_generated_from_the_adapter_statements() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


def test_an_unreachable_server_gives_a_store_error_naming_it(neo4j_server: Neo4jTarget) -> None:
    uri = f"bolt://127.0.0.1:{closed_port()}"
    with pytest.raises(StoreError, match="cannot reach the Neo4j server"):
        open_neo4j_store(uri, user=neo4j_server.user, password="x", database="neo4j")


def test_a_wrong_password_gives_a_store_error_about_credentials(
    neo4j_server: Neo4jTarget, database: str
) -> None:
    with pytest.raises(StoreError, match="refused the credentials"):
        open_neo4j_store(
            neo4j_server.uri, user=neo4j_server.user, password="not-the-password", database=database
        )


# An external server may create databases on demand.
@ARCADEDB_ONLY
def test_a_missing_database_gives_a_store_error_naming_it(neo4j_server: Neo4jTarget) -> None:
    with pytest.raises(StoreError, match="no database 'mpi_absent'"):
        neo4j_server.open("mpi_absent")


@pytest.mark.parametrize(
    "url",
    [
        "bolt://127.0.0.1:notaport",
        "neo4j://127.0.0.1:7687/some/path",
        "neo4j://127.0.0.1:7687?x=1&x=2",
        "bolt://127.0.0.1:7687?policy=a",
        "bolt://",
    ],
)
def test_a_malformed_url_gives_a_store_error(url: str) -> None:
    with pytest.raises(StoreError, match="URL"):
        open_store(url, environ={})


def test_opening_creates_every_constraint_and_reopening_changes_nothing(
    neo4j_server: Neo4jTarget, database: str, opened: Neo4jStore
) -> None:
    again = neo4j_server.open(database)
    again.close()
    with neo4j.GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)
    ) as driver:
        rows, _, _ = driver.execute_query("SHOW CONSTRAINTS", database_=database)
    names = sorted(row["name"] for row in rows)
    assert names == sorted(statement.split()[2] for statement in cypher.CONSTRAINTS)
    assert opened.skipped_indexes == ()


def test_a_database_with_a_newer_mpi_schema_is_refused(
    neo4j_server: Neo4jTarget, database: str, opened: Neo4jStore
) -> None:
    with neo4j.GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)
    ) as driver:
        newer = cypher.SCHEMA_VERSION + 1
        driver.execute_query("MATCH (s:MpiSchema) SET s.version = $v", v=newer, database_=database)
    with pytest.raises(StoreError, match="schema version"):
        neo4j_server.open(database)


def test_run_write_commits_and_returns_what_the_work_returns(opened: Neo4jStore) -> None:
    outcomes = opened.run_write(lambda tx: tx.upsert_records([write(record(1), "k1")], T0))
    assert [o.key for o in outcomes] == ["IMSS:R1"]
    assert opened.run_read(lambda tx: tx.stats().records) == 1


def test_two_writers_of_one_record_never_lose_an_update(opened: Neo4jStore) -> None:
    opened.run_write(lambda tx: tx.upsert_records([write(record(1), "k1")], T0))
    first_wrote = threading.Event()
    results: dict[str, str] = {}

    def writer(name: str, phone: str, wait_for: threading.Event | None) -> None:
        try:
            with opened.write() as tx:
                if wait_for is not None:
                    wait_for.wait(timeout=30)
                tx.upsert_records([write(record(1, phone=phone), "k1")], T0)
                if wait_for is None:
                    first_wrote.set()
                    threading.Event().wait(0.3)  # hold the transaction open a moment
            results[name] = "committed"
        except ConflictError:
            results[name] = "conflict"

    threads = [
        threading.Thread(target=writer, args=("a", "5511111111", None)),
        threading.Thread(target=writer, args=("b", "5522222222", first_wrote)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with opened.read() as tx:
        stored = tx.get_record("IMSS:R1")
    committed = [name for name, result in results.items() if result == "committed"]
    assert stored is not None
    assert len(results) == 2
    # Neo4j makes b wait for a's lock; on ArcadeDB the later commit fails. Either way
    # every committed update counts and none is silently overwritten.
    assert stored.version == 1 + len(committed)
    assert committed


def test_run_write_survives_a_rival_creating_the_same_record(opened: Neo4jStore) -> None:
    calls: list[int] = []

    def rival_work() -> None:
        # On Neo4j the rival waits for the first writer's lock and then finds the record
        # written behind its back (ConflictError); on ArcadeDB it commits first.
        with suppress(ConflictError):
            opened.run_write(lambda tx: tx.upsert_records([write(Record("IMSS", "R9"), "k9")], T0))

    rival = threading.Thread(target=rival_work)

    def work(tx: Neo4jWriteTx) -> int:
        calls.append(1)
        tx.upsert_records([write(Record("IMSS", "R9", curp="X"), "k9")], T0)
        if len(calls) == 1:
            rival.start()  # creates the same record while this transaction is open
            rival.join(timeout=2)
        return len(calls)

    opened.run_write(work)
    rival.join(timeout=60)
    with opened.read() as tx:
        assert tx.stats().records == 1
        stored = tx.get_record("IMSS:R9")
    assert stored is not None
    assert stored.record.curp == "X"


def test_a_routing_url_opens_the_same_database(
    neo4j_server: Neo4jTarget, database: str, opened: Neo4jStore
) -> None:
    opened.run_write(lambda tx: tx.upsert_records([write(record(1), "k1")], T0))
    routing_uri = neo4j_server.uri.replace("bolt://", "neo4j://", 1)
    routed = open_neo4j_store(
        routing_uri, user=neo4j_server.user, password=neo4j_server.password, database=database
    )
    try:
        with routed.read() as tx:
            assert tx.get_record("IMSS:R1") is not None
    finally:
        routed.close()


def test_a_closed_store_refuses_work_with_a_store_error(opened: Neo4jStore) -> None:
    opened.close()
    with pytest.raises(StoreError, match="closed"), opened.read() as tx:
        tx.stats()
