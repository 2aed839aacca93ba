"""Driver exceptions translated into the port's domain errors, with readable messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import neo4j.exceptions as nx

from mpi.domain.errors import ConflictError, StoreError

RETRY_HINT = "a concurrent transaction changed the same data; retry the operation"
ENTITY_NOT_FOUND = "Neo.ClientError.Statement.EntityNotFound"


@contextmanager
def translated(where: str, passthrough: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Run driver calls, turning their exceptions into ConflictError / StoreError.

    Args:
        where: what was being done, for the message ("opening …", "commit" …).
        passthrough: driver exceptions to let through untouched (a managed
            transaction must see its TransientErrors to replay the work).
    """
    try:
        yield
    except passthrough:
        raise
    except nx.ConstraintError as exc:
        raise ConflictError(f"{where}: {_message(exc)}") from exc
    except nx.TransientError as exc:
        # ArcadeDB reports an optimistic-concurrency clash at commit this way; Neo4j a
        # deadlock. Both mean "another writer touched the same nodes first".
        raise ConflictError(f"{where}: {RETRY_HINT} ({_message(exc)})") from exc
    except nx.AuthError as exc:
        raise StoreError(f"{where}: the Neo4j server refused the credentials") from exc
    except nx.ServiceUnavailable as exc:
        raise StoreError(f"{where}: cannot reach the Neo4j server ({exc})") from exc
    except nx.Neo4jError as exc:
        if exc.code == ENTITY_NOT_FOUND:
            # ArcadeDB, reading a page another transaction committed meanwhile, can meet an
            # edge to a node its own snapshot lacks; Neo4j, a node deleted concurrently.
            raise ConflictError(f"{where}: {RETRY_HINT} ({_message(exc)})") from exc
        raise StoreError(f"{where}: the Neo4j server failed: {_message(exc)}") from exc
    except nx.DriverError as exc:
        raise StoreError(f"{where}: Neo4j driver error: {exc}") from exc


def _message(exc: nx.Neo4jError) -> str:
    return exc.message or str(exc)


def lost_race(exc: ConflictError) -> bool:
    """True if the conflict came from a concurrent writer, so replaying the work may succeed.

    A TransientError (deadlock, optimistic-concurrency clash at commit), a unique key
    created by two transactions at once (Neo4j makes the second wait, ArcadeDB fails
    it at commit) and a node that vanished under a running query.
    """
    cause = exc.__cause__
    if isinstance(cause, nx.ConstraintError | nx.TransientError):
        return True
    return isinstance(cause, nx.Neo4jError) and cause.code == ENTITY_NOT_FOUND
