"""Committing a `store.write()` block that lost a race, by replaying it when that is provably safe.

On Neo4j a second writer of the same nodes waits for the first one's locks. ArcadeDB
(the Bolt test double) is optimistic instead: the later of two clashing commits
fails, even when the two transactions only met on bookkeeping such as a shared
institution node created at the same moment. The block's Python code cannot be run
again, but its statements can: each is logged with the rows it returned, and on a
lost race they all run again in a fresh transaction. The block's decisions depend
only on those rows (statements run for their effect return nothing to it), so if
every statement returns exactly the rows it returned the first time, the replay is
what running the block after the other writer would have done, and it is committed.
If any rows differ, the caller gets the ConflictError and decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import neo4j


@dataclass(frozen=True, slots=True)
class Statement:
    query: str
    params: dict[str, Any]
    rows: list[tuple[Any, ...]] | None  # None: run for its effect, nothing was read


@dataclass(slots=True)
class StatementLog:
    """The statements of one write transaction, in order, with the rows each returned."""

    statements: list[Statement] = field(default_factory=list)

    def read(self, query: str, params: dict[str, Any], rows: list[neo4j.Record]) -> None:
        self.statements.append(Statement(query, params, _values(rows)))

    def effect(self, query: str, params: dict[str, Any]) -> None:
        self.statements.append(Statement(query, params, None))

    def replays_identically(self, tx: neo4j.Transaction) -> bool:
        """Run every statement again in `tx`; False at the first that reads different rows."""
        for statement in self.statements:
            result = tx.run(statement.query, statement.params)
            if statement.rows is None:
                result.consume()
            elif _values(list(result)) != statement.rows:
                return False
        return True


def _values(rows: list[neo4j.Record]) -> list[tuple[Any, ...]]:
    return [tuple(row.values()) for row in rows]
