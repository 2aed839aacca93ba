"""Existence and state checks shared by the write mixins, raising the port's domain errors."""

from __future__ import annotations

from collections.abc import Iterable

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.persons import PersonStatus
from mpi.store.sqlite_tx import SqliteTx, json_keys


class WriteChecks(SqliteTx):
    def _require_records(self, keys: Iterable[str]) -> None:
        wanted = set(keys)
        found = {
            row[0]
            for row in self._rows(
                "SELECT key FROM records WHERE key IN (SELECT value FROM json_each(?))",
                (json_keys(wanted),),
            )
        }
        if missing := sorted(wanted - found):
            raise NotFoundError("record", missing[0])

    def _require_active_persons(self, person_ids: Iterable[str]) -> None:
        wanted = set(person_ids)
        statuses = dict(
            self._rows(
                "SELECT id, status FROM persons WHERE id IN (SELECT value FROM json_each(?))",
                (json_keys(wanted),),
            )
        )
        for person_id in sorted(wanted):
            status = statuses.get(person_id)
            if status is None:
                raise NotFoundError("person", person_id)
            if status != PersonStatus.ACTIVE:
                raise ConflictError(f"person {person_id!r} is {status}, not active")
