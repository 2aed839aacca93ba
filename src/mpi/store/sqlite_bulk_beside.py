"""A bulk load's block keys made beside its records: in another process, into a staging file.

The block-key rows of a bulk load (key hashes, the store's own search rows, the one sort,
their inserts: a fifth of a million-record load) depend on the records only through
their rids, which follow the order of the load and are known before any record is written.
So child processes make them while the loading process does other work: a batch link
starts them right after preparing its records, before it links them; they make the block
keys themselves, then write the rows, sorted, into `<side file>-keys`; at the end of the
load the parent copies the table in one `INSERT … SELECT` (SQLite's transfer of b-tree
cells, no row decoded), and the file goes when the side file's connection closes.

Two children: a fork calls the caller's function on the caller's data (the key table of a
batch is made from its features), writes the rows' inputs as marshal objects into an
unlinked temporary file and ends; a fresh interpreter, started at once, waits for that
file, then stages the rows beside the loader's inserts. A fork kept alive would hold the
loader's heap, and every page the loader then writes would be copied (measured at 1M:
+1 GB). Before its own rows the interpreter joins each record's key texts for the loader's
records.block_keys column (mpi.store.sqlite_bulk_texts), which the loader takes chunk by
chunk, waiting if need be. (A fork at a lower priority, to take only the time the linking
leaves a core idle, measured the same on a quiet machine, nice 10, 5 or 0, and starved
beside other work: the children run at the loader's priority.)

All or nothing: the children only write the staging file; a failed or killed child fails
the load (with the fork's own error when it can tell it, e.g. a block key that may not be
stored); the staging file goes with the side file on failure, a stale one (the loading
process was killed) is replaced by the next load, and the children die with their parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import marshal
import os
import pickle
import signal
import sqlite3
import subprocess
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
    """Child processes writing a bulk load's block-key rows into a staging file: a fork
    that makes their inputs, and a fresh interpreter that stages them."""

    def __init__(self, side: Path, make: Callable[[], Staged], first_rid: int) -> None:
        """Start the children on what `make()` returns, called in the fork (run i of its
        block keys and search row i: rid first_rid + i)."""
        self.path = staging_path(side)
        self.path.unlink(missing_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self._maker: int | None = None
        # The joined texts come back through an unlinked file, announced on a pipe. The
        # fork writes the inputs into another unlinked file and says on a pipe when they
        # are whole; a failure of the fork comes back on a third pipe.
        joined, name = tempfile.mkstemp(dir=side.parent)
        os.unlink(name)
        announced, announce = os.pipe()
        self.texts = JoinedTexts(joined, announced)
        ready, say_ready = os.pipe()
        self._failed, failure = os.pipe()
        try:
            with tempfile.TemporaryFile(dir=side.parent) as payload:
                self.process = _start(self.path, payload, (joined, announce), ready)
                self._maker = os.fork()
                if self._maker == 0:  # pragma: no cover - the fork's coverage is not collected
                    for fd in (announce, ready, self._failed):
                        os.close(fd)
                    _make(make, first_rid, payload, say_ready, failure)
        except BaseException:
            self.stop()
            raise
        finally:
            for fd in (announce, ready, say_ready, failure):
                os.close(fd)

    @property
    def pid(self) -> int | None:
        """The staging interpreter's process id while it is not waited for."""
        return None if self.process is None else self.process.pid

    @property
    def maker_pid(self) -> int | None:
        """The fork's process id (it makes the staged rows' inputs) while not waited for."""
        return self._maker

    def take_texts(self, at: int, count: int) -> list[str]:
        """The records.block_keys texts of staged runs at..at+count-1, in increasing
        order, waiting for the child to join them.

        Raises:
            StoreError (or the fork's own error): the children ended without them.
        """
        texts = self.texts.take(at, count)
        if texts is None:
            raise self._wait() or StoreError("the staging child ended before joining its texts")
        return texts

    def finish(self, conn: sqlite3.Connection) -> None:
        """Wait for the children and copy the rows into `conn`'s (empty) block_keys table.
        The staging file stays attached to `conn`: a database read in the open transaction
        cannot be detached before it commits (the side file's owner removes the file).

        Raises:
            StoreError (or the fork's own error): a child failed or was killed.
        """
        if self.process is None:
            raise StoreError("the block keys of the bulk load were not staged")
        error = self._wait()
        if error is not None:
            raise error
        conn.execute("ATTACH DATABASE ? AS staging", (str(self.path),))
        conn.execute("INSERT INTO main.block_keys SELECT * FROM staging.block_keys")

    def stop(self) -> None:
        """End the children if they still run, and remove the staging file (the load
        failed)."""
        if self._maker is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._maker, signal.SIGKILL)
            self._reap_maker()
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        self._close()
        self.path.unlink(missing_ok=True)

    def _wait(self) -> MpiError | None:
        """Wait for both children (once); why they failed, or None if they did not."""
        if self.process is None:
            return StoreError("the staging child was already waited for")
        staged = self.process.wait()
        self.process = None
        if staged != 0 and self._maker is not None:
            # A stager that ended without its inputs was told nothing (the fork failed
            # and says why before it ends); any other failure leaves the fork useless.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._maker, signal.SIGKILL)
        made = self._reap_maker()
        with os.fdopen(os.dup(self._failed), "rb") as pipe:
            told = pipe.read()
        self._close()
        if told:
            kind, detail = pickle.loads(told)
            if kind == "invalid":
                return ValidationError([Problem(*problem) for problem in detail])
            return StoreError(f"staging the block keys failed; load undone:\n{detail}")
        if staged != 0 or made != 0:
            return StoreError(
                f"staging the block keys failed (status {staged or made}); load undone"
            )
        return None

    def _reap_maker(self) -> int:
        """Wait for the fork (once); its exit status, or 0 if it was waited for."""
        maker, self._maker = self._maker, None
        if maker is None:
            return 0
        return os.waitstatus_to_exitcode(os.waitpid(maker, 0)[1])

    def _close(self) -> None:
        self.texts.close()
        with contextlib.suppress(OSError):
            os.close(self._failed)


def _start(
    path: Path, payload: BinaryIO, texts_out: tuple[int, int], ready: int
) -> subprocess.Popen[bytes]:
    """The staging interpreter, waiting for its inputs in `payload`."""
    command = [sys.executable, "-m", __name__, str(path), str(os.getpid())]
    command += [*map(str, (*texts_out, ready)), str(sqlite_bulk_texts.JOINED_RUNS)]
    return subprocess.Popen(command, stdin=payload, close_fds=True, pass_fds=(*texts_out, ready))


def _make(
    make: Callable[[], Staged],
    first_rid: int,
    payload: BinaryIO,
    say_ready: int,
    failure: int,
) -> None:  # pragma: no cover - runs in the fork, which never returns
    """Make the staged rows' inputs, write them into `payload` and
    say so on `say_ready`; on failure tell why on `failure` (the stager then sees the
    pipe close with nothing said, and ends)."""
    code = 1
    try:
        _die_with(os.getppid())
        _leave_interrupts_to_the_loader()
        keys, search = make()
        _check_keys(keys)
        with os.fdopen(os.dup(payload.fileno()), "wb") as out:
            _write_payload(out, keys, first_rid, search)
        with contextlib.suppress(BrokenPipeError):  # the stager ended: the loader tells why
            os.write(say_ready, b"1")
            code = 0
    except ValidationError as error:
        _tell(failure, ("invalid", [(p.field, p.rule, p.message) for p in error.problems]))
    except BaseException:
        _tell(failure, ("error", traceback.format_exc()))
    finally:
        os._exit(code)


def _tell(failure: int, told: tuple[str, Any]) -> None:  # pragma: no cover - in the fork
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
    # Version 2 keeps no table of the objects written, so it leaves their reference
    # counts (and the pages this fork shares with the loader) as they are.
    marshal.dump(search, handle, 2)


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
    _leave_interrupts_to_the_loader()
    # The inputs are whole once the fork says so (nothing: it failed, and tells why).
    if os.read(int(argv[4]), 1) != b"1":
        return 3
    os.lseek(0, 0, os.SEEK_SET)
    conn = sqlite3.connect(argv[0], isolation_level=None)
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    conn.execute(BLOCK_KEYS_DDL)
    conn.execute("BEGIN")
    stage(conn, sys.stdin.buffer, (int(argv[2]), int(argv[3]), int(argv[5])))
    conn.execute("COMMIT")
    conn.close()
    return 0


def _leave_interrupts_to_the_loader() -> None:  # pragma: no cover - in the children
    """Ignore Ctrl-C, which the terminal sends the children too: the loader ends them
    when it stops the load (a child's own traceback would only be noise)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
