"""Who may do what: the role x operation matrix, as data, and the institution scope rule."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from mpi.services.api_keys import Principal, Role


class Operation(StrEnum):
    PERSON = "person"
    RECORD = "record"
    RESOLVE_IDENTITY = "resolveIdentity"
    SEARCH_PERSONS = "searchPersons"
    REGISTER_RECORD = "registerRecord"
    REGISTER_RECORDS = "registerRecords"


_ALL = frozenset(Role)
# Institutions resolve and read the shared identity (that is what they join for) but register
# and look up by local id only their own records (see `may_act_for`). Stewards read and
# search to review duplicates; issuers resolve and read to check uniqueness before issuing a
# credential; neither registers records.
PERMISSIONS: Mapping[Operation, frozenset[Role]] = MappingProxyType(
    {
        Operation.PERSON: _ALL,
        Operation.RECORD: _ALL,
        Operation.RESOLVE_IDENTITY: _ALL,
        Operation.SEARCH_PERSONS: frozenset({Role.INSTITUTION, Role.STEWARD, Role.ADMIN}),
        Operation.REGISTER_RECORD: frozenset({Role.INSTITUTION, Role.ADMIN}),
        Operation.REGISTER_RECORDS: frozenset({Role.INSTITUTION, Role.ADMIN}),
    }
)
# Operations where an institution key is confined to its own institution's records.
SCOPED: frozenset[Operation] = frozenset(
    {Operation.RECORD, Operation.REGISTER_RECORD, Operation.REGISTER_RECORDS}
)


def allowed(principal: Principal, operation: Operation) -> bool:
    return principal.role in PERMISSIONS[operation]


def may_act_for(principal: Principal, operation: Operation, institution: str) -> bool:
    """Whether `principal` may touch records of `institution` in `operation`."""
    if principal.role is not Role.INSTITUTION or operation not in SCOPED:
        return True
    return principal.institution is not None and principal.institution == institution
