"""IdentityReads' audit of reads: written at once when the store is free, else refused."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from mpi.domain.audit import AuditQuery
from mpi.services.audit import Actor
from mpi.services.queries import IdentityReads, ReadEvent
from mpi.store.sqlite import open_sqlite_store

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
READS = [(Actor("key:K1", "issuer"), [ReadEvent("person", "person", ("P1", "P2"))])]


def audited(db: Path) -> list[tuple[str, ...]]:
    store = open_sqlite_store(db)
    with store.read() as tx:
        entries = tx.audit(AuditQuery(action="read:person"), limit=10).items
    store.close()
    return [e.target_ids for e in entries]


def test_reads_audited_now_on_a_free_store_are_committed(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    assert IdentityReads(store, clock=lambda: AT).record_reads_now(READS)
    store.close()
    assert audited(tmp_path / "mpi.db") == [("P1", "P2")]


def test_reads_audited_now_while_another_writer_holds_the_store_are_refused(
    tmp_path: Path,
) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    other = sqlite3.connect(tmp_path / "mpi.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert not IdentityReads(store, clock=lambda: AT).record_reads_now(READS)
    finally:
        other.rollback()
        other.close()
    store.close()
    assert audited(tmp_path / "mpi.db") == []


def test_nothing_shown_needs_no_write_even_on_a_busy_store(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    other = sqlite3.connect(tmp_path / "mpi.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        empty = [(Actor("key:K1", "issuer"), [ReadEvent("person", "person", ())])]
        assert IdentityReads(store, clock=lambda: AT).record_reads_now(empty)
    finally:
        other.rollback()
        other.close()
    store.close()
