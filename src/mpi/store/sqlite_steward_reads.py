"""Reads of review tasks, merges, audit, coverage, encounters, credentials and counts."""

from __future__ import annotations

from typing import Any

from mpi.domain.audit import AuditEntry, AuditQuery
from mpi.domain.coverage import Coverage
from mpi.domain.credentials import Credential, CredentialStatus
from mpi.domain.encounters import Encounter
from mpi.domain.merges import MergeEvent
from mpi.domain.pages import Page
from mpi.domain.persons import Link
from mpi.domain.review import ReviewStatus, ReviewTask
from mpi.domain.store_stats import StoreStats
from mpi.store import sqlite_codec as codec
from mpi.store.port import DEFAULT_PAGE_SIZE
from mpi.store.sqlite_tx import SqliteTx, check_limit, page

REVIEW_COLUMNS = (
    "id, kind, record_key, person_ids, created_at, payload, status, decision, decided_by, "
    "decided_at, reason"
)
MERGE_COLUMNS = "id, survivor_id, absorbed_id, by, at, reason, undone_at, undone_by"
CREDENTIAL_COLUMNS = "id, person_id, issued_at, status, revoked_at"
AUDIT_COLUMNS = "id, at, actor, role, action, target_kind, target_ids, institution, purpose, detail"
# Each filter is a fixed fragment; only values travel as parameters.
_AUDIT_FILTERS = {
    "actor": "actor = ?",
    "institution": "institution = ?",
    "action": "action = ?",
    "target_id": "id IN (SELECT audit_id FROM audit_targets WHERE target_id = ?)",
}
# The store's own search-key rows (negative hashes, sqlite_search_keys) are no blocks.
_STATS = """
SELECT
    (SELECT count(*) FROM institutions),
    (SELECT count(*) FROM records),
    (SELECT count(*) FROM records WHERE person_id IS NOT NULL),
    (SELECT count(*) FROM persons WHERE status = 'active'),
    (SELECT count(*) FROM persons WHERE status = 'merged'),
    (SELECT count(*) FROM (SELECT DISTINCT key_hash FROM block_keys WHERE key_hash >= 0)),
    (SELECT count(*) FROM not_same),
    (SELECT count(*) FROM review_tasks WHERE status = 'open'),
    (SELECT count(*) FROM coverage),
    (SELECT count(*) FROM encounters),
    (SELECT count(*) FROM credentials WHERE status = 'active'),
    (SELECT count(*) FROM audit)
"""


class StewardReads(SqliteTx):
    def review_task(self, task_id: str) -> ReviewTask | None:
        row = self._row(f"SELECT {REVIEW_COLUMNS} FROM review_tasks WHERE id = ?", (task_id,))
        return None if row is None else review_task(row)

    def review_tasks(
        self,
        status: ReviewStatus | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReviewTask]:
        check_limit(limit)
        sql = f"SELECT {REVIEW_COLUMNS} FROM review_tasks WHERE id > ?"
        params: list[object] = [after or ""]
        if status is not None:
            sql += " AND status = ?"
            params.append(status.value)
        rows = self._rows(sql + " ORDER BY id LIMIT ?", [*params, limit + 1])
        return page(rows, limit, review_task, lambda t: t.id)

    def merge_event(self, merge_id: str) -> MergeEvent | None:
        row = self._row(f"SELECT {MERGE_COLUMNS} FROM merges WHERE id = ?", (merge_id,))
        return None if row is None else self._merge(row)

    def merge_events(self, person_id: str) -> tuple[MergeEvent, ...]:
        rows = self._rows(
            f"SELECT {MERGE_COLUMNS} FROM merges WHERE survivor_id = ?1 OR absorbed_id = ?1 "
            "ORDER BY at, id",
            (person_id,),
        )
        return tuple(self._merge(row) for row in rows)

    def audit(
        self, query: AuditQuery, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[AuditEntry]:
        check_limit(limit)
        clauses, params = ["id > ?"], [after or ""]
        for name, clause in _AUDIT_FILTERS.items():
            if (value := getattr(query, name)) is not None:
                clauses.append(clause)
                params.append(value)
        for clause, moment in (("at >= ?", query.since), ("at < ?", query.until)):
            if moment is not None:
                clauses.append(clause)
                params.append(codec.ts(moment, "since/until"))
        sql = f"SELECT {AUDIT_COLUMNS} FROM audit WHERE {' AND '.join(clauses)} ORDER BY id LIMIT ?"
        rows = self._rows(sql, [*params, limit + 1])
        return page(rows, limit, audit_entry, lambda e: e.id)

    def coverage_of(self, person_id: str) -> tuple[Coverage, ...]:
        rows = self._rows(
            "SELECT c.record_key, c.institution, c.kind, c.valid_from, c.valid_to "
            "FROM coverage c JOIN records r ON r.key = c.record_key WHERE r.person_id = ? "
            "ORDER BY c.record_key, c.institution, c.kind, c.valid_from",
            (person_id,),
        )
        return tuple(
            Coverage(r[0], r[1], r[2], codec.parse_day(r[3]), codec.parse_day_or_none(r[4]))
            for r in rows
        )

    def encounters_of(self, person_id: str) -> tuple[Encounter, ...]:
        rows = self._rows(
            "SELECT e.id, e.record_key, e.kind, e.occurred_on, e.facility, e.summary "
            "FROM encounters e JOIN records r ON r.key = e.record_key WHERE r.person_id = ? "
            "ORDER BY e.occurred_on, e.id",
            (person_id,),
        )
        return tuple(Encounter(r[0], r[1], r[2], codec.parse_day(r[3]), r[4], r[5]) for r in rows)

    def credential_of(self, person_id: str) -> Credential | None:
        row = self._row(
            f"SELECT {CREDENTIAL_COLUMNS} FROM credentials "
            "WHERE person_id = ? AND status = 'active'",
            (person_id,),
        )
        return None if row is None else credential(row)

    def credential(self, credential_id: str) -> Credential | None:
        row = self._row(
            f"SELECT {CREDENTIAL_COLUMNS} FROM credentials WHERE id = ?", (credential_id,)
        )
        return None if row is None else credential(row)

    def stats(self) -> StoreStats:
        row = self._row(_STATS)
        assert row is not None
        return StoreStats(*row)

    def _merge(self, row: Any) -> MergeEvent:
        links = self._rows(
            "SELECT record_key, person_id, linked_at, by, rule, probability FROM merge_links "
            "WHERE merge_id = ? ORDER BY record_key",
            (row[0],),
        )
        moved = tuple(Link(r[0], r[1], codec.parse_ts(r[2]), r[3], r[4], r[5]) for r in links)
        return MergeEvent(
            row[0],
            row[1],
            row[2],
            row[3],
            codec.parse_ts(row[4]),
            row[5],
            moved,
            codec.parse_ts_or_none(row[6]),
            row[7],
        )


def review_task(row: Any) -> ReviewTask:
    return ReviewTask(
        id=row[0],
        kind=row[1],
        record_key=row[2],
        person_ids=codec.parse_json_list(row[3]),
        created_at=codec.parse_ts(row[4]),
        payload=row[5],
        status=ReviewStatus(row[6]),
        decision=row[7],
        decided_by=row[8],
        decided_at=codec.parse_ts_or_none(row[9]),
        reason=row[10],
    )


def credential(row: Any) -> Credential:
    return Credential(
        row[0],
        row[1],
        codec.parse_ts(row[2]),
        CredentialStatus(row[3]),
        codec.parse_ts_or_none(row[4]),
    )


def audit_entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row[0],
        at=codec.parse_ts(row[1]),
        actor=row[2],
        role=row[3],
        action=row[4],
        target_kind=row[5],
        target_ids=codec.parse_json_list(row[6]),
        institution=row[7],
        purpose=row[8],
        detail=row[9],
    )
