"""Read operations: person, record, searchPersons. Each audits the personal data it returns."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import FieldNode, value_from_ast_untyped

from mpi.api.connections import PageInfo, PersonConnection, PersonEdge
from mpi.api.context import Info
from mpi.api.inputs import PersonSearchInput
from mpi.api.permissions import Operation, allowed, may_act_for
from mpi.api.resolve_identity import ResolveIdentityResult, resolve_identity
from mpi.api.results import Forbidden, NotFound, ValidationFailed, forbidden
from mpi.api.types import Person, Record
from mpi.domain.errors import ValidationError

PersonResult = Annotated[Person | NotFound | Forbidden, strawberry.union("PersonResult")]
RecordResult = Annotated[Record | NotFound | Forbidden, strawberry.union("RecordResult")]
SearchPersonsResult = Annotated[
    PersonConnection | ValidationFailed | Forbidden, strawberry.union("SearchPersonsResult")
]


def person(info: Info, id: strawberry.ID) -> PersonResult:
    """A person by id: golden view, records and links (merged persons name their survivor)."""
    ctx = info.context
    if not allowed(ctx.principal, Operation.PERSON):
        return forbidden(Operation.PERSON)
    # Synchronous, with every person the operation names read in its first call: a query
    # without awaitables executes in one pass, cheaper than an awaited DataLoader.
    found = ctx.person(str(id), along=_persons_named(info))
    if found is None:
        return NotFound(kind="person", key=str(id), message=f"no person with id {id!r}")
    ctx.reads.add(Operation.PERSON, "person", [found.person.id])
    return Person.from_domain(found)


def _persons_named(info: Info) -> list[str]:
    """The ids of the `person` fields at the top of the operation, in document order."""
    ids: list[str] = []
    for selection in info.operation.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value == "person":
            for argument in selection.arguments or ():
                value = value_from_ast_untyped(argument.value, info.variable_values)
                if argument.name.value == "id" and isinstance(value, str | int):
                    ids.append(str(value))
    return ids


async def record(info: Info, institution: str, record_id: str) -> RecordResult:
    """A record by its institution and institution-local id."""
    ctx = info.context
    operation = Operation.RECORD
    if not allowed(ctx.principal, operation):
        return forbidden(operation)
    if not may_act_for(ctx.principal, operation, institution):
        return forbidden(operation, "an institution key reads only its own institution's records")
    key = f"{institution}:{record_id}"
    found = ctx.services.reads.record(key)
    if found is None:
        return NotFound(kind="record", key=key, message=f"no record {key!r}")
    ctx.reads.add(operation, "record", [key])
    if found.person_id is not None:  # the record is that person's data too
        ctx.reads.add(operation, "person", [found.person_id])
    return Record.from_stored(found)


async def search_persons(
    info: Info, input: PersonSearchInput, first: int = 20, after: str | None = None
) -> SearchPersonsResult:
    """Persons by exact CURP, or by first surname + birth date (+ given names), paginated."""
    ctx = info.context
    if not allowed(ctx.principal, Operation.SEARCH_PERSONS):
        return forbidden(Operation.SEARCH_PERSONS)
    try:
        page = ctx.services.reads.search(input.criteria(), first, after)
    except ValidationError as error:
        return ValidationFailed.of(error.problems)
    edges = [
        PersonEdge(
            cursor=hit.cursor,
            node=Person.from_domain(hit.person),
            matched_record_keys=list(hit.matched_record_keys),
        )
        for hit in page.hits
    ]
    shown = [e.node.found.person.id for e in edges]
    ctx.reads.add(Operation.SEARCH_PERSONS, "person", shown)
    end = edges[-1].cursor if edges else None
    return PersonConnection(
        edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end)
    )


@strawberry.type
class Query:
    person: PersonResult = strawberry.field(resolver=person)
    record: RecordResult = strawberry.field(resolver=record)
    search_persons: SearchPersonsResult = strawberry.field(resolver=search_persons)
    resolve_identity: ResolveIdentityResult = strawberry.field(resolver=resolve_identity)
