from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.store.keys import ApiKey
from mpi.store.keys_sqlite import SqliteKeyStore

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
T1 = datetime(2026, 2, 2, 3, 4, 5, tzinfo=UTC)


def key(key_id: str = "K1", institution: str | None = "IMSS") -> ApiKey:
    return ApiKey(key_id, "ab" * 32, "institution", institution, T0, label="front desk")


def test_a_stored_key_reads_back_equal(tmp_path: Path) -> None:
    store = SqliteKeyStore(tmp_path / "mpi.db")
    store.add(key())
    assert store.get("K1") == key()
    assert store.get("K2") is None
    store.close()


def test_keys_survive_reopening_the_file(tmp_path: Path) -> None:
    SqliteKeyStore(tmp_path / "mpi.db").add(key())
    again = SqliteKeyStore(tmp_path / "mpi.db")
    assert [k.key_id for k in again.all()] == ["K1"]
    again.close()


def test_adding_an_existing_id_is_a_conflict(tmp_path: Path) -> None:
    store = SqliteKeyStore(tmp_path / "mpi.db")
    store.add(key())
    with pytest.raises(ConflictError):
        store.add(key(institution="ISSSTE"))
    store.close()


def test_revoking_keeps_the_first_revocation_time(tmp_path: Path) -> None:
    store = SqliteKeyStore(tmp_path / "mpi.db")
    store.add(key())
    assert store.revoke("K1", T0).revoked_at == T0
    assert store.revoke("K1", T1).revoked_at == T0
    assert not store.get("K1").active  # type: ignore[union-attr]
    store.close()


def test_revoking_an_unknown_key_is_not_found(tmp_path: Path) -> None:
    store = SqliteKeyStore(tmp_path / "mpi.db")
    with pytest.raises(NotFoundError):
        store.revoke("K9", T0)
    store.close()
