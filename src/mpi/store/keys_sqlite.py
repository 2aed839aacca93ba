"""API keys in their own table of the embedded SQLite store file."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from mpi.domain.errors import ConflictError, NotFoundError, StoreError
from mpi.store.keys import ApiKey
from mpi.store.sqlite_writer_lock import WriterLock, timeout_from

DDL = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id      TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    role        TEXT NOT NULL,
    institution TEXT,
    label       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
)
"""
_COLUMNS = "key_id, token_hash, role, institution, label, created_at, revoked_at"


class SqliteKeyStore:
    """A KeyStore over one SQLite file; one connection guarded by a lock (calls are tiny).

    Writes queue with the store's writers (sqlite_writer_lock) one at a time, outside the
    connection's lock, so that reads (each request's key check) never wait for them.
    """

    def __init__(self, path: Path, environ: Mapping[str, str] | None = None) -> None:
        """`environ`: where MPI_SQLITE_WRITER_TIMEOUT is read (default `os.environ`)."""
        self._writing = threading.Lock()
        self._queue = WriterLock(path, timeout_from(os.environ if environ is None else environ))
        try:
            self._conn = sqlite3.connect(
                path, check_same_thread=False, isolation_level=None, timeout=30.0
            )
            self._conn.execute(DDL)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the API key table in {path}: {exc}") from exc
        self._lock = threading.Lock()

    def add(self, key: ApiKey) -> None:
        row = (
            key.key_id,
            key.token_hash,
            key.role,
            key.institution,
            key.label,
            _text(key.created_at),
            _text(key.revoked_at) if key.revoked_at else None,
        )
        try:
            with self._writing, self._queue.hold(), self._lock:
                self._conn.execute(f"INSERT INTO api_keys ({_COLUMNS}) VALUES (?,?,?,?,?,?,?)", row)
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"API key {key.key_id!r} exists already") from exc

    def get(self, key_id: str) -> ApiKey | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM api_keys WHERE key_id = ?", (key_id,)
            ).fetchone()
        return None if row is None else _key(row)

    def all(self) -> list[ApiKey]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at, key_id"
            ).fetchall()
        return [_key(row) for row in rows]

    def revoke(self, key_id: str, at: datetime) -> ApiKey:
        with self._writing, self._queue.hold(), self._lock:
            self._conn.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                (_text(at), key_id),
            )
        key = self.get(key_id)
        if key is None:
            raise NotFoundError("API key", key_id)
        return key

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        self._queue.close()


def _text(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("API key timestamps must be timezone-aware")
    return at.astimezone(UTC).isoformat()


def _key(row: tuple[str, str, str, str | None, str, str, str | None]) -> ApiKey:
    key_id, token_hash, role, institution, label, created_at, revoked_at = row
    return ApiKey(
        key_id=key_id,
        token_hash=token_hash,
        role=role,
        institution=institution,
        created_at=datetime.fromisoformat(created_at),
        label=label,
        revoked_at=datetime.fromisoformat(revoked_at) if revoked_at else None,
    )
