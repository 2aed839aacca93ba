"""registerRecord and registerRecords: an institution sends its records; each is linked."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from mpi.api.context import Context, Info
from mpi.api.inputs import RecordInput
from mpi.api.permissions import Operation, allowed, may_act_for
from mpi.api.resolve_identity import OutcomeEnum
from mpi.api.results import Conflict, Forbidden, NotFound, ValidationFailed, forbidden
from mpi.api.types import GoldenView
from mpi.domain.errors import ConflictError, NotFoundError, Problem, ValidationError
from mpi.domain.stored_records import UpsertChange
from mpi.identity.record_rules import parse_record
from mpi.services.golden import GoldenView as DomainGoldenView
from mpi.services.register import Registration

ChangeEnum = strawberry.enum(UpsertChange, name="RecordChange")


@strawberry.type(description="The record is stored and linked; what happened to it.")
class RegisterSuccess:
    record_key: str
    person_id: strawberry.ID
    outcome: OutcomeEnum  # type: ignore[valid-type]
    change: ChangeEnum  # type: ignore[valid-type]
    moved_from: strawberry.ID | None
    review_task_id: str | None
    reason: str | None
    view: strawberry.Private[DomainGoldenView]

    @strawberry.field
    def golden(self, info: Info) -> GoldenView:
        """The person's golden view after registration (an audited read)."""
        info.context.reads.add(Operation.REGISTER_RECORD, "person", [str(self.person_id)])
        return GoldenView.from_domain(self.view)

    @classmethod
    def from_domain(cls, r: Registration) -> RegisterSuccess:
        return cls(
            record_key=r.record_key,
            person_id=strawberry.ID(r.person_id),
            outcome=r.outcome,
            change=r.change,
            moved_from=strawberry.ID(r.moved_from) if r.moved_from else None,
            review_task_id=r.review_task_id,
            reason=r.decision.reason if r.decision else None,
            view=r.golden,
        )


RegisterResult = Annotated[
    RegisterSuccess | ValidationFailed | Forbidden | Conflict | NotFound,
    strawberry.union("RegisterResult"),
]


@strawberry.type(description="One result per input, in input order.")
class RegisterBatch:
    results: list[RegisterResult]
    registered: int
    failed: int


RegisterRecordsResult = Annotated[
    RegisterBatch | ValidationFailed | Forbidden, strawberry.union("RegisterRecordsResult")
]


async def register_record(info: Info, input: RecordInput) -> RegisterResult:
    """Register (or re-send) one record; it is linked, or a new person, or queued for review."""
    ctx = info.context
    if not allowed(ctx.principal, Operation.REGISTER_RECORD):
        return forbidden(Operation.REGISTER_RECORD)
    return await _register(ctx, Operation.REGISTER_RECORD, input, "input.")


async def register_records(info: Info, inputs: list[RecordInput]) -> RegisterRecordsResult:
    """Register many records; each is its own transaction and has its own result."""
    ctx = info.context
    operation = Operation.REGISTER_RECORDS
    if not allowed(ctx.principal, operation):
        return forbidden(operation)
    most = ctx.limits.max_batch
    if not 1 <= len(inputs) <= most:
        message = f"must hold 1 to {most} records (got {len(inputs)})"
        return ValidationFailed.of([Problem("inputs", "max_batch_size", message)])
    results = [
        await _register(ctx, operation, item, f"inputs[{i}].") for i, item in enumerate(inputs)
    ]
    done = sum(isinstance(r, RegisterSuccess) for r in results)
    return RegisterBatch(results=results, registered=done, failed=len(results) - done)


async def _register(
    ctx: Context, operation: Operation, input: RecordInput, at: str
) -> RegisterResult:
    if not may_act_for(ctx.principal, operation, input.institution):
        why = f"this key registers records of {ctx.principal.institution} only"
        return forbidden(operation, why)
    try:
        record = parse_record(input.raw())
        # In a worker thread: waiting for the store's write lock must not stall the event loop
        # (the other requests of this process keep being served meanwhile).
        registration = await asyncio.to_thread(ctx.services.linking.register, record, ctx.actor)
    except ValidationError as error:
        return ValidationFailed.of(error.problems, prefix=at)
    except ConflictError as error:
        return Conflict(message=str(error))
    except NotFoundError as error:
        return NotFound(kind=error.kind, key=error.key, message=str(error))
    return RegisterSuccess.from_domain(registration)


@strawberry.type
class Mutation:
    register_record: RegisterResult = strawberry.field(resolver=register_record)
    register_records: RegisterRecordsResult = strawberry.field(resolver=register_records)
