"""Fixtures: the linking use cases over a real SQLite store, and over the Neo4j adapter.

The Neo4j variant runs against the Bolt server the store tests use (an ArcadeDB started
for the session, or the server named by MPI_TEST_NEO4J_URI); its helpers live beside the
store tests, in tests/store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from mpi.bootstrap import Services, build
from mpi.config import Settings
from mpi.store.model_state_neo4j import Neo4jModelState
from tests.store.neo4j_target import Neo4jTarget, neo4j_target

ADAPTERS = ["sqlite", "neo4j"]


def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(store_url=f"sqlite:///{tmp_path / 'mpi.db'}", actor="test")


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    """Use cases over a fresh, real SQLite store in a temporary directory."""
    built = build(sqlite_settings(tmp_path))
    yield built
    built.close()


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jTarget]:
    with neo4j_target(tmp_path_factory.mktemp("arcadedb-services")) as target:
        yield target


@pytest.fixture(params=ADAPTERS)
def any_services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    """Use cases over a fresh store on each adapter in turn (SQLite, then Neo4j/Bolt)."""
    if request.param == "sqlite":
        built = build(sqlite_settings(tmp_path))
        yield built
        built.close()
        return
    target: Neo4jTarget = request.getfixturevalue("bolt_server")
    database = target.new_database()
    driver = neo4j.GraphDatabase.driver(target.uri, auth=(target.user, target.password))
    state = Neo4jModelState(driver, database, owns_driver=True)
    settings = Settings(store_url=target.uri, actor="test")
    built = build(settings, store=target.open(database), model_state=state)
    yield built
    built.close()
    target.drop_database(database)
