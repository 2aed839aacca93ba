"""Persons and HAS_RECORD links: create, link, unlink, move, merge and undo a merge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mpi.domain.errors import ConflictError, NotFoundError
from mpi.domain.ids import new_id
from mpi.domain.merges import MERGE_ID_PREFIX, MergeEvent
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.store import cypher
from mpi.store import neo4j_codec as codec
from mpi.store.neo4j_checks import WriteChecks
from mpi.store.neo4j_reads import RecordReads
from mpi.store.neo4j_steward_reads import StewardReads


class LinkWrites(WriteChecks, RecordReads, StewardReads):
    def create_person(self, person_id: str, at: datetime) -> Person:
        self.create_persons([Person(person_id, PersonStatus.ACTIVE, at)])
        return Person(person_id, PersonStatus.ACTIVE, codec.parse_ts(codec.ts(at)))

    def create_persons(self, persons: Sequence[Person]) -> None:
        rows = [codec.person_props(p) for p in persons]
        for p in persons:
            if p.status != PersonStatus.ACTIVE or p.merged_into is not None:
                raise ConflictError(f"new person {p.id!r} must be active, not {p.status}")
        self._refuse_existing(cypher.PERSON_IDS, [p.id for p in persons], "person")
        if rows:
            self._run(cypher.CREATE_PERSONS, rows=rows)

    def link(self, link: Link) -> None:
        self.link_many([link])

    def link_many(self, links: Sequence[Link]) -> None:
        self._require_active_persons({link.person_id for link in links})
        rows = [_link_row(link) for link in links]
        current = self._lock_links(link.record_key for link in links)
        new_rows = []
        for link, row in zip(links, rows, strict=True):
            held = current[link.record_key]
            if held is None:
                current[link.record_key] = link
                new_rows.append(row)
            elif held.person_id != link.person_id:
                raise ConflictError(
                    f"record {link.record_key!r} is linked to person {held.person_id!r}; "
                    "move it instead of linking it"
                )
        if new_rows:
            self._run(cypher.CREATE_LINKS, rows=new_rows)

    def unlink(self, record_key: str) -> Link | None:
        old = self._lock_links([record_key])[record_key]
        if old is not None:
            self._run(cypher.DELETE_LINKS, keys=[record_key])
        return old

    def move(self, link: Link) -> Link | None:
        self._require_active_persons([link.person_id])
        row = _link_row(link)
        old = self._lock_links([link.record_key])[link.record_key]
        if old is not None:
            self._run(cypher.DELETE_LINKS, keys=[link.record_key])
        self._run(cypher.CREATE_LINKS, rows=[row])
        return old

    def merge_persons(
        self, survivor_id: str, absorbed_id: str, by: str, reason: str, at: datetime
    ) -> MergeEvent:
        if survivor_id == absorbed_id:
            raise ConflictError(f"cannot merge person {survivor_id!r} into itself")
        self._require_active_persons([survivor_id, absorbed_id])
        at_text, merge_id = codec.ts(at), new_id(MERGE_ID_PREFIX)
        absorbed = self.person(absorbed_id)
        moved = absorbed.links if absorbed is not None else ()
        moved_to = [Link(x.record_key, survivor_id, at, by, "merge", x.probability) for x in moved]
        self._relink(moved_to)
        self._run(cypher.MARK_MERGED, absorbed_id=absorbed_id, survivor_id=survivor_id)
        props = {
            "id": merge_id,
            "survivor_id": survivor_id,
            "absorbed_id": absorbed_id,
            "by": by,
            "at": at_text,
            "reason": reason,
            "moved_links": codec.links_json(moved),
        }
        self._run(cypher.CREATE_MERGE, props=props)
        return codec.merge_event(props)

    def undo_merge(self, merge_id: str, by: str, at: datetime) -> MergeEvent:
        at_text = codec.ts(at)
        rows = self._column(cypher.LOCK_MERGE, "m", id=merge_id)
        if not rows:
            raise NotFoundError("merge", merge_id)
        event = codec.merge_event(rows[0])
        if event.undone_at is not None:
            raise ConflictError(f"merge {merge_id!r} was undone already")
        self._require_active_persons([event.survivor_id])
        current = self._lock_links(event.record_keys) if event.moved_links else {}
        if any(x is None or x.person_id != event.survivor_id for x in current.values()):
            raise ConflictError(
                f"merge {merge_id!r} cannot be undone: some of its records were moved since"
            )
        self._relink(list(event.moved_links))
        self._run(cypher.MARK_ACTIVE, person_id=event.absorbed_id)
        self._run(cypher.MARK_MERGE_UNDONE, id=merge_id, at=at_text, by=by)
        undone = self.merge_event(merge_id)
        assert undone is not None
        return undone

    def _relink(self, links: list[Link]) -> None:
        """Replace the links of these records by `links`, in two batched statements."""
        if links:
            rows = [_link_row(link) for link in links]
            self._run(cypher.DELETE_LINKS, keys=[link.record_key for link in links])
            self._run(cypher.CREATE_LINKS, rows=rows)


def _link_row(link: Link) -> dict[str, Any]:
    return {
        "record_key": link.record_key,
        "person_id": link.person_id,
        "props": codec.link_props(link),
    }
