"""The rows of a bulk load made from columns: no object, and no Python call, per record.

A batch link hands the store its records and links as columns (RecordColumns,
LinkColumns) and the block keys as runs over one list of distinct key texts. Each
records column of a chunk is one list slice where the chunk is one ascending range of
rows (a batch inserts its records in its own order), else one C-level `map` over its
row numbers (dates formatted once per distinct value); the values every row shares
(timestamps, version, who linked) are literals of the statement instead of parameters.
(One join over a whole chunk's key ids, split at a marker after each record, measured
slower than a join per record: the cost is reading each key's string, not the calls.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise, repeat
from operator import is_not
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.records import RECORD_FIELDS
from mpi.domain.stored_records import BlockKeyRuns
from mpi.store import sqlite_codec as codec
from mpi.store.sqlite_bulk_statements import Window, literal
from mpi.store.sqlite_key_hash import key_hashes
from mpi.store.sqlite_search_keys import CURP, NAME_DOB

SEPARATOR = codec.KEY_SEPARATOR
_BIRTH = RECORD_FIELDS.index("birth_date")

Ints = NDArray[np.int64]
# A chunk's values of a column, as a list.
Take = Callable[[Sequence[Any]], list[Any]]


INSERT = (
    f"INSERT INTO records (rid, key, {', '.join(RECORD_FIELDS)}, block_keys, person_id, "
    "link_rule, link_probability, linked_by, received_at, linked_at, version) VALUES {values}"
)


def shared_values(linked_by: str, received_at: str, linked_at: str) -> tuple[str, ...]:
    """The literals ending each row of INSERT: the values every row of a call shares."""
    return (literal(linked_by), literal(received_at), literal(linked_at), "1")


def joined_keys(keys: BlockKeyRuns) -> list[str]:
    """Each run's key texts joined by SEPARATOR (records.block_keys)."""
    texts = keys.keys
    starts = np.asarray(keys.starts, dtype=np.int64).tolist()
    ids = np.asarray(keys.key_ids, dtype=np.int64).tolist()
    return [
        SEPARATOR.join(map(texts.__getitem__, ids[start:stop])) for start, stop in pairwise(starts)
    ]


class Days(dict[object, str | None]):
    """Stored date texts by date, each formatted once per load."""

    def texts(self, births: list[object]) -> list[str | None]:
        for day in set(births).difference(self):
            self[day] = codec.day_or_none(day)  # type: ignore[arg-type]
        return list(map(self.__getitem__, births))


def linked_columns(
    records: RecordColumns,
    links: LinkColumns,
    take: Taker,
    first_rid: int,
    block_keys: list[str],
    births: list[str | None],
) -> list[Window]:
    """The parameter windows of `INSERT` for the records `take` picks (`taker`), rids
    from `first_rid` on; `births` are their stored birth dates."""
    window = take.window
    fields = [(births, 0) if i == _BIRTH else window(c) for i, c in enumerate(records.fields)]
    rids = (range(first_rid, first_rid + len(births)), 0)
    people, rules, chances = links.person_ids, links.rules, links.probabilities
    return [
        rids,
        window(records.keys),
        *fields,
        (block_keys, 0),
        *map(window, (people, rules, chances)),
    ]


class Taker:
    """A chunk's values of a batch's columns at `rows`: as lists (call it), or as windows
    on the columns themselves where the rows are one ascending range (a batch inserts
    its records in its own order)."""

    def __init__(self, rows: list[int]) -> None:
        self.rows = rows
        ranged = bool(rows) and rows[-1] - rows[0] == len(rows) - 1
        self.first = rows[0] if ranged and rows == list(range(rows[0], rows[-1] + 1)) else None

    def __call__(self, column: Sequence[Any]) -> list[Any]:
        if self.first is None:
            return list(map(column.__getitem__, self.rows))
        values = column[self.first : self.first + len(self.rows)]
        return values if isinstance(values, list) else list(values)

    def window(self, column: Sequence[Any]) -> Window:
        """The column's values at the rows, as a window (no copy where they are a range)."""
        return (self(column), 0) if self.first is None else (column, self.first)


def taker(rows: list[int]) -> Taker:
    """A function giving a column's values at `rows` as a list: one slice where they
    are one ascending range (a batch inserts its records in its own order)."""
    return Taker(rows)


def search_rows(
    records: RecordColumns, rows: list[int], rids: Ints, births: list[str | None]
) -> tuple[tuple[Ints, Ints], tuple[Ints, Ints]]:
    """The search rows of records[rows] (rid rids[i] for rows[i], stored birth date
    births[i]), for HeldKeys: (CURP candidates: hashes, rids) and (own name + date rows:
    negative hashes, rids)."""
    curps = list(map(records.column("curp").__getitem__, rows))
    surnames = list(map(records.column("first_surname").__getitem__, rows))
    return search_rows_of(curps, surnames, rids, births)


def search_rows_of(
    curps: list[Any], surnames: list[Any], rids: Ints, births: list[str | None]
) -> tuple[tuple[Ints, Ints], tuple[Ints, Ints]]:
    """`search_rows` of records given by their CURPs, first surnames, rids and stored
    birth dates (str or None each)."""
    with_curp = np.flatnonzero(_present(curps))
    with_name = np.flatnonzero(_present(surnames) & _present(births))
    curp_texts = map(CURP.__add__, map(curps.__getitem__, with_curp.tolist()))
    picked = with_name.tolist()
    name_texts = map(
        f"{NAME_DOB}{{}}|{{}}".format,
        map(surnames.__getitem__, picked),
        map(births.__getitem__, picked),
    )
    curp_hashes = np.asarray(key_hashes(curp_texts), dtype=np.int64)
    name_hashes = -1 - np.asarray(key_hashes(name_texts), dtype=np.int64)
    return (curp_hashes, rids[with_curp]), (name_hashes, rids[with_name])


def _present(values: Sequence[object]) -> NDArray[np.bool_]:
    return np.fromiter(map(is_not, values, repeat(None)), dtype=bool, count=len(values))
