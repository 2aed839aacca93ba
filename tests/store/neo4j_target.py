"""Where the Neo4j adapter's tests run: a throwaway ArcadeDB, or the server in MPI_TEST_NEO4J_*.

With MPI_TEST_NEO4J_URI set (plus MPI_TEST_NEO4J_USER / MPI_TEST_NEO4J_PASSWORD and
optionally MPI_TEST_NEO4J_DATABASE, default "neo4j"), every fresh store is that one
database emptied with DETACH DELETE, because Neo4j Community cannot create databases
(so a test must not hold two "fresh" stores at once there).
Otherwise each fresh store is a new ArcadeDB database (created in milliseconds) and
is dropped when the test ends.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import neo4j
import pytest

from mpi.store import cypher
from mpi.store.neo4j import Neo4jStore, open_neo4j_store
from tests.store.arcadedb_server import ArcadeServer, start_arcadedb

URI_ENV = "MPI_TEST_NEO4J_URI"
# Known before any test runs, so tests that only make sense on the ArcadeDB started here
# can say so with a skipif marker.
ARCADEDB_ONLY = pytest.mark.skipif(
    bool(os.environ.get(URI_ENV)), reason="needs the ArcadeDB server the fixture starts"
)


@dataclass
class Neo4jTarget:
    """A Bolt server to test against and the way to get an empty database on it."""

    uri: str
    user: str
    password: str
    arcade: ArcadeServer | None = None
    shared_database: str = "neo4j"
    _names: Iterator[int] = field(default_factory=itertools.count)

    def new_database(self) -> str:
        """The name of an empty database, created (ArcadeDB) or emptied (external server)."""
        if self.arcade is None:
            with neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password)) as d:
                d.execute_query(
                    cypher.DELETE_EVERYTHING,
                    database_=self.shared_database,
                    routing_=neo4j.RoutingControl.WRITE,
                )
            return self.shared_database
        name = f"mpi_test_{next(self._names)}"
        self.arcade.create_database(name)
        return name

    def drop_database(self, name: str) -> None:
        if self.arcade is not None:
            self.arcade.drop_database(name)

    def open(self, database: str) -> Neo4jStore:
        return open_neo4j_store(self.uri, user=self.user, password=self.password, database=database)


@contextmanager
def neo4j_target(root: Path, environ: Mapping[str, str] = os.environ) -> Iterator[Neo4jTarget]:
    """The configured external server, or an ArcadeDB started under `root` and always stopped."""
    if uri := environ.get(URI_ENV):
        yield Neo4jTarget(
            uri,
            environ.get("MPI_TEST_NEO4J_USER", "neo4j"),
            environ.get("MPI_TEST_NEO4J_PASSWORD", ""),
            shared_database=environ.get("MPI_TEST_NEO4J_DATABASE", "neo4j"),
        )
        return
    server = start_arcadedb(root, password=secrets.token_urlsafe(12))
    try:
        yield Neo4jTarget(server.bolt_uri, server.user, server.password, arcade=server)
    finally:
        server.stop()
