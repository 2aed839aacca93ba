"""Checks and block-key runs of a bulk load given Records (mpi.store.sqlite_bulk turns
them into columns: sqlite_bulk_columns makes the rows)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import attrgetter
from typing import cast

import numpy as np

from mpi.domain.errors import ConflictError
from mpi.domain.key_texts import KeyTexts
from mpi.domain.persons import Link
from mpi.domain.records import Record
from mpi.domain.stored_records import BlockKeyRuns, RecordWrite
from mpi.store import sqlite_codec as codec
from mpi.store.sqlite_record_writes import validate

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
    if isinstance(keys, KeyTexts):  # read as the blobs they are held in, not decoded
        if record is not None and (bad := keys.first_bad(codec.KEY_SEPARATOR)) is not None:
            validate(RecordWrite(record, (bad,)))
        return
    # One scan of all the keys at C speed instead of a test per key.
    if record is not None and (not all(keys) or codec.KEY_SEPARATOR in "".join(keys)):
        bad = next(k for k in keys if not k or codec.KEY_SEPARATOR in k)
        validate(RecordWrite(record, (bad,)))


def select_runs(keys: BlockKeyRuns, rows: Sequence[int]) -> BlockKeyRuns:
    """The runs of `keys` of `rows`, in that order (over the same key list)."""
    starts = np.asarray(keys.starts, dtype=np.int64)
    counts = np.diff(starts)[np.asarray(rows, dtype=np.intp)]
    firsts = starts[np.asarray(rows, dtype=np.intp)]
    picked = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=picked[1:])
    at = np.repeat(firsts - picked[:-1], counts) + np.arange(picked[-1])
    ids = np.asarray(keys.key_ids, dtype=np.int64)[at]
    return BlockKeyRuns(keys.keys, cast(Sequence[int], picked), cast(Sequence[int], ids))
