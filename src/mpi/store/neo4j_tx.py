"""What every Neo4j transaction object shares: the driver transaction and query helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import neo4j

from mpi.domain.errors import ValidationError
from mpi.domain.pages import Page
from mpi.store.neo4j_errors import translated
from mpi.store.neo4j_replay import StatementLog

T = TypeVar("T")
MAX_PAGE_SIZE = 1000

# An explicit transaction (store.read()/write()) or a managed one (execute_read/_write):
# both run statements the same way.
DriverTx = neo4j.Transaction | neo4j.ManagedTransaction


class Neo4jTx:
    """Base of the read and write classes; the store owns begin / commit / rollback."""

    def __init__(
        self, tx: DriverTx, *, managed: bool = False, log: StatementLog | None = None
    ) -> None:
        self._tx = tx
        self._log = log
        self._passthrough: tuple[type[Exception], ...] = (
            (neo4j.exceptions.TransientError,) if managed else ()
        )

    def _rows(self, query: str, **params: Any) -> list[neo4j.Record]:
        with translated("neo4j store", self._passthrough):
            rows = list(self._tx.run(query, params))
        if self._log is not None:
            self._log.read(query, params, rows)
        return rows

    def _run(self, query: str, **params: Any) -> None:
        with translated("neo4j store", self._passthrough):
            self._tx.run(query, params).consume()
        if self._log is not None:
            self._log.effect(query, params)

    def _column(self, query: str, column: str, **params: Any) -> list[Any]:
        return [row[column] for row in self._rows(query, **params)]


def unique(values: Iterable[str]) -> list[str]:
    """Distinct values in first-seen order: each key is sent once per statement."""
    return list(dict.fromkeys(values))


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationError.single(
            "limit", "page-size", f"must be between 1 and {MAX_PAGE_SIZE}, got {limit}"
        )


def page(
    rows: Sequence[Any], limit: int, build: Callable[[Any], T], cursor: Callable[[T], str]
) -> Page[T]:
    """A Page from up to limit + 1 rows: the extra row only says that there is a next page."""
    items = tuple(build(row) for row in rows[:limit])
    more = len(rows) > limit
    return Page(items, cursor(items[-1]) if more and items else None)
