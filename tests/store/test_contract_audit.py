"""Contract: the audit log is append-only and queried by who, where, what, target and time."""

from __future__ import annotations

import pytest

from mpi.domain.audit import AuditEntry, AuditQuery
from mpi.domain.errors import ConflictError
from mpi.store.port import ReadTx, Store, WriteTx
from tests.store.contract_data import at


def entry(
    n: int, actor: str = "api-imss", institution: str | None = "IMSS", **kw: object
) -> AuditEntry:
    values: dict[str, object] = {
        "action": "read-person",
        "target_kind": "person",
        "target_ids": (f"P{n}",),
        "purpose": "consultation",
        "detail": '{"fields": ["curp"]}',
    }
    values.update(kw)
    return AuditEntry(f"A{n:03d}", at(n), actor, "institution", institution=institution, **values)  # type: ignore[arg-type]


@pytest.fixture
def log(store: Store) -> Store:
    with store.write() as tx:
        tx.append_audit(
            [
                entry(1),
                entry(
                    2, actor="steward-1", institution=None, action="merge", target_ids=("P1", "P2")
                ),
                entry(3, actor="api-issste", institution="ISSSTE"),
                entry(4),
            ]
        )
    return store


def ids(store: Store, query: AuditQuery) -> list[str]:
    with store.read() as tx:
        return [e.id for e in tx.audit(query, limit=100).items]


def test_entries_read_back_whole_in_append_order(log: Store) -> None:
    with log.read() as tx:
        page = tx.audit(AuditQuery())
        assert tx.stats().audit_entries == 4
    assert page.items[1] == entry(
        2, actor="steward-1", institution=None, action="merge", target_ids=("P1", "P2")
    )
    assert [e.id for e in page.items] == ["A001", "A002", "A003", "A004"]
    assert page.next_cursor is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (AuditQuery(actor="api-imss"), ["A001", "A004"]),
        (AuditQuery(institution="ISSSTE"), ["A003"]),
        (AuditQuery(action="merge"), ["A002"]),
        (AuditQuery(target_id="P1"), ["A001", "A002"]),
        (AuditQuery(target_id="P2"), ["A002"]),
        (AuditQuery(since=at(2), until=at(4)), ["A002", "A003"]),
        (AuditQuery(actor="api-imss", since=at(2)), ["A004"]),
        (AuditQuery(actor="nobody"), []),
    ],
)
def test_every_filter_narrows_the_entries(
    log: Store, query: AuditQuery, expected: list[str]
) -> None:
    assert ids(log, query) == expected


def test_entries_are_paged_with_a_cursor(log: Store) -> None:
    with log.read() as tx:
        first = tx.audit(AuditQuery(), limit=3)
        second = tx.audit(AuditQuery(), limit=3, after=first.next_cursor)
    assert [e.id for e in first.items] == ["A001", "A002", "A003"]
    assert [e.id for e in second.items] == ["A004"]
    assert second.next_cursor is None


def test_an_entry_id_is_appended_once(log: Store) -> None:
    with pytest.raises(ConflictError), log.write() as tx:
        tx.append_audit([entry(1)])
    assert ids(log, AuditQuery(actor="api-imss")) == ["A001", "A004"]


def test_the_port_has_no_way_to_change_or_remove_audit_entries() -> None:
    audit_methods = {name for name in dir(WriteTx) if "audit" in name}
    assert audit_methods == {"append_audit", "audit"}
    assert {name for name in dir(ReadTx) if "audit" in name} == {"audit"}
