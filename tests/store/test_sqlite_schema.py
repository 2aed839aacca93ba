"""The SQLite DDL: the schema file matches the module, and the database enforces the rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mpi.domain.audit import AuditEntry
from mpi.store.sqlite import open_sqlite_store
from mpi.store.sqlite_schema import DDL, SCHEMA_VERSION
from tests.store.contract_data import T0, record, seed, write

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "sqlite.sql"


def test_the_schema_file_is_the_ddl_of_the_module() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == DDL


def test_the_schema_file_names_its_version() -> None:
    assert f"schema version {SCHEMA_VERSION}" in DDL.splitlines()[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mpi.db"
    store = open_sqlite_store(path)
    seed(store, write(record(1)))
    with store.write() as tx:
        tx.append_audit([AuditEntry("A1", T0, "a", "admin", "read", "person", ("P1",))])
        tx.create_person("P1", T0)
    store.close()
    return path


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit SET actor = 'someone else'",
        "DELETE FROM audit",
        "DELETE FROM audit_targets",
        "UPDATE audit_targets SET target_id = 'P2'",
    ],
)
def test_the_database_itself_refuses_to_change_the_audit_log(db: Path, statement: str) -> None:
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    conn.close()


def test_the_database_itself_allows_one_active_credential_per_person(db: Path) -> None:
    conn = sqlite3.connect(db)
    insert = "INSERT INTO credentials VALUES (?, 'P1', 'active', '2026-01-01', NULL)"
    conn.execute(insert, ("C1",))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(insert, ("C2",))
    conn.close()


def test_the_database_runs_in_wal_mode(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
