"""Store URLs: sqlite:/// paths open the embedded store, bad URLs are clear StoreErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpi.domain.errors import StoreError
from mpi.store import open_store
from mpi.store.urls import sqlite_path


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///mpi.db", Path("mpi.db")),
        ("sqlite:///data/mpi.db", Path("data/mpi.db")),
        ("sqlite:////var/lib/mpi/mpi.db", Path("/var/lib/mpi/mpi.db")),
    ],
)
def test_sqlite_urls_name_relative_and_absolute_files(url: str, path: Path) -> None:
    assert sqlite_path(url) == path


def test_a_sqlite_url_opens_a_working_store(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/mpi.db")
    with store.read() as tx:
        assert tx.stats().records == 0
    store.close()
    assert (tmp_path / "mpi.db").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://localhost/mpi", "unknown store URL"),
        ("mpi.db", "unknown store URL"),
        ("", "unknown store URL"),
        ("sqlite:///", "names no database file"),
        ("sqlite:///:memory:", "names no database file"),
        ("neo4j://", "names no host"),
        ("bolt:///db", "names no host"),
    ],
)
def test_bad_urls_are_store_errors_that_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(url)


def test_an_unreachable_neo4j_server_is_a_store_error() -> None:
    environ = {"MPI_NEO4J_USER": "neo4j", "MPI_NEO4J_PASSWORD": "x", "MPI_NEO4J_DATABASE": "mpi"}
    with pytest.raises(StoreError):
        open_store("bolt://127.0.0.1:9", environ=environ)
