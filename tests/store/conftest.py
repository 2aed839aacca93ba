"""The `store` fixture: every contract test runs once per adapter ("sqlite", "neo4j").

The "neo4j" variant asks for a fixture named `neo4j_store_factory`: a callable that
returns a fresh, empty Store on the Bolt adapter (ArcadeDB started by a session
fixture, or the server named by MPI_TEST_NEO4J_URI). It is provided by the Neo4j
adapter's fixtures (see conftest_neo4j.py / arcadedb_server.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mpi.store.port import Store
from mpi.store.sqlite import open_sqlite_store

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
