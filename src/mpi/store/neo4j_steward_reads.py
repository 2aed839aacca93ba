"""Reads of review tasks, merges, audit, coverage, encounters, credentials and counts."""

from __future__ import annotations

from mpi.domain.audit import AuditEntry, AuditQuery
from mpi.domain.coverage import Coverage
from mpi.domain.credentials import Credential
from mpi.domain.encounters import Encounter
from mpi.domain.merges import MergeEvent
from mpi.domain.pages import Page
from mpi.domain.review import ReviewStatus, ReviewTask
from mpi.domain.store_stats import StoreStats
from mpi.store import cypher
from mpi.store import neo4j_codec as codec
from mpi.store.neo4j_tx import Neo4jTx, check_limit, page
from mpi.store.port import DEFAULT_PAGE_SIZE


class StewardReads(Neo4jTx):
    def review_task(self, task_id: str) -> ReviewTask | None:
        rows = self._column(cypher.REVIEW_TASK_BY_ID, "t", id=task_id)
        return codec.review_task(rows[0]) if rows else None

    def review_tasks(
        self,
        status: ReviewStatus | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReviewTask]:
        check_limit(limit)
        rows = self._column(
            cypher.REVIEW_TASKS_PAGE,
            "t",
            status=None if status is None else status.value,
            after=after,
            limit=limit + 1,
        )
        return page(rows, limit, codec.review_task, lambda t: t.id)

    def merge_event(self, merge_id: str) -> MergeEvent | None:
        rows = self._column(cypher.MERGE_BY_ID, "m", id=merge_id)
        return codec.merge_event(rows[0]) if rows else None

    def merge_events(self, person_id: str) -> tuple[MergeEvent, ...]:
        rows = self._column(cypher.MERGES_OF_PERSON, "m", person_id=person_id)
        events = [codec.merge_event(props) for props in rows]
        return tuple(sorted(events, key=lambda m: (m.at, m.id)))

    def audit(
        self, query: AuditQuery, limit: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Page[AuditEntry]:
        check_limit(limit)
        rows = self._column(
            cypher.AUDIT_PAGE,
            "a",
            actor=query.actor,
            institution=query.institution,
            action=query.action,
            target_id=query.target_id,
            since=codec.ts_or_none(query.since, "since/until"),
            until=codec.ts_or_none(query.until, "since/until"),
            after=after,
            limit=limit + 1,
        )
        return page(rows, limit, codec.audit_entry, lambda e: e.id)

    def coverage_of(self, person_id: str) -> tuple[Coverage, ...]:
        rows = self._column(cypher.COVERAGE_OF_PERSON, "c", person_id=person_id)
        found = [codec.coverage(props) for props in rows]
        return tuple(
            sorted(found, key=lambda c: (c.record_key, c.institution, c.kind, c.valid_from))
        )

    def encounters_of(self, person_id: str) -> tuple[Encounter, ...]:
        rows = self._column(cypher.ENCOUNTERS_OF_PERSON, "e", person_id=person_id)
        found = [codec.encounter(props) for props in rows]
        return tuple(sorted(found, key=lambda e: (e.occurred_on, e.id)))

    def credential_of(self, person_id: str) -> Credential | None:
        rows = self._column(cypher.ACTIVE_CREDENTIAL_OF, "c", person_id=person_id)
        return codec.credential(rows[0]) if rows else None

    def credential(self, credential_id: str) -> Credential | None:
        rows = self._column(cypher.CREDENTIAL_BY_ID, "c", id=credential_id)
        return codec.credential(rows[0]) if rows else None

    def stats(self) -> StoreStats:
        row = self._rows(cypher.STATS)[0]
        return StoreStats(**{name: int(value) for name, value in row.data().items()})
