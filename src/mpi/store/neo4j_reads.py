"""Reads of records, persons, candidates and searches over Bolt."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from mpi.domain.candidates import Candidate, CandidateSet
from mpi.domain.errors import ValidationError
from mpi.domain.not_same import NotSame
from mpi.domain.pages import Page
from mpi.domain.persons import Link, PersonWithRecords
from mpi.domain.stored_records import StoredRecord
from mpi.store import cypher
from mpi.store import neo4j_codec as codec
from mpi.store.neo4j_tx import Neo4jTx, check_limit, page, unique
from mpi.store.port import DEFAULT_PAGE_SIZE


class RecordReads(Neo4jTx):
    def get_record(self, key: str) -> StoredRecord | None:
        return self.get_records([key]).get(key)

    def get_records(self, keys: Iterable[str]) -> dict[str, StoredRecord]:
        rows = self._column(cypher.RECORDS_BY_KEY, "r", keys=unique(keys))
        return {props["key"]: codec.stored_record(props) for props in rows}

    def person(self, person_id: str) -> PersonWithRecords | None:
        return self.persons([person_id]).get(person_id)

    def persons(self, person_ids: Iterable[str]) -> dict[str, PersonWithRecords]:
        people: dict[str, PersonWithRecords] = {}
        held: dict[str, list[tuple[StoredRecord, Link]]] = defaultdict(list)
        for row in self._rows(cypher.PERSONS_WITH_LINKS, ids=unique(person_ids)):
            person = codec.person(row["p"])
            people[person.id] = PersonWithRecords(person, (), ())
            if row["r"] is not None:
                stored = codec.stored_record(row["r"])
                held[person.id].append((stored, codec.link(stored.key, person.id, row["h"])))
        for person_id, pairs in held.items():
            pairs.sort(key=lambda pair: pair[0].key)
            people[person_id] = PersonWithRecords(
                people[person_id].person,
                tuple(stored for stored, _ in pairs),
                tuple(link for _, link in pairs),
            )
        return people

    def candidates(self, block_keys: Iterable[str], cap: int) -> CandidateSet:
        if cap < 1:
            raise ValidationError.single("cap", "positive", f"must be at least 1, got {cap}")
        keys = unique(block_keys)
        sizes = {row["key"]: row["size"] for row in self._rows(cypher.BLOCK_SIZES, keys=keys)}
        oversized = sorted(k for k, size in sizes.items() if size > cap)
        searched = [k for k, size in sizes.items() if 0 < size <= cap]
        rows = self._rows(cypher.BLOCK_MEMBERS, keys=searched) if searched else []
        found = [Candidate(codec.stored_record(r["r"]), tuple(sorted(r["matched"]))) for r in rows]
        found.sort(key=lambda c: c.record.key)
        return CandidateSet(tuple(found), tuple(oversized))

    def not_same_pairs(self, record_keys: Iterable[str]) -> tuple[NotSame, ...]:
        rows = self._column(cypher.NOT_SAME_TOUCHING, "n", keys=unique(record_keys))
        pairs = {(p["a_key"], p["b_key"]): codec.not_same(p) for p in rows}
        return tuple(pairs[k] for k in sorted(pairs))

    def search_by_curp(self, curp: str) -> tuple[StoredRecord, ...]:
        rows = self._column(cypher.RECORDS_BY_CURP, "r", curp=curp)
        return tuple(sorted((codec.stored_record(p) for p in rows), key=lambda s: s.key))

    def search_by_name_dob(
        self,
        first_surname: str,
        birth_date: date,
        given_names: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[StoredRecord]:
        check_limit(limit)
        rows = self._column(
            cypher.RECORDS_BY_NAME_DOB,
            "r",
            first_surname=first_surname,
            birth_date=birth_date.isoformat(),
            given_names=given_names,
            after=after,
            limit=limit + 1,
        )
        return page(rows, limit, codec.stored_record, lambda r: r.key)
