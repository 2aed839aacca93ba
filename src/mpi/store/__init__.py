"""The store port and the factory that opens a store from its URL.

`open_store` is the adapter factory (DESIGN.md §4 store URLs); it imports the
concrete adapter lazily, so importing this package connects to nothing and
does not need the neo4j driver.
"""

from __future__ import annotations

from mpi.store.port import ReadTx, Store, WriteTx
from mpi.store.urls import DEFAULT_STORE_URL, open_store

__all__ = ["DEFAULT_STORE_URL", "ReadTx", "Store", "WriteTx", "open_store"]
