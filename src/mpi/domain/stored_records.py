"""A record as the store holds it, and what writing a record did."""

from __future__ import annotations

from collections.abc import Sequence
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


@dataclass(frozen=True, slots=True)
class BlockKeyRuns:
    """The block keys of consecutive records, in columns, as a bulk load builds them.

    Record i of the run holds `keys[k]` for each k in `key_ids[starts[i]:starts[i + 1]]`;
    `keys` is distinct, and each record's ids ascend in the text order of its keys (as
    they do when `keys` is sorted, as `of` makes it; a batch's key table need not sort
    keys no record holds two of). One string per distinct key instead of one per record
    and key.
    """

    keys: Sequence[str]
    starts: Sequence[int]  # one more than the records
    key_ids: Sequence[int]

    @classmethod
    def of(cls, rows: Sequence[tuple[str, ...]]) -> BlockKeyRuns:
        """The runs of per-record key tuples (duplicates within a record dropped)."""
        keys = sorted({k for row in rows for k in row})
        index = {k: i for i, k in enumerate(keys)}
        starts, key_ids = [0], []
        for row in rows:
            key_ids += sorted({index[k] for k in row})
            starts.append(len(key_ids))
        return cls(keys, starts, key_ids)


class UpsertChange(StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # content changed; version + 1
    UNCHANGED = "unchanged"  # same content; version kept


@dataclass(frozen=True, slots=True)
class UpsertOutcome:
    key: str
    change: UpsertChange
    version: int
