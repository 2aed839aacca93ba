"""A whole batch of records and their links as columns, for linking and bulk loading.

A million Record and Link objects cost seconds to build and to tear down and far more
memory than the values they hold; the bulk reader already has the validated values
column by column, with one object per distinct value. `RecordColumns` keeps them that
way from the reader through matching to the store; `LinkColumns` is the links a batch
link decided, row for row. Where one record or link is wanted (small stores, error
messages) the views build them on demand.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import overload

from mpi.domain.persons import Link
from mpi.domain.records import RECORD_FIELDS, Record

_FIELD_INDEX = {name: i for i, name in enumerate(RECORD_FIELDS)}


@dataclass(frozen=True, slots=True)
class RecordColumns:
    """Validated records as columns: row i of every column is one record.

    `fields` follow RECORD_FIELDS, each holding what Record's field would (str or None;
    birth_date a date or None); `keys[i]` is row i's `institution:record_id`.
    """

    fields: tuple[Sequence[object], ...]
    keys: Sequence[str]

    def __post_init__(self) -> None:
        if len(self.fields) != len(RECORD_FIELDS):
            raise ValueError(f"{len(self.fields)} columns given, records have {len(RECORD_FIELDS)}")
        if any(len(column) != len(self.keys) for column in self.fields):
            raise ValueError("columns of different lengths")

    @classmethod
    def of(cls, records: Sequence[Record]) -> RecordColumns:
        """The columns of `records` (row i is records[i])."""
        fields = tuple(list(map(attrgetter(name), records)) for name in RECORD_FIELDS)
        return cls(fields, list(map(attrgetter("key"), records)))

    def __len__(self) -> int:
        return len(self.keys)

    def column(self, name: str) -> Sequence[object]:
        """Field `name` of every row."""
        return self.fields[_FIELD_INDEX[name]]

    def record(self, i: int) -> Record:
        """Row i as a Record."""
        return Record(*(column[i] for column in self.fields))  # type: ignore[arg-type]

    def records(self, start: int, stop: int) -> list[Record]:
        """Rows start..stop-1 as Records (a chunk at a time, for stores without bulk loads)."""
        columns = [column[start:stop] for column in self.fields]
        return list(map(Record, *columns))

    def as_records(self) -> Sequence[Record]:
        """A read-only sequence of the rows as Records, each built when it is read."""
        return _RecordView(self)


class _RecordView(Sequence[Record]):
    def __init__(self, columns: RecordColumns) -> None:
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns)

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | Sequence[Record]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return self._columns.records(start, stop)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._columns.record(index)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._columns.records(0, len(self)))


@dataclass(frozen=True, slots=True)
class LinkColumns:
    """Each record's link, row i for row i of a RecordColumns, as a batch link made them.

    `probabilities[i]` is None exactly where the record is alone in its person.
    """

    record_keys: Sequence[str]
    person_ids: Sequence[str]
    rules: Sequence[str]
    probabilities: Sequence[float | None]
    linked_by: str
    linked_at: datetime

    def __post_init__(self) -> None:
        n = len(self.record_keys)
        if not len(self.person_ids) == len(self.rules) == len(self.probabilities) == n:
            raise ValueError("link columns of different lengths")

    def __len__(self) -> int:
        return len(self.record_keys)

    def link(self, i: int) -> Link:
        """Row i as a Link."""
        return Link(
            self.record_keys[i],
            self.person_ids[i],
            self.linked_at,
            self.linked_by,
            self.rules[i],
            self.probabilities[i],
        )

    def as_links(self) -> Sequence[Link]:
        """A read-only sequence of the rows as Links, each built when it is read."""
        return _LinkView(self)


class _LinkView(Sequence[Link]):
    def __init__(self, columns: LinkColumns) -> None:
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns)

    @overload
    def __getitem__(self, index: int) -> Link: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Link]: ...
    def __getitem__(self, index: int | slice) -> Link | Sequence[Link]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            return [self._columns.link(i) for i in range(start, stop, step)]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._columns.link(index)
