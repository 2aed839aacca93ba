"""The national health credential issued to a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CREDENTIAL_ID_PREFIX = "C"


class CredentialStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Credential:
    """At most one credential per person is active at a time; stores enforce it."""

    id: str
    person_id: str
    issued_at: datetime
    status: CredentialStatus = CredentialStatus.ACTIVE
    revoked_at: datetime | None = None
