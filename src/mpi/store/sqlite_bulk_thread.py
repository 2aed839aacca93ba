"""A bulk load's inserts on a thread of their own, overlapping the making of the next rows.

The Python that makes a chunk's rows (gathering columns, joining key texts, hashing)
and SQLite's work inserting them take about as long each, and sqlite3 lets go of the
GIL while SQLite steps a statement. So the load hands each chunk's prepared statements
to this thread and goes on to the next chunk, on the machine's other core. The thread
runs them in the order given, on the load's one connection: anything else that uses
the connection first waits until the thread has run everything handed to it (`drain`),
which also raises the first error the thread met. After an error the thread runs
nothing more, so a failed load stops at once and is then rolled back as a whole.
"""

from __future__ import annotations

import queue
import sqlite3
import sys
import threading
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any

# Chunks handed over and not yet run: bounds the memory held in prepared rows.
_DEPTH = 2
# While the thread waits for the GIL between two statements, the thread making rows holds
# it for up to this long (CPython's default is 5 ms: the inserts would mostly wait).
_SWITCH_S = 0.0002
# The thread takes the GIL once per statement run (to bind it): statements of thousands of
# rows (at most this many parameters, SQLite's smallest default limit) keep those few.
MAX_PARAMETERS = 32_766

# SQL and its rows of parameters (None: run once without parameters, e.g. CREATE INDEX).
Statement = tuple[str, list[tuple[Any, ...]] | None]


def statements(
    sql: str, width: int, rows: Iterable[Sequence[Any]], count: int, per: int, values: str
) -> list[Statement]:
    """`sql` (its `{values}` a VALUES list of `per` rows of `values`, `width` parameters
    each) over `count` rows, as prepared parameter tuples: what the thread only binds."""
    rows = iter(rows)
    full = count // per * per
    flat = chain.from_iterable(islice(rows, full))
    many = list(zip(*[flat] * (width * per), strict=True))
    rest = list(map(tuple, rows))
    prepared = [(sql.format(values=", ".join([values] * per)), many)] if many else []
    return prepared + ([(sql.format(values=values), rest)] if rest else [])


class Inserts:
    """Runs prepared statements on `conn` on a thread of its own, in order."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._queue: queue.Queue[list[Statement] | None] = queue.Queue(_DEPTH)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._switch = sys.getswitchinterval()

    def submit(self, work: list[Statement]) -> None:
        """Run `work` after everything submitted before; raises an earlier error."""
        self._raise()
        if self._thread is None:
            sys.setswitchinterval(_SWITCH_S)
            self._thread = threading.Thread(target=self._run, name="mpi-bulk-inserts")
            self._thread.start()
        self._queue.put(work)

    def drain(self) -> None:
        """Wait until everything submitted has run; raises the first error met."""
        if self._thread is not None:
            self._queue.join()
        self._raise()

    def stop(self) -> None:
        """Drop what has not run yet and end the thread (the load is over, or failed)."""
        if self._thread is None:
            return
        if self._error is None:
            self._error = _Stopped()
        self._queue.put(None)
        self._thread.join()
        self._thread = None
        sys.setswitchinterval(self._switch)

    def _run(self) -> None:
        while True:
            work = self._queue.get()
            try:
                if work is None:
                    return
                if self._error is None:
                    run(self._conn, work)
            except BaseException as exc:  # handed to the loading thread by _raise
                self._error = exc
            finally:
                self._queue.task_done()

    def _raise(self) -> None:
        if self._error is not None and not isinstance(self._error, _Stopped):
            raise self._error


def run(conn: sqlite3.Connection, work: list[Statement]) -> None:
    """Run the statements of `work` on `conn`, in order."""
    for sql, rows in work:
        if rows is None:
            conn.execute(sql)
        else:
            conn.executemany(sql, rows)


class _Stopped(Exception):
    """Marks inserts stopped on purpose (not an error to report)."""
