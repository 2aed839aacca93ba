from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import neo4j
import pytest

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.store.keys import ApiKey, KeyStore
from mpi.store.keys_neo4j import Neo4jKeyStore
from mpi.store.keys_sqlite import SqliteKeyStore
from tests.store.neo4j_target import Neo4jTarget

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
T1 = datetime(2026, 2, 2, 3, 4, 5, tzinfo=UTC)


KeyStoreFactory = Callable[[], KeyStore]


@pytest.fixture(params=["sqlite", "neo4j"])
def open_keys(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KeyStoreFactory]:
    """Opens the same key store again on each call (a new connection or driver)."""
    opened: list[KeyStore] = []
    if request.param == "sqlite":

        def factory() -> KeyStore:
            opened.append(SqliteKeyStore(tmp_path / "mpi.db"))
            return opened[-1]

    else:
        server: Neo4jTarget = request.getfixturevalue("neo4j_server")
        database = server.new_database()

        def factory() -> KeyStore:
            driver = neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password))
            opened.append(Neo4jKeyStore(driver, database, owns_driver=True))
            return opened[-1]

    yield factory
    for made in opened:
        made.close()
    if request.param == "neo4j":
        server.drop_database(database)


def key(key_id: str = "K1", institution: str | None = "IMSS") -> ApiKey:
    return ApiKey(key_id, "ab" * 32, "institution", institution, T0, label="front desk")


def test_a_stored_key_reads_back_equal(open_keys: KeyStoreFactory) -> None:
    store = open_keys()
    store.add(key())
    assert store.get("K1") == key()
    assert store.get("K2") is None


def test_keys_survive_reopening_the_file(open_keys: KeyStoreFactory) -> None:
    open_keys().add(key())
    again = open_keys()
    assert [k.key_id for k in again.all()] == ["K1"]


def test_adding_an_existing_id_is_a_conflict(open_keys: KeyStoreFactory) -> None:
    store = open_keys()
    store.add(key())
    with pytest.raises(ConflictError):
        store.add(key(institution="ISSSTE"))


def test_revoking_keeps_the_first_revocation_time(open_keys: KeyStoreFactory) -> None:
    store = open_keys()
    store.add(key())
    assert store.revoke("K1", T0).revoked_at == T0
    assert store.revoke("K1", T1).revoked_at == T0
    assert not store.get("K1").active  # type: ignore[union-attr]


def test_revoking_an_unknown_key_is_not_found(open_keys: KeyStoreFactory) -> None:
    store = open_keys()
    with pytest.raises(NotFoundError):
        store.revoke("K9", T0)
