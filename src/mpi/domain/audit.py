"""The append-only audit log: every change and every read of personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

AUDIT_ID_PREFIX = "A"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who (actor, role, institution) did what (action) to which targets, why, when.

    `target_kind` is "person", "record", "review-task" …; `detail` is a JSON text.
    Entries are never updated or deleted.
    """

    id: str
    at: datetime
    actor: str
    role: str
    action: str
    target_kind: str
    target_ids: tuple[str, ...]
    institution: str | None = None
    purpose: str | None = None
    detail: str = "{}"


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters for reading the audit log; None means "any". Bounds: since <= at < until."""

    actor: str | None = None
    institution: str | None = None
    action: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
