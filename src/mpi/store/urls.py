"""Open a store from its URL (DESIGN.md §4): the one place that picks a concrete adapter.

`sqlite:///relative/path.db`, `sqlite:////absolute/path.db`, or a Neo4j URL
(`neo4j://`, `neo4j+s://`, `neo4j+ssc://`, `bolt://`, `bolt+s://`, `bolt+ssc://`)
with credentials and database from MPI_NEO4J_USER / MPI_NEO4J_PASSWORD /
MPI_NEO4J_DATABASE. Adapters are imported only when asked for, so the neo4j
driver is needed only by deployments that use it.

Adapter entry points this module relies on:
`mpi.store.sqlite.open_sqlite_store(path: Path) -> Store` and
`mpi.store.neo4j.open_neo4j_store(uri, *, user, password, database) -> Store`;
both raise StoreError when the store cannot be opened or reached.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from mpi.domain.errors import StoreError
from mpi.store.port import Store

DEFAULT_STORE_URL = "sqlite:///mpi.db"
SQLITE_PREFIX = "sqlite:///"
NEO4J_SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"})
DEFAULT_NEO4J_USER = "neo4j"
DEFAULT_NEO4J_DATABASE = "neo4j"


def open_store(url: str = DEFAULT_STORE_URL, environ: Mapping[str, str] | None = None) -> Store:
    """Open (creating if needed) the store named by `url`.

    Args:
        url: a store URL; see the module docstring.
        environ: where to read MPI_NEO4J_* settings; defaults to `os.environ`.

    Raises:
        StoreError: the URL is malformed or of an unknown scheme, or the store
            cannot be opened or reached, or holds data that is not mpi's.
        ImportError: a Neo4j URL was given but the `neo4j` driver is not installed.
    """
    if url.startswith(SQLITE_PREFIX):
        return _open_sqlite(url)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in NEO4J_SCHEMES:
        return _open_neo4j(url, os.environ if environ is None else environ)
    raise StoreError(
        f"unknown store URL {url!r}: expected sqlite:///path/to/mpi.db, "
        "neo4j://host:7687 or bolt://host:7687"
    )


def sqlite_path(url: str) -> Path:
    """The file path named by a `sqlite:///` URL (relative to the working directory)."""
    raw = url[len(SQLITE_PREFIX) :]
    if not raw or raw == ":memory:" or raw.endswith("/"):
        raise StoreError(f"store URL {url!r} names no database file: use sqlite:///path/to/mpi.db")
    return Path(raw)


def _open_sqlite(url: str) -> Store:
    from mpi.store.sqlite import open_sqlite_store

    return open_sqlite_store(sqlite_path(url))


def _open_neo4j(url: str, environ: Mapping[str, str]) -> Store:
    parts = urlsplit(url)
    if not parts.hostname:
        raise StoreError(f"store URL {url!r} names no host: use e.g. neo4j://localhost:7687")
    try:
        # Imported here, so that mpi runs without the driver unless Neo4j is asked for.
        from mpi.store.neo4j import open_neo4j_store
    except ModuleNotFoundError as exc:
        if exc.name == "neo4j":
            raise ImportError(
                "the Neo4j store needs the neo4j driver: pip install 'neo4j>=5.28'"
            ) from exc
        raise
    user, password, database = neo4j_settings(environ)
    return open_neo4j_store(url, user=user, password=password, database=database)


def neo4j_settings(environ: Mapping[str, str]) -> tuple[str, str, str]:
    """(user, password, database) for a Neo4j store, from MPI_NEO4J_* in `environ`."""
    return (
        environ.get("MPI_NEO4J_USER", DEFAULT_NEO4J_USER),
        environ.get("MPI_NEO4J_PASSWORD", ""),
        environ.get("MPI_NEO4J_DATABASE", DEFAULT_NEO4J_DATABASE),
    )
