from __future__ import annotations

import os
import tempfile
import threading
import time

import numpy as np
import pytest

from mpi.domain.errors import StoreError
from mpi.domain.stored_records import BlockKeyRuns
from mpi.store import sqlite_bulk_texts as texts_module
from mpi.store.sqlite_bulk_columns import joined_keys
from mpi.store.sqlite_bulk_texts import JoinedTexts, KeyBlob, send_joined
from mpi.store.sqlite_key_hash import key_hashes

KEYS = ["a:1", "b:ÑAÑEZ", "c:", "curp:GALJ800101HDFRPN09", "d:λ"]
RUNS = [[0, 1], [], [3], [2, 4, 0], [], [1]]
# Keys of about one, two and three words of the join's copies, and a byte either side.
LONG = [f"k:{'Ñ' if n % 2 else 'A'}{'B' * n}" for n in (27, 28, 29, 30, 60, 61, 62, 95)]
LONG_RUNS = [[7, 0], [1, 2, 3], [], [4, 5, 6, 7], [3], [0, 1, 2, 3, 4, 5, 6, 7]]


def _runs(keys: list[str], runs: list[list[int]]) -> BlockKeyRuns:
    starts = np.zeros(len(runs) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in runs], out=starts[1:])
    ids = np.asarray([k for r in runs for k in r], dtype=np.int32)
    return BlockKeyRuns(keys, starts, ids)  # type: ignore[arg-type]


def _blob(keys: list[str]) -> KeyBlob:
    return KeyBlob(["\x1f".join(keys).encode()], len(keys))


@pytest.mark.parametrize("gather", [1, 2, 8192])
@pytest.mark.parametrize(
    ("keys", "runs"),
    [
        (KEYS, RUNS),
        (KEYS, [[]]),
        ([], [[], []]),
        (["x:1"], [[0], [0]]),
        (KEYS, [[4], [0]]),
        (LONG, LONG_RUNS),
    ],
)
def test_joined_blob_texts_are_the_loaders_joins(
    keys: list[str], runs: list[list[int]], gather: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(texts_module, "_GATHER", gather)
    given = _runs(keys, runs)
    joined = _blob(keys).joined(np.asarray(given.starts), np.asarray(given.key_ids))
    assert joined.decode().split("\x1e") == ["", *joined_keys(given)]


def test_blob_hashes_are_the_key_hashes() -> None:
    assert _blob(KEYS).hashes(2).tolist() == key_hashes(KEYS)
    assert _blob(LONG).hashes(3).tolist() == key_hashes(LONG)
    assert _blob([]).hashes(2).tolist() == []


def test_a_blob_with_another_number_of_keys_is_refused() -> None:
    with pytest.raises(ValueError, match="3 key texts expected, 2 found"):
        KeyBlob([b"a:1\x1fb:2"], 3)


def _sent(keys: list[str], runs: list[list[int]], per: int) -> JoinedTexts:
    given = _runs(keys, runs)
    out, name = tempfile.mkstemp()
    os.unlink(name)
    read, write = os.pipe()
    send_joined(_blob(keys), np.asarray(given.starts), np.asarray(given.key_ids), out, write, per)
    os.close(write)
    return JoinedTexts(out, read)


@pytest.mark.parametrize(
    "ranges",
    [
        [(0, 2), (2, 2), (4, 2)],  # the announced slices
        [(0, 3), (3, 1), (4, 2)],  # across and within slices
        [(0, 1), (5, 1)],  # the runs between left to the loader
        [(1, 4)],
    ],
)
def test_any_ranges_of_runs_are_taken_in_increasing_order(ranges: list[tuple[int, int]]) -> None:
    every = joined_keys(_runs(KEYS, RUNS))
    texts = _sent(KEYS, RUNS, per=2)
    try:
        for at, count in ranges:
            assert texts.take(at, count) == every[at : at + count]
    finally:
        texts.close()


def test_runs_taken_already_cannot_be_taken_again() -> None:
    texts = _sent(KEYS, RUNS, per=2)
    try:
        texts.take(0, 4)
        with pytest.raises(StoreError, match="taken already"):
            texts.take(2, 2)
    finally:
        texts.close()


def test_runs_never_announced_are_none_once_the_child_has_ended() -> None:
    texts = _sent(KEYS, RUNS, per=4)
    try:
        assert texts.take(4, 3) is None  # six runs were sent, and the pipe is closed
    finally:
        texts.close()


def test_a_slice_that_does_not_split_into_its_runs_is_an_error() -> None:
    texts = _sent(["a:\x1e", "b:2"], [[0], [1]], per=2)
    try:
        with pytest.raises(StoreError, match="do not split into 2"):
            texts.take(0, 2)
    finally:
        texts.close()


def test_the_loader_waits_for_runs_the_child_has_not_announced_yet() -> None:
    given = _runs(KEYS, RUNS)
    out, name = tempfile.mkstemp()
    os.unlink(name)
    read, write = os.pipe()
    texts = JoinedTexts(out, read)

    def send() -> None:
        time.sleep(0.2)
        send_joined(_blob(KEYS), np.asarray(given.starts), np.asarray(given.key_ids), out, write, 3)
        os.close(write)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        assert texts.take(0, 6) == joined_keys(given)
    finally:
        sender.join()
        texts.close()
