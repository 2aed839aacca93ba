"""Model state as (:ModelState {name, body, saved_at}) nodes in the Neo4j store."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import neo4j

from mpi.domain.errors import StoreError
from mpi.store.neo4j_driver import with_own_driver

NAME_UNIQUE = """
CREATE CONSTRAINT model_state_name IF NOT EXISTS FOR (s:ModelState) REQUIRE s.name IS UNIQUE
"""
LOAD = """
MATCH (s:ModelState {name: $name}) RETURN s.body AS body
"""
SAVE = """
MERGE (s:ModelState {name: $name}) SET s.body = $body, s.saved_at = $saved_at
"""


class Neo4jModelState:
    """A ModelStateStore over an injected driver; closes it only when it owns it."""

    def __init__(self, driver: neo4j.Driver, database: str, *, owns_driver: bool = False) -> None:
        self._driver = driver
        self._database = database
        self._owns_driver = owns_driver
        self._run(NAME_UNIQUE, {}, neo4j.WRITE_ACCESS)

    def load(self, name: str) -> str | None:
        rows = self._run(LOAD, {"name": name}, neo4j.READ_ACCESS)
        return None if not rows else str(rows[0]["body"])

    def save(self, name: str, body: str, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("model state timestamps must be timezone-aware")
        saved_at = at.astimezone(UTC).isoformat()
        self._run(SAVE, {"name": name, "body": body, "saved_at": saved_at}, neo4j.WRITE_ACCESS)

    def close(self) -> None:
        if self._owns_driver:
            self._driver.close()

    def _run(self, query: str, params: dict[str, Any], access: str) -> list[neo4j.Record]:
        def work(tx: neo4j.ManagedTransaction) -> list[neo4j.Record]:
            return list(tx.run(query, params))

        try:
            with self._driver.session(database=self._database, default_access_mode=access) as s:
                if access == neo4j.WRITE_ACCESS:
                    return s.execute_write(work)
                return s.execute_read(work)
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"model state query failed: {exc}") from exc
        except neo4j.exceptions.DriverError as exc:
            raise StoreError(f"model state store unreachable: {exc}") from exc


def open_neo4j_model_state(url: str, environ: Mapping[str, str] | None = None) -> Neo4jModelState:
    """Model state with its own driver, configured like `mpi.store.urls.open_store`."""
    return with_own_driver(url, environ, lambda d, db: Neo4jModelState(d, db, owns_driver=True))
