"""The rows a bulk load inserts, built column by column.

A million records make a million row tuples; built one record at a time in Python
that is seconds of attribute lookups and calls. Here each column is one C-level
`map` over the records (dates and timestamps formatted once per distinct value) and
the rows are the columns zipped: the same rows in a fraction of the time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import chain, repeat
from operator import attrgetter

import numpy as np
from numpy.typing import NDArray

from mpi.domain.errors import ConflictError
from mpi.domain.persons import Link
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.domain.stored_records import BlockKeyRuns, RecordWrite
from mpi.store import sqlite_codec as codec
from mpi.store.sqlite_record_writes import validate
from mpi.store.sqlite_search_keys import own_columns

# records columns after rid and key, up to birth_date, then after it (sqlite_bulk's INSERT).
_BIRTH = RECORD_FIELDS.index("birth_date")
_BEFORE_BIRTH, _AFTER_BIRTH = RECORD_FIELDS[:_BIRTH], RECORD_FIELDS[_BIRTH + 1 :]
_LINK = ("by", "rule", "probability")

Row = tuple[object, ...]


def runs_of(rows: Sequence[tuple[str, ...]]) -> BlockKeyRuns:
    """`BlockKeyRuns.of` for many records: one sort of the distinct keys, numpy for the rest."""
    flat = list(chain.from_iterable(rows))
    keys = sorted(set(flat))
    index = dict(zip(keys, range(len(keys)), strict=True))
    width = max(len(keys), 1)
    owners = np.repeat(np.arange(len(rows), dtype=np.int64), list(map(len, rows)))
    ids = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    pairs = np.sort(owners * width + ids)
    keep = np.ones(len(pairs), dtype=bool)
    keep[1:] = pairs[1:] != pairs[:-1]  # a key repeated within a record is held once
    pairs = pairs[keep]
    starts = np.concatenate(([0], np.cumsum(np.bincount(pairs // width, minlength=len(rows)))))
    return BlockKeyRuns(keys, starts.tolist(), (pairs % width).tolist())


def check(
    records: Sequence[Record],
    keys: BlockKeyRuns,
    links: Sequence[Link],
    with_keys: bool = True,
) -> list[str]:
    """The records' keys, after checking what the database cannot (ValidationError,
    ConflictError); the key texts themselves only if `with_keys`."""
    if len(keys.starts) != len(records) + 1 or len(links) != len(records):
        raise ConflictError(
            f"{len(records)} records given with {len(links)} links and "
            f"{len(keys.starts) - 1} runs of block keys"
        )
    if not all(map(attrgetter("institution"), records)) or not all(
        map(attrgetter("record_id"), records)
    ):
        for record in records:
            validate(RecordWrite(record, ()))
    record_keys: list[str] = list(map(attrgetter("key"), records))
    link_keys: list[str] = list(map(attrgetter("record_key"), links))
    if link_keys != record_keys:
        given, own = next(p for p in zip(link_keys, record_keys, strict=True) if p[0] != p[1])
        raise ConflictError(f"link of {given!r} given for {own!r}")
    if with_keys and records:
        check_keys(keys.keys, records[0])
    return record_keys


def check_keys(keys: Sequence[str], record: Record | None) -> None:
    """ValidationError (as `record`'s) for an empty key or one holding the separator."""
    # One scan of all the keys at C speed instead of a test per key.
    if record is not None and (not all(keys) or codec.KEY_SEPARATOR in "".join(keys)):
        bad = next(k for k in keys if not k or codec.KEY_SEPARATOR in k)
        validate(RecordWrite(record, (bad,)))


def own_rows(
    records: Sequence[Record], keys: BlockKeyRuns
) -> tuple[NDArray[np.int64], NDArray[np.intp]]:
    """The search rows the store adds for `records` holding the runs of `keys`:
    (negative hashes, record positions)."""
    texts, starts, ids = keys.keys, keys.starts, keys.key_ids
    held = [
        frozenset(map(texts.__getitem__, ids[starts[i] : starts[i + 1]]))
        for i in range(len(records))
    ]
    births = [codec.day_or_none(r.birth_date) for r in records]
    hashes, positions = own_columns(records, births, held)
    return hashes, positions.astype(np.intp)


def record_rows(
    records: Sequence[Record],
    record_keys: list[str],
    keys: BlockKeyRuns,
    links: Sequence[Link],
    first_rid: int,
    at: datetime,
) -> tuple[Iterator[Row], NDArray[np.int64]]:
    """The records' linked rows in key order (rids from `first_rid` on), and each input
    record's rid."""
    n = len(records)
    order = sorted(range(n), key=record_keys.__getitem__)
    rids = np.empty(n, dtype=np.int64)
    rids[np.asarray(order, dtype=np.intp)] = np.arange(first_rid, first_rid + n)
    recs = list(map(records.__getitem__, order))
    lks = list(map(links.__getitem__, order))
    births = list(map(attrgetter("birth_date"), recs))
    days = {d: codec.day_or_none(d) for d in set(births)}
    stamps = list(map(attrgetter("linked_at"), lks))
    stamp_texts = {t: codec.ts(t, "linked_at") for t in set(stamps)}
    texts, starts, key_ids = keys.keys, keys.starts, keys.key_ids
    joined = [
        codec.KEY_SEPARATOR.join(map(texts.__getitem__, key_ids[starts[i] : starts[i + 1]]))
        for i in order
    ]
    rows = zip(
        range(first_rid, first_rid + n),
        map(record_keys.__getitem__, order),
        *(map(attrgetter(name), recs) for name in _BEFORE_BIRTH),
        map(days.__getitem__, births),
        *(map(attrgetter(name), recs) for name in _AFTER_BIRTH),
        repeat(codec.ts(at), n),
        joined,
        map(attrgetter("person_id"), lks),
        map(stamp_texts.__getitem__, stamps),
        *(map(attrgetter(name), lks) for name in _LINK),
        repeat(1, n),  # version
        strict=True,
    )
    return rows, rids
