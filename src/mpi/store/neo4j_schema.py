"""Constraints and indexes of the Neo4j store, applied at open; schema/neo4j.cypher mirrors them.

Constraints carry the store's guarantees (unique keys and ids, one active credential
per person), so a server refusing one cannot host mpi: opening fails with StoreError.
Indexes only speed reads up; one that the server refuses is logged and skipped. On
ArcadeDB 26.10 every statement is accepted, so nothing is skipped there today.

`python -m mpi.store.neo4j_schema > schema/neo4j.cypher` rewrites the file; a test keeps
the two identical.
"""

from __future__ import annotations

import logging

import neo4j
import neo4j.exceptions as nx

from mpi.domain.errors import StoreError
from mpi.store import cypher
from mpi.store.neo4j_errors import translated

log = logging.getLogger(__name__)
_MARK_ATTEMPTS = 3


def schema_text() -> str:
    """The contents of schema/neo4j.cypher."""
    head = (
        f"// mpi Neo4j 5 schema, version {cypher.SCHEMA_VERSION}. "
        "Generated from mpi.store.cypher (CONSTRAINTS, INDEXES).\n"
        "// Applied by the adapter at open; every statement is idempotent (IF NOT EXISTS).\n"
    )
    constraints = "".join(f"{s};\n" for s in cypher.CONSTRAINTS)
    indexes = "".join(f"{s};\n" for s in cypher.INDEXES)
    return f"{head}\n// Constraints (required)\n{constraints}\n// Indexes (optional)\n{indexes}"


def apply_schema(driver: neo4j.Driver, database: str) -> tuple[str, ...]:
    """Create constraints and indexes, then check the schema version; returns skipped indexes.

    Raises:
        StoreError: a constraint was refused, or the database holds a newer mpi schema.
    """
    skipped = []
    with driver.session(database=database) as session:
        for statement in cypher.CONSTRAINTS:
            with translated("applying the schema"):
                session.execute_write(_run, statement)
        for statement in cypher.INDEXES:
            try:
                session.execute_write(_run, statement)
            except nx.ClientError as exc:
                log.warning("index skipped, the server refused it: %s (%s)", statement, exc)
                skipped.append(statement)
        version = _marked_version(session)
    if version != cypher.SCHEMA_VERSION:
        raise StoreError(
            f"database {database!r} holds mpi schema version {version}; "
            f"this mpi understands version {cypher.SCHEMA_VERSION}"
        )
    return tuple(skipped)


def _marked_version(session: neo4j.Session) -> int:
    # Two processes opening a fresh database at once may both try to create the mark;
    # the loser's MERGE finds the winner's node on the next attempt.
    for _ in range(_MARK_ATTEMPTS - 1):
        try:
            return session.execute_write(_mark)
        except nx.ConstraintError:
            continue
    with translated("reading the schema version"):
        return session.execute_write(_mark)


def _run(tx: neo4j.ManagedTransaction, statement: str) -> None:
    tx.run(statement).consume()


def _mark(tx: neo4j.ManagedTransaction) -> int:
    record = tx.run(cypher.SCHEMA_MARK, version=cypher.SCHEMA_VERSION).single(strict=True)
    return int(record["version"])


if __name__ == "__main__":
    print(schema_text(), end="")
