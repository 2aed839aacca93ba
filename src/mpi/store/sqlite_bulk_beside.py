"""A bulk load's block keys made beside its records: in another process, into a staging file.

The block-key rows of a bulk load (key hashes, the store's own search rows, the one sort,
their inserts: a fifth of a million-record load) depend on the records only through
their rids, which follow the order of the load and are known before any record is written.
While the loading process inserts records (single-threaded SQLite work), a child process
makes those rows and writes them, sorted, into `<side file>-keys`; at the end of the load
the parent copies the table in one `INSERT … SELECT` (SQLite's transfer of b-tree cells,
no row decoded), and the file goes when the side file's connection closes.

The child is a fresh interpreter, not a fork: a forked child holding the loader's heap
would keep a copy of every page the loader writes while it runs (measured at 1M: +1 GB).
What it needs crosses as marshal objects in an unlinked temporary file: the distinct key
texts (as UTF-8 blobs), each record's key numbers and the values of its search rows (~0.3 s
to write). Before its own rows, the child joins each record's key texts for the loader's
records.block_keys column (mpi.store.sqlite_bulk_texts), the loader's longest own step.

All or nothing: the child only writes the staging file; a failed or killed child fails
the load; the staging file goes with the side file on failure, a stale one (the loading
process was killed) is replaced by the next load, and the child dies with its parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import marshal
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from mpi.domain.errors import StoreError
from mpi.domain.key_texts import encoded
from mpi.domain.stored_records import BlockKeyRuns
from mpi.store import sqlite_bulk_texts
from mpi.store import sqlite_codec as codec
from mpi.store.sqlite_bulk_columns import search_rows_of
from mpi.store.sqlite_bulk_keys import HeldKeys
from mpi.store.sqlite_bulk_texts import JoinedTexts, KeyBlob, send_joined
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


def staging_path(side: Path) -> Path:
    """The staging file of the side file `side`."""
    return side.with_name(side.name + STAGING_SUFFIX)


class KeysBeside:
    """A child process writing a bulk load's block-key rows into a staging file."""

    def __init__(
        self,
        side: Path,
        keys: BlockKeyRuns,
        first_rid: int,
        search: tuple[list[Any], list[Any], list[str | None]],
    ) -> None:
        """Start the child on the rows of `keys` (run i: rid first_rid + i) and the search
        rows of (CURPs, first surnames, stored birth dates), one per run."""
        self.path = staging_path(side)
        self.path.unlink(missing_ok=True)
        # The joined texts come back through an unlinked file, announced on a pipe.
        joined, name = tempfile.mkstemp(dir=side.parent)
        os.unlink(name)
        announced, announce = os.pipe()
        self.texts = JoinedTexts(joined, announced)
        try:
            self.process: subprocess.Popen[bytes] | None = _start(
                self.path, keys, first_rid, search, (joined, announce)
            )
        except BaseException:
            self.texts.close()
            raise
        finally:
            os.close(announce)

    @property
    def pid(self) -> int | None:
        """The child's process id while it is not waited for."""
        return None if self.process is None else self.process.pid

    def finish(self, conn: sqlite3.Connection) -> None:
        """Wait for the child and copy its rows into `conn`'s (empty) block_keys table.
        The staging file stays attached to `conn`: a database read in the open transaction
        cannot be detached before it commits (the side file's owner removes the file).

        Raises:
            StoreError: the child failed or was killed.
        """
        if self.process is None:
            raise StoreError("the block keys of the bulk load were not staged")
        status = self.process.wait()
        self.process = None
        self.texts.close()
        if status != 0:
            raise StoreError(f"staging the block keys failed (status {status}); load undone")
        conn.execute("ATTACH DATABASE ? AS staging", (str(self.path),))
        conn.execute("INSERT INTO main.block_keys SELECT * FROM staging.block_keys")

    def stop(self) -> None:
        """End the child if it still runs, and remove the staging file (the load failed)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        self.texts.close()
        self.path.unlink(missing_ok=True)


def _start(
    path: Path,
    keys: BlockKeyRuns,
    first_rid: int,
    search: tuple[list[Any], list[Any], list[str | None]],
    texts_out: tuple[int, int],
) -> subprocess.Popen[bytes]:
    with tempfile.TemporaryFile(dir=path.parent) as handle:
        # Object after object: neither process holds the whole payload at once. The key
        # texts first (as UTF-8 pieces, then None): the child joins the records' texts
        # before anything else.
        head = (
            first_rid,
            np.asarray(keys.starts, dtype=np.int64).tobytes(),
            np.asarray(keys.key_ids, dtype=np.int32).tobytes(),
            len(keys.keys),
        )
        for item in chain(head, encoded(keys.keys, _SEPARATOR), (None,)):
            marshal.dump(item, handle)
        marshal.dump(search, handle)
        handle.seek(0)
        command = [sys.executable, "-m", __name__, str(path), str(os.getpid())]
        command += [*map(str, texts_out), str(sqlite_bulk_texts.JOINED_RUNS)]
        return subprocess.Popen(command, stdin=handle, close_fds=True, pass_fds=texts_out)


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
