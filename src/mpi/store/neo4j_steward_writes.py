"""NOT_SAME, review tasks, coverage, encounters, credentials and the audit log over Bolt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mpi.domain.audit import AuditEntry
from mpi.domain.coverage import Coverage
from mpi.domain.credentials import Credential, CredentialStatus
from mpi.domain.encounters import Encounter
from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.not_same import NotSame
from mpi.domain.review import ReviewStatus, ReviewTask
from mpi.store import cypher
from mpi.store import neo4j_codec as codec
from mpi.store.credential_checks import require_issuable
from mpi.store.neo4j_checks import WriteChecks
from mpi.store.neo4j_steward_reads import StewardReads


class StewardWrites(WriteChecks, StewardReads):
    def add_not_same(self, a_key: str, b_key: str, by: str, reason: str, at: datetime) -> NotSame:
        if a_key == b_key:
            raise ConflictError(f"a record cannot be NOT_SAME as itself: {a_key!r}")
        low, high = sorted((a_key, b_key))
        props = {"a_key": low, "b_key": high, "by": by, "at": codec.ts(at), "reason": reason}
        self._lock_links([low, high])  # both exist, and no one adds the pair meanwhile
        existing = self._column(cypher.NOT_SAME_BETWEEN, "n", a_key=low, b_key=high)
        if existing:
            return codec.not_same(existing[0])
        self._run(cypher.CREATE_NOT_SAME, a_key=low, b_key=high, props=props)
        return codec.not_same(props)

    def create_review_task(self, task: ReviewTask) -> None:
        if task.status != ReviewStatus.OPEN or task.decision is not None:
            raise ConflictError(f"a new review task must be open and undecided: {task.id!r}")
        props = codec.review_task_props(task)
        self._refuse_existing(cypher.REVIEW_TASK_IDS, [task.id], "review task")
        self._run(cypher.CREATE_REVIEW_TASK, props=props)

    def decide_review_task(
        self, task_id: str, decision: str, by: str, reason: str, at: datetime
    ) -> ReviewTask:
        at_text = codec.ts(at)
        rows = self._column(cypher.LOCK_REVIEW_TASK, "t", id=task_id)
        if not rows:
            raise NotFoundError("review task", task_id)
        if codec.review_task(rows[0]).status != ReviewStatus.OPEN:
            raise ConflictError(f"review task {task_id!r} was decided already")
        decided = self._column(
            cypher.DECIDE_REVIEW_TASK,
            "t",
            id=task_id,
            decision=decision,
            by=by,
            at=at_text,
            reason=reason,
        )
        return codec.review_task(decided[0])

    def add_coverage(self, coverage: Sequence[Coverage]) -> None:
        self._require_records({c.record_key for c in coverage})
        # Last statement wins for a coverage repeated within the batch, as in SQLite.
        rows = {
            codec.coverage_key(c): {
                "key": codec.coverage_key(c),
                "record_key": c.record_key,
                "props": {
                    "record_key": c.record_key,
                    "institution": c.institution,
                    "kind": c.kind,
                    "valid_from": c.valid_from.isoformat(),
                    "valid_to": codec.day_or_none(c.valid_to),
                },
            }
            for c in coverage
        }
        if rows:
            self._run(cypher.MERGE_COVERAGE, rows=list(rows.values()))

    def add_encounters(self, encounters: Sequence[Encounter]) -> None:
        self._require_records({e.record_key for e in encounters})
        self._refuse_existing(cypher.ENCOUNTER_IDS, [e.id for e in encounters], "encounter")
        if encounters:
            self._run(cypher.CREATE_ENCOUNTERS, rows=[codec.encounter_props(e) for e in encounters])

    def issue_credential(self, credential: Credential) -> None:
        require_issuable(self, credential)
        if self.credential(credential.id) is not None:
            raise ConflictError(f"credential {credential.id!r} exists already")
        props = {
            "id": credential.id,
            "person_id": credential.person_id,
            "status": CredentialStatus.ACTIVE.value,
            "issued_at": codec.ts(credential.issued_at, "issued_at"),
            "active_for": credential.person_id,
        }
        self._run(cypher.CREATE_CREDENTIAL, person_id=credential.person_id, props=props)

    def revoke_credential(self, credential_id: str, at: datetime) -> Credential:
        at_text = codec.ts(at)
        rows = self._column(cypher.LOCK_CREDENTIAL, "c", id=credential_id)
        if not rows:
            raise NotFoundError("credential", credential_id)
        if rows[0]["status"] != CredentialStatus.ACTIVE.value:
            raise ConflictError(f"credential {credential_id!r} was revoked already")
        revoked = self._column(cypher.REVOKE_CREDENTIAL, "c", id=credential_id, at=at_text)
        return codec.credential(revoked[0])

    def append_audit(self, entries: Sequence[AuditEntry]) -> None:
        rows = [codec.audit_props(e) for e in entries]
        self._refuse_existing(cypher.AUDIT_IDS, [e.id for e in entries], "audit entry")
        if rows:
            self._run(cypher.APPEND_AUDIT, rows=rows)
