"""Audit entries for the use cases: who did what, to what, when and why.

Every write a use case makes appends its entries inside the same transaction
as the write, so the log and the graph can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from mpi.domain.audit import AUDIT_ID_PREFIX, AuditEntry
from mpi.domain.ids import new_id


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and why: an API key's owner, a steward, or the command line.

    `institution` scopes an institution's key; `purpose` is the stated reason
    for the access (e.g. "atención médica", "bulk import").
    """

    name: str
    role: str
    institution: str | None = None
    purpose: str | None = None


LINKER = Actor("linker", "system", purpose="automatic record linkage")


def audit_entry(
    actor: Actor,
    action: str,
    target_kind: str,
    target_ids: Sequence[str],
    at: datetime,
    detail: Mapping[str, object] | None = None,
) -> AuditEntry:
    """One audit entry with a fresh id; `detail` is stored as JSON text."""
    return AuditEntry(
        id=new_id(AUDIT_ID_PREFIX),
        at=at,
        actor=actor.name,
        role=actor.role,
        action=action,
        target_kind=target_kind,
        target_ids=tuple(target_ids),
        institution=actor.institution,
        purpose=actor.purpose,
        detail=json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, default=str),
    )
