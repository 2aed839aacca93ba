"""Lock-then-check helpers shared by the write mixins, raising the port's domain errors.

Each helper writes a `lock_seq` counter on the nodes it reads (see cypher.py), so the
state it checks cannot change under it before commit: Neo4j holds the node locks,
ArcadeDB fails the later of two clashing commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.store import cypher
from mpi.store import neo4j_codec as codec
from mpi.store.neo4j_tx import Neo4jTx


class WriteChecks(Neo4jTx):
    def _lock_persons(self, person_ids: Iterable[str]) -> dict[str, Person]:
        rows = self._column(cypher.LOCK_PERSONS, "p", ids=sorted(set(person_ids)))
        return {props["id"]: codec.person(props) for props in rows}

    def _require_active_persons(self, person_ids: Iterable[str]) -> dict[str, Person]:
        wanted = sorted(set(person_ids))
        found = self._lock_persons(wanted)
        for person_id in wanted:
            person = found.get(person_id)
            if person is None:
                raise NotFoundError("person", person_id)
            if person.status != PersonStatus.ACTIVE:
                raise ConflictError(f"person {person_id!r} is {person.status}, not active")
        return found

    def _lock_links(self, record_keys: Iterable[str]) -> dict[str, Link | None]:
        """The current link of each record (None if unlinked); NotFoundError for a missing one."""
        wanted = sorted(set(record_keys))
        current: dict[str, Link | None] = {}
        for row in self._rows(cypher.LOCK_RECORD_LINKS, keys=wanted):
            current[row["key"]] = _link(row)
        for key in wanted:
            if key not in current:
                raise NotFoundError("record", key)
        return current

    def _require_records(self, keys: Iterable[str]) -> None:
        wanted = sorted(set(keys))
        found = {props["key"] for props in self._column(cypher.RECORDS_BY_KEY, "r", keys=wanted)}
        if missing := [key for key in wanted if key not in found]:
            raise NotFoundError("record", missing[0])

    def _refuse_existing(self, query: str, ids: list[str], kind: str) -> None:
        """ConflictError if any id is taken, or repeated within `ids` itself."""
        repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
        taken = sorted(set(self._column(query, "id", ids=sorted(set(ids))))) or repeated
        if taken:
            raise ConflictError(f"{kind} {taken[0]!r} exists already")


def _link(row: Any) -> Link | None:
    if row["person_id"] is None:
        return None
    return codec.link(row["key"], row["person_id"], row["h"])
