"""A merge of two persons, kept whole so that it can be undone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mpi.domain.persons import Link

MERGE_ID_PREFIX = "M"


@dataclass(frozen=True, slots=True)
class MergeEvent:
    """`absorbed_id`'s records moved to `survivor_id`.

    `moved_links` are the absorbed person's links as they were before the
    merge (ordered by record key); undoing the merge restores exactly them.
    """

    id: str
    survivor_id: str
    absorbed_id: str
    by: str
    at: datetime
    reason: str
    moved_links: tuple[Link, ...]
    undone_at: datetime | None = None
    undone_by: str | None = None

    @property
    def record_keys(self) -> tuple[str, ...]:
        return tuple(link.record_key for link in self.moved_links)
