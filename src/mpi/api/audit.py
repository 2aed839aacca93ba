"""Audit of reads: resolvers note what personal data they return; it is written before the
response leaves.

The entries are written after execution and before the response is sent. If they cannot be
written, the whole result is withheld: personal data never leaves unaudited. Requests that
finish executing in the same turn of the event loop share one write transaction (a group
commit), so concurrent readers do not queue behind one commit each.
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
    """Collects the reads of requests finishing together and writes them in one transaction."""

    def __init__(self, write: Callable[[Sequence[Reads]], None]) -> None:
        self._write = write
        self._pending: list[tuple[Reads, asyncio.Future[None]]] = []

    async def submit(self, actor: Actor, events: Sequence[ReadEvent]) -> None:
        """Return once the entries are committed; raise what the write raised."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append(((actor, events), done))
        if len(self._pending) == 1:
            loop.call_soon(self._flush)
        await done

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        try:
            self._write([reads for reads, _ in batch])
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
