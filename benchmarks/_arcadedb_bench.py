"""A throwaway ArcadeDB Bolt server for `store_bench.py --adapter neo4j` run without --url.

It is the same server the tests use (tests/store/arcadedb_server.py, loaded by path
because tests/ is not an installed package), with one fresh database per size.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from mpi.store.neo4j import open_neo4j_store
from mpi.store.port import Store

SERVER_MODULE = Path(__file__).resolve().parents[1] / "tests" / "store" / "arcadedb_server.py"


def _server_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("arcadedb_server", SERVER_MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@contextmanager
def arcadedb_stores(workdir: Path, heap: str) -> Iterator[Callable[[int], Store]]:
    """Start ArcadeDB under `workdir`; yields `open(size)` -> a store on a new database."""
    server_module = _server_module()
    os.environ[server_module.HEAP_ENV] = heap  # read by the server's child process
    server = server_module.start_arcadedb(workdir / "arcadedb", secrets.token_urlsafe(12))
    print(f"ArcadeDB started in {server.started_in:.1f} s, JVM heap {heap}", flush=True)

    def open_for(size: int) -> Store:
        name = f"bench_{size}"
        server.create_database(name)
        return open_neo4j_store(
            server.bolt_uri, user=server.user, password=server.password, database=name
        )

    try:
        yield open_for
    finally:
        server.stop()
