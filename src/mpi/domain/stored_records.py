"""A record as the store holds it, and what writing a record did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mpi.domain.records import Record


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record plus what the store knows about it.

    `version` starts at 1 and grows by one each time the content changes;
    `received_at` is when that version arrived; `person_id` is the person the
    record is linked to, or None while unlinked.
    """

    record: Record
    version: int
    received_at: datetime
    person_id: str | None = None

    @property
    def key(self) -> str:
        return self.record.key


@dataclass(frozen=True, slots=True)
class RecordWrite:
    """One row of an upsert: the record and its complete set of block keys.

    The block keys replace whatever keys the record had before.
    """

    record: Record
    block_keys: tuple[str, ...]


class UpsertChange(StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # content changed; version + 1
    UNCHANGED = "unchanged"  # same content; version kept


@dataclass(frozen=True, slots=True)
class UpsertOutcome:
    key: str
    change: UpsertChange
    version: int
