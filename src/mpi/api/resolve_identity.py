"""resolveIdentity: who is this person? Ranked candidates with probability, band and why."""

from __future__ import annotations

import asyncio
import weakref
from typing import Annotated

import strawberry

from mpi.api.context import Info
from mpi.api.explanations import BandEnum, FieldExplanation, explanation_of
from mpi.api.inputs import IdentityInput
from mpi.api.permissions import Operation, allowed
from mpi.api.results import Forbidden, ValidationFailed, forbidden
from mpi.api.types import Person
from mpi.domain.errors import Problem, ValidationError
from mpi.domain.records import Record
from mpi.identity.record_rules import parse_record
from mpi.services.decide import Bar, Outcome
from mpi.services.linking import LinkingService
from mpi.services.resolve import QUERY_INSTITUTION, Resolution, ResolvedPerson

BarEnum = strawberry.enum(Bar, name="LinkBar")
OutcomeEnum = strawberry.enum(Outcome, name="LinkOutcome")


@strawberry.type(description="A person the demographics may belong to.")
class IdentityCandidate:
    person_id: strawberry.ID
    probability: float
    match_weight: float
    band: BandEnum  # type: ignore[valid-type]
    bar: BarEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Why the person cannot be linked automatically, if anything bars it."
    )
    best_record_key: str
    resolved: strawberry.Private[ResolvedPerson]

    @strawberry.field
    def explanation(self) -> list[FieldExplanation] | None:
        # Explaining rescores the pair field by field: only for clients that ask.
        return explanation_of(self.resolved.explanation)

    @strawberry.field
    async def person(self, info: Info) -> Person | None:
        """The candidate person (batched across candidates)."""
        found = await info.context.loaders.persons.load(str(self.person_id))
        return Person.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, p: ResolvedPerson) -> IdentityCandidate:
        return cls(
            person_id=strawberry.ID(p.person_id),
            probability=p.probability,
            match_weight=p.match_weight,
            band=p.band,
            bar=p.bar,
            best_record_key=p.best_record_key,
            resolved=p,
        )


@strawberry.type(description="What registering these demographics would do now.")
class WouldDo:
    outcome: OutcomeEnum  # type: ignore[valid-type]
    person_id: strawberry.ID | None
    reason: str


@strawberry.type
class IdentityResolution:
    candidates: list[IdentityCandidate]
    would_do: WouldDo
    oversized_block_keys: list[str]

    @classmethod
    def from_domain(cls, r: Resolution) -> IdentityResolution:
        d = r.decision
        return cls(
            candidates=[IdentityCandidate.from_domain(p) for p in r.candidates],
            would_do=WouldDo(
                outcome=d.outcome,
                person_id=strawberry.ID(d.person_id) if d.person_id else None,
                reason=d.reason,
            ),
            oversized_block_keys=list(r.oversized_keys),
        )


ResolveIdentityResult = Annotated[
    IdentityResolution | ValidationFailed | Forbidden, strawberry.union("ResolveIdentityResult")
]


async def resolve_identity(
    info: Info, input: IdentityInput, limit: int = 10
) -> ResolveIdentityResult:
    """Rank the persons these demographics may belong to (writes nothing but the audit)."""
    ctx = info.context
    operation = Operation.RESOLVE_IDENTITY
    if not allowed(ctx.principal, operation):
        return forbidden(operation)
    most = ctx.limits.max_candidates
    if not 1 <= limit <= most:
        return ValidationFailed.of([Problem("limit", "max_candidates", f"must be 1 to {most}")])
    raw = input.raw()
    if not any(raw.values()):
        return ValidationFailed.of([Problem("input", "required", "give at least one field")])
    try:
        record = parse_record({**raw, "institution": QUERY_INSTITUTION, "record_id": "query"})
    except ValidationError as error:
        return ValidationFailed.of(error.problems, prefix="input.")
    resolution = await _coalescer(ctx.services.linking).resolve(record, limit)
    ctx.reads.add(operation, "person", [p.person_id for p in resolution.candidates])
    return IdentityResolution.from_domain(resolution)


# Resolving several records at once scores them in one table: numpy's set-up, most of a
# small resolve's cost, is paid once per batch. Requests that reach the resolver in the same
# turn of the event loop (those that queued while the worker was busy) form one batch.
MAX_BATCH = 32


class _Coalescer:
    """Resolutions asked for in one turn of the event loop, answered by one resolve_many."""

    def __init__(self, linking: LinkingService) -> None:
        # Weakly: the coalescer is the value of a weak-key map keyed by this service.
        self._service = weakref.ref(linking)
        self._pending: list[tuple[Record, int, asyncio.Future[Resolution]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    async def resolve(self, record: Record, limit: int) -> Resolution:
        loop = asyncio.get_running_loop()
        if self._pending and loop is not self._loop:
            if self._loop is not None and not self._loop.is_closed():
                return self._linking.resolve(record, limit)  # another loop's batch is open
            self._pending = []  # left by a loop that closed before answering them
        if not self._pending:
            self._loop = loop
            loop.call_soon(self._flush)
        future: asyncio.Future[Resolution] = loop.create_future()
        self._pending.append((record, limit, future))
        return await future

    def _flush(self) -> None:
        batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
        if self._pending and self._loop is not None:
            self._loop.call_soon(self._flush)
        try:
            answers = self._linking.resolve_many([b[0] for b in batch], [b[1] for b in batch])
        except Exception:
            # One record's failure must not fail the others: each is answered alone.
            for record, limit, future in batch:
                try:
                    _settle(future, self._linking.resolve(record, limit))
                except Exception as error:
                    _settle(future, error)
            return
        for (_, _, future), answer in zip(batch, answers, strict=True):
            _settle(future, answer)

    @property
    def _linking(self) -> LinkingService:
        linking = self._service()
        assert linking is not None  # a pending request's context holds the service
        return linking


def _settle(future: asyncio.Future[Resolution], answer: Resolution | Exception) -> None:
    if future.done():  # the request was cancelled (its client went away)
        return
    if isinstance(answer, Exception):
        future.set_exception(answer)
    else:
        future.set_result(answer)


_coalescers: weakref.WeakKeyDictionary[LinkingService, _Coalescer] = weakref.WeakKeyDictionary()


def _coalescer(linking: LinkingService) -> _Coalescer:
    found = _coalescers.get(linking)
    if found is None:
        found = _coalescers[linking] = _Coalescer(linking)
    return found
