"""Persons and HAS_RECORD links: create, link, unlink, move, merge and undo a merge."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from operator import attrgetter

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.ids import new_id
from mpi.domain.merges import MERGE_ID_PREFIX, MergeEvent
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.store import sqlite_codec as codec
from mpi.store.sqlite_checks import WriteChecks
from mpi.store.sqlite_steward_reads import StewardReads
from mpi.store.sqlite_tx import execute_rows, json_keys

_SET_LINK = (
    "UPDATE records SET person_id = ?, linked_at = ?, linked_by = ?, link_rule = ?, "
    "link_probability = ? WHERE key = ?"
)
# Links a free record to an active person, many links per statement (sqlite_tx.execute_rows
# fills in the VALUES).
_LINK_MANY_IF_FREE = (
    "UPDATE records SET person_id = v.column1, linked_at = v.column2, linked_by = v.column3, "
    "link_rule = v.column4, link_probability = v.column5 FROM (VALUES {values}) AS v "
    "WHERE records.key = v.column6 AND records.person_id IS NULL "
    "AND EXISTS (SELECT 1 FROM persons WHERE id = v.column1 AND status = 'active')"
)
_RECORD_KEY = attrgetter("record_key")
_LINKED_AT = attrgetter("linked_at")
_CLEAR_LINK = (
    "UPDATE records SET person_id = NULL, linked_at = NULL, linked_by = NULL, "
    "link_rule = NULL, link_probability = NULL WHERE key = ?"
)


class LinkWrites(WriteChecks, StewardReads):
    def create_person(self, person_id: str, at: datetime) -> Person:
        person = Person(person_id, PersonStatus.ACTIVE, at)
        self.create_persons([person])
        return Person(person_id, PersonStatus.ACTIVE, codec.parse_ts(codec.ts(at)))

    def create_persons(self, persons: Sequence[Person]) -> None:
        for p in persons:
            if p.status != PersonStatus.ACTIVE or p.merged_into is not None:
                raise ConflictError(f"new person {p.id!r} must be active, not {p.status}")
        # Bulk creations share a few instants: format each once.
        stamps = {t: codec.ts(t, "created_at") for t in {p.created_at for p in persons}}
        rows = sorted((p.id, "active", stamps[p.created_at]) for p in persons)
        try:
            self._conn.executemany(
                "INSERT INTO persons (id, status, created_at) VALUES (?, ?, ?)", rows
            )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"a person with one of these ids exists already: {exc}") from exc

    def link(self, link: Link) -> None:
        self.link_many([link])

    def link_many(self, links: Sequence[Link]) -> None:
        # Fast path, checked row by row inside SQLite: the record is free and the person
        # active. If any row did not apply, find out which rule it broke.
        ordered = sorted(links, key=_RECORD_KEY)
        # A batch's links share a few instants: each formatted once.
        stamps = {t: codec.ts(t, "linked_at") for t in set(map(_LINKED_AT, ordered))}
        rows = [
            (k.person_id, stamps[k.linked_at], k.by, k.rule, k.probability, k.record_key)
            for k in ordered
        ]
        if execute_rows(self._conn, _LINK_MANY_IF_FREE, 6, rows, len(rows), per=50) != len(rows):
            self._require_active_persons({link.person_id for link in links})
            self._explain_link_failures(links)

    def unlink(self, record_key: str) -> Link | None:
        old = self._current_link(record_key)
        self._conn.execute(_CLEAR_LINK, (record_key,))
        return old

    def move(self, link: Link) -> Link | None:
        self._require_active_persons([link.person_id])
        old = self._current_link(link.record_key)
        self._conn.execute(_SET_LINK, (*_link_values(link), link.record_key))
        return old

    def merge_persons(
        self, survivor_id: str, absorbed_id: str, by: str, reason: str, at: datetime
    ) -> MergeEvent:
        if survivor_id == absorbed_id:
            raise ConflictError(f"cannot merge person {survivor_id!r} into itself")
        self._require_active_persons([survivor_id, absorbed_id])
        at_text, merge_id = codec.ts(at), new_id(MERGE_ID_PREFIX)
        self._conn.execute(
            "INSERT INTO merges (id, survivor_id, absorbed_id, by, at, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (merge_id, survivor_id, absorbed_id, by, at_text, reason),
        )
        self._conn.execute(
            "INSERT INTO merge_links SELECT ?, key, person_id, linked_at, linked_by, link_rule, "
            "link_probability FROM records WHERE person_id = ?",
            (merge_id, absorbed_id),
        )
        self._conn.execute(
            "UPDATE records SET person_id = ?, linked_at = ?, linked_by = ?, link_rule = 'merge' "
            "WHERE person_id = ?",
            (survivor_id, at_text, by, absorbed_id),
        )
        self._set_status(absorbed_id, PersonStatus.MERGED, survivor_id)
        event = self.merge_event(merge_id)
        assert event is not None
        return event

    def undo_merge(self, merge_id: str, by: str, at: datetime) -> MergeEvent:
        at_text = codec.ts(at)
        event = self.merge_event(merge_id)
        if event is None:
            raise NotFoundError("merge", merge_id)
        self._check_undoable(event)
        self._conn.executemany(
            _SET_LINK,
            [(*_link_values(link), link.record_key) for link in event.moved_links],
        )
        self._set_status(event.absorbed_id, PersonStatus.ACTIVE, None)
        self._conn.execute(
            "UPDATE merges SET undone_at = ?, undone_by = ? WHERE id = ?", (at_text, by, merge_id)
        )
        undone = self.merge_event(merge_id)
        assert undone is not None
        return undone

    def _check_undoable(self, event: MergeEvent) -> None:
        if event.undone_at is not None:
            raise ConflictError(f"merge {event.id!r} was undone already")
        self._require_active_persons([event.survivor_id])
        held = self._count(
            "SELECT count(*) FROM records WHERE person_id = ? "
            "AND key IN (SELECT value FROM json_each(?))",
            (event.survivor_id, json_keys(event.record_keys)),
        )
        if held != len(event.moved_links):
            raise ConflictError(
                f"merge {event.id!r} cannot be undone: some of its records were moved since"
            )

    def _set_status(self, person_id: str, status: PersonStatus, merged_into: str | None) -> None:
        self._conn.execute(
            "UPDATE persons SET status = ?, merged_into = ? WHERE id = ?",
            (status.value, merged_into, person_id),
        )

    def _current_link(self, record_key: str) -> Link | None:
        row = self._row(f"SELECT {codec.RECORD_COLUMNS} FROM records WHERE key = ?", (record_key,))
        if row is None:
            raise NotFoundError("record", record_key)
        return codec.link_of(row)

    def _explain_link_failures(self, links: Sequence[Link]) -> None:
        for link in links:
            current = self._current_link(link.record_key)
            if current is not None and current.person_id != link.person_id:
                raise ConflictError(
                    f"record {link.record_key!r} is linked to person {current.person_id!r}; "
                    "move it instead of linking it"
                )


def _link_values(link: Link) -> tuple[object, ...]:
    return (
        link.person_id,
        codec.ts(link.linked_at, "linked_at"),
        link.by,
        link.rule,
        link.probability,
    )
