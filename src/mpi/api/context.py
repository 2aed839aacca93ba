"""The typed per-request context: the caller, the services, and per-request DataLoaders."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from mpi.api.audit import AuditBatcher, ReadLog
from mpi.api.limits import Limits
from mpi.domain.persons import PersonWithRecords
from mpi.services.api_keys import ApiKeys, Principal
from mpi.services.audit import Actor
from mpi.services.linking import LinkingService
from mpi.services.queries import IdentityReads


@dataclass(frozen=True, slots=True)
class ApiServices:
    """The use cases the API calls; `close` releases what they hold (the store)."""

    keys: ApiKeys
    reads: IdentityReads
    linking: LinkingService
    close: Callable[[], None] = field(default=lambda: None)


@dataclass(slots=True)
class Loaders:
    """Batching loaders; fresh per request so nothing is cached across callers."""

    persons: DataLoader[str, PersonWithRecords | None]


@dataclass(slots=True)
class Context:
    request: Request
    response: Response
    principal: Principal
    services: ApiServices
    limits: Limits
    loaders: Loaders
    audit: AuditBatcher
    reads: ReadLog = field(default_factory=ReadLog)
    fetched: dict[str, PersonWithRecords | None] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        p = self.principal
        return Actor(f"key:{p.key_id}", p.role.value, p.institution, purpose="api")

    def person(self, person_id: str, along: Iterable[str] = ()) -> PersonWithRecords | None:
        """A person, read once per request; the persons `along` it (others the request
        asks for) are read in the same store call."""
        if person_id not in self.fetched:
            wanted = [i for i in dict.fromkeys([*along, person_id]) if i not in self.fetched]
            found = self.services.reads.persons(wanted)
            self.fetched.update({i: found.get(i) for i in wanted})
        return self.fetched[person_id]

    async def flush_reads(self) -> None:
        events = self.reads.events()
        if events:
            await self.audit.submit(self.actor, events)


Info = strawberry.Info[Context, None]


def make_loaders(services: ApiServices) -> Loaders:
    # Store calls are sub-millisecond on SQLite: running them on the event loop is cheaper than
    # a thread hop, and the worker processes give the parallelism.
    async def load_persons(ids: Sequence[str]) -> list[PersonWithRecords | None]:
        found = services.reads.persons(ids)
        return [found.get(i) for i in ids]

    return Loaders(persons=DataLoader(load_fn=load_persons))
