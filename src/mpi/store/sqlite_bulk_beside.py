"""A bulk load's block keys made beside its records: in another process, into a staging file.

The block-key rows of a bulk load (key hashes, the store's own search rows, the one sort,
their inserts: a fifth of a million-record load) depend on the records only through
their rids, which follow the order of the load and are known before any record is written.
So a child process makes them while the loading process does other work: a batch link
starts it right after preparing its records, before it links them, and the child makes
the block keys themselves, then writes the rows, sorted, into `<side file>-keys`; at the
end of the load the parent copies the table in one `INSERT … SELECT` (SQLite's transfer of
b-tree cells, no row decoded), and the file goes when the side file's connection closes.

The child runs at a lower priority (`NICENESS`): during the linking it takes the time the
linking leaves a core idle, not time from it. It is a fork, so that it can call the
caller's function on the caller's data (the key table of a batch is made from its
features); once it has the rows' inputs it writes them, as marshal objects, into an
unlinked temporary file and replaces itself with a fresh interpreter reading that file. A
forked child kept alive would hold the loader's heap, and every page the loader then
writes would be copied (measured at 1M: +1 GB). Before its own rows the fresh child joins
each record's key texts for the loader's records.block_keys column
(mpi.store.sqlite_bulk_texts), which the loader takes chunk by chunk.

All or nothing: the child only writes the staging file; a failed or killed child fails
the load (with the child's own error when it can tell it, e.g. a block key that may not
be stored); the staging file goes with the side file on failure, a stale one (the
loading process was killed) is replaced by the next load, and the child dies with its
parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import marshal
import os
import pickle
import signal
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Callable
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from mpi.domain.errors import MpiError, Problem, StoreError, ValidationError
from mpi.domain.key_texts import KeyTexts, encoded
from mpi.domain.stored_records import BlockKeyRuns
from mpi.store import sqlite_bulk_texts
from mpi.store import sqlite_codec as codec
from mpi.store.sqlite_bulk_columns import search_rows_of
from mpi.store.sqlite_bulk_keys import HeldKeys
from mpi.store.sqlite_bulk_texts import RECORD_SEPARATOR, JoinedTexts, KeyBlob, send_joined
from mpi.store.sqlite_schema import BLOCK_KEYS_DDL

STAGING_SUFFIX = "-keys"
# The child's nice increment: the loading process (and its linking) keeps the cores it
# uses; the child gets what they leave, and a whole core once they wait on it.
NICENESS = 10
_SEPARATOR = codec.KEY_SEPARATOR
_SLICE = 1 << 18  # key texts hashed at once
_PR_SET_PDEATHSIG = 1
_PRAGMAS = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA cache_size = -16384",
    "PRAGMA mmap_size = 0",
)
# The search rows' inputs: the records' CURPs, first surnames and stored birth dates.
Search = tuple[list[Any], list[Any], list[str | None]]
# What the child stages: each record's run of block keys, and its search rows' inputs.
Staged = tuple[BlockKeyRuns, Search]


def staging_path(side: Path) -> Path:
    """The staging file of the side file `side`."""
    return side.with_name(side.name + STAGING_SUFFIX)


class KeysBeside:
    """A child process writing a bulk load's block-key rows into a staging file."""

    def __init__(self, side: Path, make: Callable[[], Staged], first_rid: int) -> None:
        """Start the child on what `make()` returns, called in the child (run i of its
        block keys and search row i: rid first_rid + i)."""
        self.path = staging_path(side)
        self.path.unlink(missing_ok=True)
        # The joined texts come back through an unlinked file, announced on a pipe; a
        # failure before the child's fresh start comes back on another pipe.
        joined, name = tempfile.mkstemp(dir=side.parent)
        os.unlink(name)
        announced, announce = os.pipe()
        self._failed, failure = os.pipe()
        self.texts = JoinedTexts(joined, announced)
        parent = os.getpid()
        try:
            self._pid: int | None = os.fork()
        except BaseException:
            for fd in (announce, failure, self._failed):
                os.close(fd)
            self.texts.close()
            raise
        if self._pid == 0:  # pragma: no cover - the child's coverage is not collected
            _forked(self.path, make, first_rid, (joined, announce), failure, parent)
        os.close(announce)
        os.close(failure)

    @property
    def pid(self) -> int | None:
        """The child's process id while it is not waited for."""
        return self._pid

    def take_texts(self, at: int, count: int) -> list[str]:
        """The records.block_keys texts of staged runs at..at+count-1, in increasing
        order, waiting for the child to join them.

        Raises:
            StoreError (or the child's own error): the child ended without them.
        """
        texts = self.texts.take(at, count)
        if texts is None:
            raise self._wait() or StoreError("the staging child ended before joining its texts")
        return texts

    def finish(self, conn: sqlite3.Connection) -> None:
        """Wait for the child and copy its rows into `conn`'s (empty) block_keys table.
        The staging file stays attached to `conn`: a database read in the open transaction
        cannot be detached before it commits (the side file's owner removes the file).

        Raises:
            StoreError (or the child's own error): the child failed or was killed.
        """
        if self._pid is None:
            raise StoreError("the block keys of the bulk load were not staged")
        error = self._wait()
        if error is not None:
            raise error
        conn.execute("ATTACH DATABASE ? AS staging", (str(self.path),))
        conn.execute("INSERT INTO main.block_keys SELECT * FROM staging.block_keys")

    def stop(self) -> None:
        """End the child if it still runs, and remove the staging file (the load failed)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
        self._close()
        self.path.unlink(missing_ok=True)

    def _wait(self) -> MpiError | None:
        """Wait for the child (once); why it failed, or None if it did not."""
        if self._pid is None:
            return StoreError("the staging child was already waited for")
        status = os.waitstatus_to_exitcode(os.waitpid(self._pid, 0)[1])
        self._pid = None
        with os.fdopen(os.dup(self._failed), "rb") as pipe:
            told = pipe.read()
        self._close()
        if status == 0:
            return None
        if told:
            kind, detail = pickle.loads(told)
            if kind == "invalid":
                return ValidationError([Problem(*problem) for problem in detail])
            return StoreError(f"staging the block keys failed; load undone:\n{detail}")
        return StoreError(f"staging the block keys failed (status {status}); load undone")

    def _close(self) -> None:
        self.texts.close()
        with contextlib.suppress(OSError):
            os.close(self._failed)


def _forked(
    path: Path,
    make: Callable[[], Staged],
    first_rid: int,
    texts_out: tuple[int, int],
    failure: int,
    parent: int,
) -> None:  # pragma: no cover - runs in the forked child, which never returns
    """Make the rows' inputs, write them to a file and become a fresh interpreter that
    stages them (`_main`); on failure tell why on `failure` and exit."""
    try:
        _die_with(parent)
        os.nice(NICENESS)
        keys, search = make()
        _check_keys(keys)
        with tempfile.TemporaryFile(dir=path.parent) as handle:
            _write_payload(handle, keys, first_rid, search)
            handle.flush()
            os.lseek(handle.fileno(), 0, os.SEEK_SET)
            os.dup2(handle.fileno(), 0)
        for fd in texts_out:
            os.set_inheritable(fd, True)
        command = [sys.executable, "-m", __name__, str(path), str(parent)]
        command += [*map(str, texts_out), str(sqlite_bulk_texts.JOINED_RUNS)]
        os.execv(sys.executable, command)
    except ValidationError as error:
        told = ("invalid", [(p.field, p.rule, p.message) for p in error.problems])
        _tell(failure, told)
    except BaseException:
        _tell(failure, ("error", traceback.format_exc()))
    os._exit(1)


def _tell(failure: int, told: tuple[str, Any]) -> None:  # pragma: no cover - in the child
    with contextlib.suppress(OSError):
        os.write(failure, pickle.dumps(told))


def _check_keys(keys: BlockKeyRuns) -> None:
    """ValidationError for a key the store may not hold, or one holding the separator
    of the joined texts (a control character: no validated record makes one)."""
    texts = keys.keys
    held = texts if isinstance(texts, KeyTexts) else KeyTexts()
    if not isinstance(texts, KeyTexts):
        held.add(list(texts))
    bad = held.first_bad(_SEPARATOR, RECORD_SEPARATOR)
    if bad is not None:
        raise ValidationError.single(
            "block_keys", "block-key", f"{bad!r} is empty or holds a control character"
        )


def _write_payload(
    handle: BinaryIO, keys: BlockKeyRuns, first_rid: int, search: Search
) -> None:  # pragma: no cover - in the child
    # Object after object: the key texts first (as UTF-8 pieces, then None): the child
    # joins the records' texts before anything else.
    head = (
        first_rid,
        np.asarray(keys.starts, dtype=np.int64).tobytes(),
        np.asarray(keys.key_ids, dtype=np.int32).tobytes(),
        len(keys.keys),
    )
    for item in chain(head, encoded(keys.keys, _SEPARATOR), (None,)):
        marshal.dump(item, handle)
    marshal.dump(search, handle)


def stage(
    conn: sqlite3.Connection, payload: BinaryIO, texts: tuple[int, int, int] | None = None
) -> None:
    """Write the block-key and search rows that KeysBeside wrote to `payload` into
    `conn`'s block_keys table, in one sorted pass; first, if `texts` (a file, a pipe,
    runs per slice) is given, each record's joined key texts into the file
    (sqlite_bulk_texts)."""
    first = marshal.load(payload)
    starts = np.frombuffer(marshal.load(payload), dtype=np.int64)
    key_ids = np.frombuffer(marshal.load(payload), dtype=np.int32)
    count = marshal.load(payload)
    parts = list(iter(partial(marshal.load, payload), None))
    blob = KeyBlob(parts, count)
    del parts
    if texts is not None:
        send_joined(blob, starts, key_ids, *texts)
    hashes = blob.hashes(_SLICE)
    del blob
    # The last object: read at once (marshal.load on a file makes a read call per object,
    # ~0.5 s for three million strings).
    curps, surnames, births = marshal.loads(payload.read())
    rids = np.arange(first, first + len(starts) - 1, dtype=np.int64)
    (curp_hashes, curp_rids), own = search_rows_of(curps, surnames, rids, births)
    del curps, surnames, births
    held = HeldKeys()
    runs = BlockKeyRuns((), starts, key_ids)  # type: ignore[arg-type]
    held.add(conn, runs, rids, hashes)
    held.add_curps(curp_hashes, curp_rids)
    held.add_own(*own)
    held.write(conn)


def _main(argv: list[str]) -> int:  # pragma: no cover - run as the child
    _die_with(int(argv[1]))
    conn = sqlite3.connect(argv[0], isolation_level=None)
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    conn.execute(BLOCK_KEYS_DDL)
    conn.execute("BEGIN")
    stage(conn, sys.stdin.buffer, (int(argv[2]), int(argv[3]), int(argv[4])))
    conn.execute("COMMIT")
    conn.close()
    return 0


def _die_with(parent: int) -> None:  # pragma: no cover
    """SIGKILL this child when the loading process dies (Linux); elsewhere it ends alone."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        raise SystemExit(1)


if __name__ == "__main__":  # pragma: no cover
    import gc

    gc.disable()  # few cycles; a million objects the collector would only walk
    sys.exit(_main(sys.argv[1:]))
