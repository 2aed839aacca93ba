"""Audit of reads: resolvers note what personal data they return; it is written before the
response leaves.

The entries are written after execution and before the response is sent. If they cannot be
written, the whole result is withheld: personal data never leaves unaudited. Concurrent
requests share write transactions (a group commit, see AuditBatcher), so readers do not
queue behind one commit each.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

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


Waiting = list[tuple[Reads, "asyncio.Future[None]"]]

# Pauses before each attempt to write on the event loop (the later ones while another writer
# holds the store; ~12 ms in all), before handing the batch to a thread that waits for the
# lock. Another worker's audit commit holds it for a fraction of a millisecond; SQLite's own
# busy handler would sleep 1, 2, 5, ... ms between its attempts.
RETRY_DELAYS = (0.0, 0.0, 0.0005, 0.001, 0.001, 0.002, 0.002, 0.005)


class AuditBatcher:
    """Group commit for the audit of reads.

    The first request to finish schedules a write; requests finishing before it is
    committed join it, or else the next one. Normally the write runs in a worker thread,
    so that the requests still executing go on meanwhile and waiting for the write lock
    never stalls the event loop. When every request being served (see `serving`) waits
    for this write, the loop has nothing else to do: the write then runs on the loop if
    `write_now` can start it without waiting for the lock (retried briefly while another
    writer holds it), which saves the thread hand-off, on a busy machine dearer than the
    write itself. Each request returns only once its own entries are committed, and gets
    the write's exception if it failed.
    """

    def __init__(
        self,
        write: Callable[[Sequence[Reads]], None],
        write_now: Callable[[Sequence[Reads]], bool] | None = None,
    ) -> None:
        self._write = write
        self._write_now = write_now
        self._pending: Waiting = []
        self._draining = False
        self._drainer: asyncio.Task[None] | None = None  # kept so it is not collected mid-run
        self._serving = 0

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Wrap the handling of each request, so the batcher knows how many are underway."""
        self._serving += 1
        try:
            yield
        finally:
            self._serving -= 1

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
                batch: Waiting = []
                try:
                    if not await self._written_on_loop(batch):
                        batch += self._take()
                        await asyncio.to_thread(self._write, [r for r, _ in batch])
                except Exception as exc:  # handed to every waiting request, which decides
                    _settle(batch, exc)
                else:
                    _settle(batch, None)
        finally:
            self._draining = False

    async def _written_on_loop(self, batch: Waiting) -> bool:
        """Try to commit `batch` (growing it with later arrivals) on the loop; False if
        other requests are executing, or the store stayed busy or offers no such write."""
        if self._write_now is None:
            return False
        for delay in RETRY_DELAYS:
            # The first pause (0) lets requests that arrived meanwhile start, and count.
            await asyncio.sleep(delay)
            batch += self._take()
            if self._serving > len(batch):
                return False
            if self._write_now([r for r, _ in batch]):
                return True
        return False

    def _take(self) -> Waiting:
        taken, self._pending = self._pending, []
        return taken


def _settle(batch: Waiting, error: Exception | None) -> None:
    for _, done in batch:
        if done.done():
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)


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
