"""Each record's `records.block_keys` text, joined by the staging child and read by the loader.

Joining a million records' key texts (~8 keys each) is ~2.4 s of the loader's own work,
on the critical path of a bulk load, spent reading millions of scattered strings. The
staging child (mpi.store.sqlite_bulk_beside) holds the same key texts as one UTF-8 blob,
so it joins them with numpy instead: for each slice of records it gathers their keys'
bytes, a record separator before each record and the key separator between its keys,
writes the bytes into an unlinked file the loader also holds, and announces them on a
pipe. The loader takes each chunk's texts (one decode and one split, ~5 % of the join),
waiting for them if the child has not announced them yet: it holds no key texts of its own
(the child makes them, beside the linking).

No key may hold the record separator (the staging side refuses such keys before it
starts): every slice then splits into exactly its records' texts.
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mpi.domain.errors import StoreError
from mpi.store import sqlite_codec as codec
from mpi.store.sqlite_key_hash import byte_key_hashes

# Records per announced slice: the batch loader's chunk (mpi.services.batch_persist.CHUNK),
# so that each chunk it inserts is one slice.
JOINED_RUNS = 50_000
# Records gathered at once: bounds the child's index arrays (~8 bytes per text byte).
_GATHER = 8_192
RECORD_SEPARATOR = "\x1e"
_KEY = codec.KEY_SEPARATOR.encode()[0]
_MESSAGE = struct.Struct("<qqqq")  # first run, runs, offset in the file, length
# Bytes copied at once by the join: most keys and their separator fit one word.
_WORD = 32
# Row k: the first k bytes of a word are kept.
_FILLED = np.arange(_WORD) < np.arange(_WORD + 1)[:, None]

Ints = NDArray[np.int64]


class KeyBlob:
    """Distinct key texts in one UTF-8 buffer, each preceded by the key separator (the
    child's copy)."""

    def __init__(self, parts: Sequence[bytes], count: int) -> None:
        """The keys of `parts` (each holding keys joined by the key separator), `count`
        in all."""
        separator = codec.KEY_SEPARATOR.encode()
        # One join, no copy after it: a separator before the first key as before every
        # other (a key is gathered with the byte before it), and room after the last key
        # for a whole word read at it.
        self.raw = separator.join([b"", *(parts if count else ()), bytes(_WORD)])
        blob = np.frombuffer(self.raw, dtype=np.uint8)
        marks = np.flatnonzero(blob == _KEY)
        if len(marks) != count + 1:
            raise ValueError(f"{count} key texts expected, {len(marks) - 1} found in the blob")
        # Offsets fit 32 bits below 2 GiB: the gathers read half the bytes.
        index = np.int32 if len(self.raw) < 1 << 31 else np.int64
        self.begins = (marks[:-1] + 1).astype(index)
        self.lengths = np.diff(marks).astype(index) - 1
        # Every word of _WORD bytes, at every offset: a key and its separator are copied
        # a word at a time, not a byte at a time.
        self._words = np.ndarray(
            buffer=self.raw, dtype=f"V{_WORD}", shape=(len(self.raw) - _WORD + 1,), strides=(1,)
        )

    def hashes(self, slice_: int) -> Ints:
        """`key_hashes` of every key, `slice_` keys at a time."""
        out = np.empty(len(self.begins), dtype=np.int64)
        for first in range(0, len(self.begins), slice_):
            last = min(first + slice_, len(self.begins))
            stop = int(self.begins[last - 1] + self.lengths[last - 1])
            part = self.raw[int(self.begins[first]) : stop].split(codec.KEY_SEPARATOR.encode())
            out[first:last] = byte_key_hashes(part)
        return out

    def joined(self, starts: Ints, key_ids: NDArray[np.int32]) -> bytes:
        """The texts of runs starts[i]..starts[i+1] of key_ids, each preceded by the
        record separator, keys joined by the key separator."""
        pieces = []
        for first in range(0, len(starts) - 1, _GATHER):
            last = min(first + _GATHER, len(starts) - 1)
            pieces.append(self._gather(starts[first : last + 1], key_ids))
        return b"".join(pieces)

    def _gather(self, starts: Ints, key_ids: NDArray[np.int32]) -> bytes:
        if not len(self.begins):  # no keys at all (else an empty unit reads key -1)
            return (RECORD_SEPARATOR * (len(starts) - 1)).encode()
        counts = np.diff(starts)
        # One unit per key of each record, one empty unit for a record without keys;
        # each unit is a separator byte and the key's bytes, copied together from the
        # blob (an empty unit copies the first separator).
        per_record = np.maximum(counts, 1)
        unit_starts = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(per_record, out=unit_starts[1:])
        ids = np.full(int(unit_starts[-1]), -1, dtype=np.int64)
        held = key_ids[starts[0] : starts[-1]]
        at = np.repeat(unit_starts[:-1] - (starts[:-1] - starts[0]), counts)
        ids[at + np.arange(len(held))] = held
        present = ids >= 0
        froms = np.where(present, self.begins[ids], 1) - 1
        sizes = np.where(present, self.lengths[ids], 0) + 1
        # Each unit in whole words, one after the other, then the bytes past each unit's
        # end dropped (words written in place would overlap, and numpy does not promise
        # the order of such writes).
        words = (sizes + _WORD - 1) // _WORD
        firsts = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(words, out=firsts[1:])
        within = np.arange(int(firsts[-1]), dtype=np.int64) - np.repeat(firsts[:-1], words)
        within *= _WORD
        copied = self._words[np.repeat(froms, words) + within].view(np.uint8)
        kept = _FILLED[np.minimum(np.repeat(sizes, words) - within, _WORD)]
        out = copied.reshape(-1, _WORD)[kept]
        unit_firsts = np.zeros(len(ids), dtype=np.int64)
        np.cumsum(sizes[:-1], out=unit_firsts[1:])
        out[unit_firsts[unit_starts[:-1]]] = ord(RECORD_SEPARATOR)
        return bytes(out.tobytes())


def send_joined(
    keys: KeyBlob, starts: Ints, key_ids: NDArray[np.int32], out: int, progress: int, per: int
) -> None:
    """Write the joined texts of every run into the file `out`, `per` runs at a time,
    announcing each slice on the pipe `progress`."""
    offset = 0
    runs = len(starts) - 1
    for first in range(0, runs, per):
        last = min(first + per, runs)
        data = keys.joined(starts[first : last + 1], key_ids)
        os.pwrite(out, data, offset)
        os.write(progress, _MESSAGE.pack(first, last - first, offset, len(data)))
        offset += len(data)


class JoinedTexts:
    """The loader's side: the joined texts of any range of runs, in increasing order,
    waiting for the child to announce them."""

    def __init__(self, texts: int, progress: int) -> None:
        self._texts, self._progress = texts, progress
        os.set_blocking(progress, True)
        # Texts of runs announced and not taken yet, the first being run `_first`.
        self._held: list[str] = []
        self._first = 0

    def take(self, at: int, count: int) -> list[str] | None:
        """The texts of runs at..at+count-1, once the child has announced them; None if
        the child ended first (it failed or was killed: its status tells why).

        Raises:
            StoreError: the range starts before texts already taken, or a slice does
                not split into its runs.
        """
        if at < self._first:
            raise StoreError(f"the joined key texts of run {at} were taken already")
        while self._first + len(self._held) < at + count:
            if not self._receive():
                return None
        skip = at - self._first
        taken = self._held[skip : skip + count]
        del self._held[: skip + count]
        self._first = at + count
        return taken

    def _receive(self) -> bool:
        message = _read_exactly(self._progress, _MESSAGE.size)
        if message is None:
            return False
        first, runs, offset, length = _MESSAGE.unpack(message)
        if first != self._first + len(self._held):
            raise StoreError(f"joined key texts announced from run {first}, out of order")
        texts = os.pread(self._texts, length, offset).decode().split(RECORD_SEPARATOR)
        # Each run's text follows a record separator, and no key holds one (the staging
        # side refuses such keys): one more piece than runs, the first empty.
        if len(texts) != runs + 1 or texts[0]:
            raise StoreError(f"the joined key texts of runs {first}.. do not split into {runs}")
        self._held += texts[1:]
        return True

    def close(self) -> None:
        """Close the loader's ends of the file and the pipe."""
        for fd in (self._texts, self._progress):
            with contextlib.suppress(OSError):
                os.close(fd)


def _read_exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes from the pipe `fd`, or None at its end (the writer closed it)."""
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data
