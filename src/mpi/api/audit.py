"""Audit of reads: resolvers note what personal data they return; it is written before the
response leaves.

The entries are written after execution and before the response is sent. If they cannot be
written, the whole result is withheld: personal data never leaves unaudited. Concurrent
requests share write transactions (a group commit, see AuditBatcher), so readers do not
queue behind one commit each.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from mpi.domain.errors import MpiError
from mpi.services.audit import Actor
from mpi.services.queries import ReadEvent

WITHHELD = "personal data withheld: the audit log could not be written"


class ReadLog:
    """What one request showed, grouped by (operation, target kind), ids in first-seen order."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], dict[str, None]] = {}

    def add(self, operation: str, target_kind: str, ids: Iterable[str]) -> None:
        self._ids.setdefault((operation, target_kind), {}).update(dict.fromkeys(ids))

    def events(self) -> list[ReadEvent]:
        return [
            ReadEvent(operation, kind, tuple(ids))
            for (operation, kind), ids in self._ids.items()
            if ids
        ]


Reads = tuple[Actor, Sequence[ReadEvent]]


class AuditBatcher:
    """Group commit for the audit of reads.

    The first request to finish starts a write at once, in a worker thread so that waiting
    for the database's write lock does not stall the event loop. Requests finishing while a
    write is in flight queue up and go together in the next one. Each request returns only
    once its own entries are committed, and gets the write's exception if it failed.
    """

    def __init__(self, write: Callable[[Sequence[Reads]], None]) -> None:
        self._write = write
        self._pending: list[tuple[Reads, asyncio.Future[None]]] = []
        self._draining = False
        self._drainer: asyncio.Task[None] | None = None  # kept so it is not collected mid-run

    async def submit(self, actor: Actor, events: Sequence[ReadEvent]) -> None:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append(((actor, events), done))
        if not self._draining:
            self._draining = True
            self._drainer = loop.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                await self._flush(batch)
        finally:
            self._draining = False

    async def _flush(self, batch: list[tuple[Reads, asyncio.Future[None]]]) -> None:
        try:
            await asyncio.to_thread(self._write, [reads for reads, _ in batch])
        except Exception as exc:  # handed to every waiting request, which decides
            for _, done in batch:
                if not done.done():
                    done.set_exception(exc)
            return
        for _, done in batch:
            if not done.done():
                done.set_result(None)


class AuditReads(SchemaExtension):
    """Flush the request's ReadLog when execution ends, before the result is returned."""

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        flush = getattr(context, "flush_reads", None)
        if flush is None:
            return
        try:
            await flush()
        except MpiError as exc:
            raise GraphQLError(WITHHELD) from exc
