"""Audit of reads: resolvers note what personal data they return; one write per request.

The entries are written after execution and before the response is sent. If they cannot be
written, the whole result is withheld: personal data never leaves unaudited.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from mpi.domain.errors import MpiError
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


class AuditReads(SchemaExtension):
    """Flush the request's ReadLog through the read service when execution ends."""

    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        flush = getattr(context, "flush_reads", None)
        if flush is None:
            return
        try:
            flush()
        except MpiError as exc:
            raise GraphQLError(WITHHELD) from exc
