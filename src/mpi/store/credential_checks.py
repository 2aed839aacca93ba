"""The port's rules for issuing a credential, checked alike by every engine."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from mpi.domain.credentials import Credential, CredentialStatus
from mpi.domain.errors import ConflictError


class _Holders(Protocol):
    def _require_active_persons(self, person_ids: Iterable[str]) -> object: ...

    def credential_of(self, person_id: str) -> Credential | None: ...


def require_issuable(tx: _Holders, credential: Credential) -> None:
    """Refuse a credential that is not active, for a person not active or already holding one."""
    if credential.status != CredentialStatus.ACTIVE:
        raise ConflictError(f"a new credential must be active: {credential.id!r}")
    tx._require_active_persons([credential.person_id])
    if (held := tx.credential_of(credential.person_id)) is not None:
        raise ConflictError(
            f"person {credential.person_id!r} already holds active credential {held.id!r}"
        )
