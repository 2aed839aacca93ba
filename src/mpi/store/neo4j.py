"""The Neo4j adapter of the store port: Cypher over Bolt through the official driver.

Transactions:
- `store.read()` / `store.write()` are the port's unit of work: one explicit driver
  transaction each (a READ session for reads, so a cluster can route them to a
  follower). `write()` commits when the block ends cleanly and rolls back if it
  raises. A commit that loses a race with another writer (ArcadeDB fails the later
  of two clashing commits where Neo4j would have made it wait) is replayed from the
  block's statement log if every statement still reads the same rows
  (neo4j_replay.py); otherwise it raises ConflictError and the caller may retry.
- `store.run_write(work)` / `store.run_read(work)` hand `work` a transaction object
  inside the driver's managed `execute_write` / `execute_read`, which replay `work`
  on transient failures (deadlocks, leader switches, ArcadeDB's optimistic
  concurrency clashes). Use them for work that is safe to repeat, such as a batch.

The driver is created here and closed by `close()`; nothing connects at import time.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar
from urllib.parse import urlsplit

import neo4j
import neo4j.exceptions as nx

from mpi.domain.errors import ConflictError, StoreError
from mpi.store.neo4j_errors import lost_race, translated
from mpi.store.neo4j_link_writes import LinkWrites
from mpi.store.neo4j_reads import RecordReads
from mpi.store.neo4j_record_writes import RecordWrites
from mpi.store.neo4j_replay import StatementLog
from mpi.store.neo4j_schema import apply_schema
from mpi.store.neo4j_steward_reads import StewardReads
from mpi.store.neo4j_steward_writes import StewardWrites

T = TypeVar("T")
_CONNECT_TIMEOUT_S = 10.0
_RACE_REPLAYS = 8
_REPLAY_PAUSE_S = 0.02


class Neo4jReadTx(RecordReads, StewardReads):
    """The port's ReadTx over one driver transaction."""


class Neo4jWriteTx(RecordWrites, LinkWrites, StewardWrites):
    """The port's WriteTx over one driver transaction."""


class Neo4jStore:
    """An opened Neo4j store (the port's Store); thread-safe like the driver it wraps."""

    def __init__(self, driver: neo4j.Driver, database: str) -> None:
        self._driver = driver
        self.database = database
        self.skipped_indexes: tuple[str, ...] = ()

    @property
    def driver(self) -> neo4j.Driver:
        """The store's driver, for side stores that share its connections; `close()` closes it."""
        return self._driver

    @contextmanager
    def read(self) -> Iterator[Neo4jReadTx]:
        with self._transaction(neo4j.READ_ACCESS) as tx:
            yield Neo4jReadTx(tx)
            # Nothing to commit: closing the transaction ends the snapshot.

    @contextmanager
    def write(self) -> Iterator[Neo4jWriteTx]:
        log = StatementLog()
        with self._transaction(neo4j.WRITE_ACCESS) as tx:
            yield Neo4jWriteTx(tx, log=log)
            try:
                with translated("commit"):
                    tx.commit()
                return
            except ConflictError as exc:
                if not lost_race(exc):
                    raise
                lost = exc
        self._commit_replayed(log, lost)

    def run_write(self, work: Callable[[Neo4jWriteTx], T]) -> T:
        """Run `work` in a managed write transaction, replayed on transient errors.

        The driver replays deadlocks and lost optimistic-concurrency races; the races
        it does not know (see `neo4j_errors.lost_race`) are replayed here, so the
        replay sees the other writer's work.

        Args:
            work: receives the write transaction; it may run more than once.
        """

        def attempt() -> T:
            with self._session(neo4j.WRITE_ACCESS) as session, translated("commit"):
                return session.execute_write(lambda tx: work(Neo4jWriteTx(tx, managed=True)))

        return _replaying(attempt)

    def run_read(self, work: Callable[[Neo4jReadTx], T]) -> T:
        """Run `work` in a managed read transaction, replayed by the driver on transient errors.

        Args:
            work: receives the read transaction; it may run more than once.
        """

        def attempt() -> T:
            with self._session(neo4j.READ_ACCESS) as session, translated("read"):
                return session.execute_read(lambda tx: work(Neo4jReadTx(tx, managed=True)))

        return _replaying(attempt)

    def close(self) -> None:
        self._driver.close()

    def _commit_replayed(self, log: StatementLog, lost: ConflictError) -> None:
        """Commit `log` again after a lost race if it replays identically (neo4j_replay.py)."""
        for tries in itertools.count(1):
            time.sleep(random.uniform(0, _REPLAY_PAUSE_S * tries))  # let the winner finish
            with self._transaction(neo4j.WRITE_ACCESS) as tx:
                with translated("replaying a transaction that lost a race"):
                    same = log.replays_identically(tx)
                if not same:
                    raise lost
                try:
                    with translated("commit"):
                        tx.commit()
                    return
                except ConflictError as exc:
                    if tries > _RACE_REPLAYS or not lost_race(exc):
                        raise

    @contextmanager
    def _transaction(self, mode: str) -> Iterator[neo4j.Transaction]:
        with self._session(mode) as session:
            with translated("begin"):
                tx = session.begin_transaction()
            try:
                yield tx
            finally:
                # Still open here means the block raised (or was a read): roll back.
                if not tx.closed():
                    _quiet_close(tx)

    @contextmanager
    def _session(self, mode: str) -> Iterator[neo4j.Session]:
        with translated("opening a session"):
            session = self._driver.session(database=self.database, default_access_mode=mode)
        try:
            yield session
        finally:
            _quiet_close(session)


def open_neo4j_store(uri: str, *, user: str, password: str, database: str) -> Neo4jStore:
    """Connect to a Neo4j (or Bolt-compatible) server and prepare the schema.

    Args:
        uri: `neo4j://`, `neo4j+s://`, `bolt://` … URL of the server.
        user: user name for basic authentication.
        password: its password.
        database: the database to use (it must exist).

    Raises:
        StoreError: the URL is malformed, the server cannot be reached, refuses the
            credentials, lacks the database, or holds an incompatible mpi schema.
    """
    _check_url(uri)
    try:
        driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=_CONNECT_TIMEOUT_S,
            notifications_min_severity="OFF",
        )
    except (ValueError, nx.ConfigurationError) as exc:
        raise StoreError(f"bad Neo4j store URL {uri!r}: {exc}") from exc
    try:
        store = Neo4jStore(driver, database)
        _check_reachable(driver, uri, database)
        store.skipped_indexes = apply_schema(driver, database)
    except BaseException:
        driver.close()
        raise
    return store


def _check_url(uri: str) -> None:
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as exc:
        raise StoreError(f"bad Neo4j store URL {uri!r}: {exc}") from exc
    if parts.path not in ("", "/"):
        raise StoreError(
            f"bad Neo4j store URL {uri!r}: it names no path; "
            "the database is set by MPI_NEO4J_DATABASE"
        )


def _check_reachable(driver: neo4j.Driver, uri: str, database: str) -> None:
    with translated(f"opening {uri}"):
        try:
            # First without retries, so a server that is down fails fast.
            driver.verify_connectivity()
            driver.execute_query(
                "RETURN 1 AS ok", database_=database, routing_=neo4j.RoutingControl.READ
            )
        except nx.ClientError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreError(f"Neo4j server {uri} has no database {database!r}") from exc
            raise
        except ValueError as exc:  # the driver's way of saying the host does not resolve
            raise StoreError(f"cannot reach the Neo4j server {uri}: {exc}") from exc


def _replaying(attempt: Callable[[], T]) -> T:
    for tries in itertools.count(1):
        try:
            return attempt()
        except ConflictError as exc:
            if tries > _RACE_REPLAYS or not lost_race(exc):
                raise
            time.sleep(random.uniform(0, _REPLAY_PAUSE_S * tries))  # let the winner finish
    raise AssertionError("unreachable")


def _quiet_close(closeable: neo4j.Transaction | neo4j.Session) -> None:
    # Closing after a failure must not hide that failure; the server drops the
    # transaction anyway when the connection goes.
    with suppress(nx.Neo4jError, nx.DriverError):
        closeable.close()


__all__ = ["Neo4jReadTx", "Neo4jStore", "Neo4jWriteTx", "open_neo4j_store"]
