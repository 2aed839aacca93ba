"""NOT_SAME, review tasks, coverage, encounters, credentials and the audit log."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from mpi.domain.audit import AuditEntry
from mpi.domain.coverage import Coverage
from mpi.domain.credentials import Credential, CredentialStatus
from mpi.domain.encounters import Encounter
from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.not_same import NotSame
from mpi.domain.review import ReviewStatus, ReviewTask
from mpi.store import sqlite_codec as codec
from mpi.store.credential_checks import require_issuable
from mpi.store.sqlite_checks import WriteChecks
from mpi.store.sqlite_steward_reads import StewardReads

_COVERAGE = (
    "INSERT INTO coverage (record_key, institution, kind, valid_from, valid_to) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_key, institution, kind, valid_from) "
    "DO UPDATE SET valid_to = excluded.valid_to"
)
_AUDIT = (
    "INSERT INTO audit (id, at, actor, role, action, target_kind, target_ids, institution, "
    "purpose, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class StewardWrites(WriteChecks, StewardReads):
    def add_not_same(self, a_key: str, b_key: str, by: str, reason: str, at: datetime) -> NotSame:
        if a_key == b_key:
            raise ConflictError(f"a record cannot be NOT_SAME as itself: {a_key!r}")
        low, high = sorted((a_key, b_key))
        self._require_records([low, high])
        self._conn.execute(
            "INSERT OR IGNORE INTO not_same (a_key, b_key, by, at, reason) VALUES (?, ?, ?, ?, ?)",
            (low, high, by, codec.ts(at), reason),
        )
        row = self._row(
            "SELECT a_key, b_key, by, at, reason FROM not_same WHERE a_key = ? AND b_key = ?",
            (low, high),
        )
        assert row is not None
        return NotSame(row[0], row[1], row[2], codec.parse_ts(row[3]), row[4])

    def create_review_task(self, task: ReviewTask) -> None:
        if task.status != ReviewStatus.OPEN or task.decision is not None:
            raise ConflictError(f"a new review task must be open and undecided: {task.id!r}")
        try:
            self._conn.execute(
                "INSERT INTO review_tasks (id, kind, record_key, person_ids, created_at, "
                "payload, status) VALUES (?, ?, ?, ?, ?, ?, 'open')",
                (
                    task.id,
                    task.kind,
                    task.record_key,
                    codec.json_list(task.person_ids),
                    codec.ts(task.created_at, "created_at"),
                    task.payload,
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"review task {task.id!r} exists already") from exc

    def decide_review_task(
        self, task_id: str, decision: str, by: str, reason: str, at: datetime
    ) -> ReviewTask:
        at_text = codec.ts(at)
        task = self.review_task(task_id)
        if task is None:
            raise NotFoundError("review task", task_id)
        if task.status != ReviewStatus.OPEN:
            raise ConflictError(f"review task {task_id!r} was decided already")
        self._conn.execute(
            "UPDATE review_tasks SET status = 'decided', decision = ?, decided_by = ?, "
            "decided_at = ?, reason = ? WHERE id = ?",
            (decision, by, at_text, reason, task_id),
        )
        decided = self.review_task(task_id)
        assert decided is not None
        return decided

    def add_coverage(self, coverage: Sequence[Coverage]) -> None:
        self._require_records({c.record_key for c in coverage})
        self._conn.executemany(
            _COVERAGE,
            [
                (
                    c.record_key,
                    c.institution,
                    c.kind,
                    codec.day_or_none(c.valid_from),
                    codec.day_or_none(c.valid_to),
                )
                for c in coverage
            ],
        )

    def add_encounters(self, encounters: Sequence[Encounter]) -> None:
        self._require_records({e.record_key for e in encounters})
        try:
            self._conn.executemany(
                "INSERT INTO encounters (id, record_key, kind, occurred_on, facility, summary) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.id,
                        e.record_key,
                        e.kind,
                        codec.day_or_none(e.occurred_on),
                        e.facility,
                        e.summary,
                    )
                    for e in encounters
                ],
            )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(
                f"an encounter with one of these ids exists already: {exc}"
            ) from exc

    def issue_credential(self, credential: Credential) -> None:
        require_issuable(self, credential)
        try:
            self._conn.execute(
                "INSERT INTO credentials (id, person_id, status, issued_at) "
                "VALUES (?, ?, 'active', ?)",
                (credential.id, credential.person_id, codec.ts(credential.issued_at, "issued_at")),
            )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"credential {credential.id!r} exists already") from exc

    def revoke_credential(self, credential_id: str, at: datetime) -> Credential:
        at_text = codec.ts(at)
        held = self.credential(credential_id)
        if held is None:
            raise NotFoundError("credential", credential_id)
        if held.status != CredentialStatus.ACTIVE:
            raise ConflictError(f"credential {credential_id!r} was revoked already")
        self._conn.execute(
            "UPDATE credentials SET status = 'revoked', revoked_at = ? WHERE id = ?",
            (at_text, credential_id),
        )
        revoked = self.credential(credential_id)
        assert revoked is not None
        return revoked

    def append_audit(self, entries: Sequence[AuditEntry]) -> None:
        rows = [
            (
                e.id,
                codec.ts(e.at),
                e.actor,
                e.role,
                e.action,
                e.target_kind,
                codec.json_list(e.target_ids),
                e.institution,
                e.purpose,
                e.detail,
            )
            for e in entries
        ]
        targets = [(t, e.id) for e in entries for t in dict.fromkeys(e.target_ids)]
        try:
            self._conn.executemany(_AUDIT, rows)
            self._conn.executemany(
                "INSERT INTO audit_targets (target_id, audit_id) VALUES (?, ?)", targets
            )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(
                f"an audit entry with one of these ids exists already: {exc}"
            ) from exc
