"""The `store` fixture: every contract test runs once per adapter ("sqlite", "neo4j").

The "neo4j" variant asks for a fixture named `neo4j_store_factory`: a callable that
returns a fresh, empty Store on the Bolt adapter (ArcadeDB started by a session
fixture, or the server named by MPI_TEST_NEO4J_URI). It is provided by the Neo4j
adapter's fixtures below (see neo4j_target.py / arcadedb_server.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mpi.store.port import Store
from mpi.store.sqlite import open_sqlite_store
from tests.store.neo4j_target import Neo4jTarget, neo4j_target

ADAPTERS = ["sqlite", "neo4j"]

StoreFactory = Callable[[], Store]


@pytest.fixture(params=ADAPTERS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store on each adapter in turn."""
    if request.param == "sqlite":
        opened: Store = open_sqlite_store(tmp_path / "mpi.db")
    else:
        factory: StoreFactory = request.getfixturevalue("neo4j_store_factory")
        opened = factory()
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jTarget]:
    """The Bolt server of this test session: ArcadeDB (stopped at the end) or MPI_TEST_NEO4J_URI."""
    with neo4j_target(tmp_path_factory.mktemp("arcadedb")) as target:
        yield target


@pytest.fixture
def neo4j_store_factory(neo4j_server: Neo4jTarget) -> Iterator[StoreFactory]:
    """Fresh, empty Neo4j-adapter stores, each on its own database, closed after the test."""
    opened: list[tuple[Store, str]] = []

    def fresh() -> Store:
        name = neo4j_server.new_database()
        opened.append((neo4j_server.open(name), name))
        return opened[-1][0]

    yield fresh
    for made, name in opened:
        made.close()
        neo4j_server.drop_database(name)
