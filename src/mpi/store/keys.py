"""API keys as the store keeps them, and the small port every key store implements.

Keys live beside the identity graph (same SQLite file, or ApiKey nodes in Neo4j) so that
every API worker process sees the same keys. Only a hash of each token is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One API key: who it is for (role, institution) and the hash of its secret token."""

    key_id: str
    token_hash: str
    role: str
    institution: str | None
    created_at: datetime
    label: str = ""
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class KeyStore(Protocol):
    """Where API keys are kept. Thread-safe; every method is its own transaction."""

    def add(self, key: ApiKey) -> None:
        """Store a new key. ConflictError if its id exists."""
        ...

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id (revoked or not), or None."""
        ...

    def all(self) -> list[ApiKey]:
        """Every key, oldest first."""
        ...

    def revoke(self, key_id: str, at: datetime) -> ApiKey:
        """Mark a key revoked. NotFoundError for an unknown id; revoking twice keeps the
        first time."""
        ...

    def close(self) -> None: ...


def open_key_store(
    url: str, environ: Mapping[str, str] | None = None, *, store_checked: bool = False
) -> KeyStore:
    """Open the key store that lives in the store named by `url` (see `mpi.store.urls`).

    The identity store is opened (and so created or checked) first, so a key store is never
    planted in a file that is not mpi's; pass `store_checked=True` when this process already
    holds that store open. Then the check is skipped: it reads the file outside SQLite,
    and closing such a descriptor drops every POSIX lock the process holds on the file
    (SQLite's "how to corrupt" §2.2), which lets another process delete the WAL under the
    open connections.

    Raises:
        StoreError: as `open_store` does.
    """
    from mpi.store.urls import SQLITE_PREFIX, open_store, sqlite_path

    if not store_checked:
        open_store(url, environ).close()
    if url.startswith(SQLITE_PREFIX):
        from mpi.store.keys_sqlite import SqliteKeyStore

        return SqliteKeyStore(sqlite_path(url))
    from mpi.store.keys_neo4j import open_neo4j_key_store

    return open_neo4j_key_store(url, environ)
