"""API keys as (:ApiKey) nodes in the Neo4j store, over the official driver (Cypher over Bolt).

Timestamps are stored as ISO-8601 text so the same queries behave alike on Neo4j and on
ArcadeDB's Bolt server (the test double, see DESIGN.md §1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import neo4j

from mpi.domain.errors import ConflictError, NotFoundError, StoreError
from mpi.store.keys import ApiKey
from mpi.store.neo4j_driver import with_own_driver

KEY_ID_UNIQUE = """
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.key_id IS UNIQUE
"""
KEY_EXISTS = """
MATCH (k:ApiKey {key_id: $key_id}) RETURN count(k) AS n
"""
CREATE_KEY = """
CREATE (k:ApiKey {key_id: $key_id, token_hash: $token_hash, role: $role,
                  institution: $institution, label: $label, created_at: $created_at,
                  revoked_at: $revoked_at})
"""
GET_KEY = """
MATCH (k:ApiKey {key_id: $key_id})
RETURN k.key_id AS key_id, k.token_hash AS token_hash, k.role AS role,
       k.institution AS institution, k.label AS label, k.created_at AS created_at,
       k.revoked_at AS revoked_at
"""
ALL_KEYS = """
MATCH (k:ApiKey)
RETURN k.key_id AS key_id, k.token_hash AS token_hash, k.role AS role,
       k.institution AS institution, k.label AS label, k.created_at AS created_at,
       k.revoked_at AS revoked_at
ORDER BY created_at, key_id
"""
REVOKE_KEY = """
MATCH (k:ApiKey {key_id: $key_id}) WHERE k.revoked_at IS NULL SET k.revoked_at = $at
"""


class Neo4jKeyStore:
    """A KeyStore over an injected driver; the caller owns the driver unless `owns_driver`."""

    def __init__(self, driver: neo4j.Driver, database: str, *, owns_driver: bool = False) -> None:
        self._driver = driver
        self._database = database
        self._owns_driver = owns_driver
        self._run(KEY_ID_UNIQUE, {})

    def add(self, key: ApiKey) -> None:
        def create(tx: neo4j.ManagedTransaction) -> None:
            # Checked inside the write transaction as well as by the constraint, so an engine
            # that ignores the constraint still refuses a duplicate id.
            if tx.run(KEY_EXISTS, key_id=key.key_id).single(strict=True)["n"]:
                raise ConflictError(f"API key {key.key_id!r} exists already")
            tx.run(CREATE_KEY, _params(key)).consume()

        with self._driver.session(database=self._database) as session:
            try:
                session.execute_write(create)
            except neo4j.exceptions.ConstraintError as exc:
                raise ConflictError(f"API key {key.key_id!r} exists already") from exc

    def get(self, key_id: str) -> ApiKey | None:
        rows = self._run(GET_KEY, {"key_id": key_id}, routing=neo4j.RoutingControl.READ)
        return _key(rows[0]) if rows else None

    def all(self) -> list[ApiKey]:
        return [_key(row) for row in self._run(ALL_KEYS, {}, routing=neo4j.RoutingControl.READ)]

    def revoke(self, key_id: str, at: datetime) -> ApiKey:
        self._run(REVOKE_KEY, {"key_id": key_id, "at": _text(at)})
        key = self.get(key_id)
        if key is None:
            raise NotFoundError("API key", key_id)
        return key

    def close(self) -> None:
        if self._owns_driver:
            self._driver.close()

    def _run(
        self,
        query: str,
        params: dict[str, Any],
        routing: neo4j.RoutingControl = neo4j.RoutingControl.WRITE,
    ) -> list[neo4j.Record]:
        try:
            records, _, _ = self._driver.execute_query(
                query, params, database_=self._database, routing_=routing
            )
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"API key store: {exc.message or exc}") from exc
        except neo4j.exceptions.DriverError as exc:
            raise StoreError(f"API key store unreachable: {exc}") from exc
        return list(records)


def open_neo4j_key_store(url: str, environ: Mapping[str, str] | None = None) -> Neo4jKeyStore:
    """A key store with its own driver, configured like `mpi.store.urls.open_store`."""
    return with_own_driver(url, environ, lambda d, db: Neo4jKeyStore(d, db, owns_driver=True))


def _text(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("API key timestamps must be timezone-aware")
    return at.astimezone(UTC).isoformat()


def _params(key: ApiKey) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "token_hash": key.token_hash,
        "role": key.role,
        "institution": key.institution,
        "label": key.label,
        "created_at": _text(key.created_at),
        "revoked_at": _text(key.revoked_at) if key.revoked_at else None,
    }


def _key(row: neo4j.Record) -> ApiKey:
    revoked = row["revoked_at"]
    return ApiKey(
        key_id=row["key_id"],
        token_hash=row["token_hash"],
        role=row["role"],
        institution=row["institution"],
        created_at=datetime.fromisoformat(row["created_at"]),
        label=row["label"] or "",
        revoked_at=datetime.fromisoformat(revoked) if revoked else None,
    )
