"""Model state kept beside the identity graph: named JSON documents (term frequencies …).

The matching model is more than its rules file: term frequencies come from the
data being linked and must survive restarts, in the same place as the graph
(same SQLite file, or ModelState nodes in Neo4j), so every process linking into
one store uses the same counts. A small port of its own, separate from `Store`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

TERM_FREQUENCIES = "term_frequencies"


class ModelStateStore(Protocol):
    """Named JSON documents. Thread-safe; every call is its own transaction."""

    def load(self, name: str) -> str | None:
        """The document saved under `name`, or None."""
        ...

    def save(self, name: str, body: str, at: datetime) -> None:
        """Replace the document saved under `name` (create it if absent)."""
        ...

    def close(self) -> None: ...


def open_model_state(url: str, environ: Mapping[str, str] | None = None) -> ModelStateStore:
    """Open the model state that lives in the store named by `url` (see `mpi.store.urls`).

    The identity store is opened (created or checked) first, so model state is
    never planted in a file that is not mpi's.

    Raises:
        StoreError: as `open_store` does.
    """
    from mpi.store.urls import SQLITE_PREFIX, open_store, sqlite_path

    open_store(url, environ).close()
    if url.startswith(SQLITE_PREFIX):
        from mpi.store.model_state_sqlite import SqliteModelState

        return SqliteModelState(sqlite_path(url))
    from mpi.store.model_state_neo4j import open_neo4j_model_state

    return open_neo4j_model_state(url, environ)
