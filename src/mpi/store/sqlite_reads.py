"""Reads of records, persons, candidates and searches."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from mpi.domain.candidates import Candidate, CandidateSet
from mpi.domain.errors import ValidationError
from mpi.domain.not_same import NotSame
from mpi.domain.pages import Page
from mpi.domain.persons import Person, PersonWithRecords
from mpi.domain.stored_records import StoredRecord
from mpi.store import sqlite_codec as codec
from mpi.store.port import DEFAULT_PAGE_SIZE
from mpi.store.sqlite_key_hash import key_hash
from mpi.store.sqlite_search_keys import curp_hashes, name_dob_hash
from mpi.store.sqlite_tx import SqliteTx, check_limit, json_keys, page

_R = codec.RECORD_COLUMNS
_RR = ", ".join(f"r.{c.strip()}" for c in _R.split(","))

# One statement per lookup: each block is counted up to cap + 1 entries (so a huge
# block costs no more than a capped one), and only blocks within the cap are joined.
# Blocks are found by key hash (sqlite_key_hash); each row brings its record's key text.
_CANDIDATES = f"""
WITH q(key_hash) AS (SELECT DISTINCT value FROM json_each(?1)),
sized AS (
    SELECT q.key_hash, (
        SELECT count(*) FROM (
            SELECT 1 FROM block_keys b WHERE b.key_hash = q.key_hash LIMIT ?2 + 1
        )
    ) AS n
    FROM q
)
SELECT s.key_hash, s.n, r.block_keys, {_RR}
FROM sized s
LEFT JOIN block_keys b ON b.key_hash = s.key_hash AND s.n <= ?2
LEFT JOIN records r ON r.rid = b.rid
"""
# A hashed block over the cap may hold other keys' records (a hash collision): counted
# again by key text, so that a collision never pushes a block within the cap over it.
_EXACT_BLOCK = f"""
SELECT r.block_keys, {_RR}
FROM block_keys b JOIN records r ON r.rid = b.rid
WHERE b.key_hash = ?1 AND instr(?3 || r.block_keys || ?3, ?3 || ?2 || ?3) > 0
LIMIT ?4 + 1
"""
# Searches read the block-key rows of their search key (sqlite_search_keys) and filter the
# records exactly: a colliding key's rows drop out.
_BY_CURP = f"""
SELECT {_R} FROM records WHERE rid IN (SELECT rid FROM block_keys WHERE key_hash IN (?, ?))
AND curp = ? ORDER BY key
"""
_BY_NAME_DOB = f"""
SELECT {_RR} FROM block_keys b JOIN records r ON r.rid = b.rid
WHERE b.key_hash = ? AND r.first_surname = ? AND r.birth_date = ? AND r.key > ?
"""
_NOT_SAME = """
SELECT a_key, b_key, by, at, reason FROM not_same
WHERE a_key IN (SELECT value FROM json_each(?1))
UNION
SELECT a_key, b_key, by, at, reason FROM not_same
WHERE b_key IN (SELECT value FROM json_each(?1))
ORDER BY a_key, b_key
"""


class RecordReads(SqliteTx):
    def get_record(self, key: str) -> StoredRecord | None:
        row = self._row(f"SELECT {_R} FROM records WHERE key = ?", (key,))
        return None if row is None else codec.stored_record(row)

    def get_records(self, keys: Iterable[str]) -> dict[str, StoredRecord]:
        sql = f"SELECT {_R} FROM records WHERE key IN (SELECT value FROM json_each(?))"
        rows = self._rows(sql, (json_keys(keys),))
        return {row[0]: codec.stored_record(row) for row in rows}

    def person(self, person_id: str) -> PersonWithRecords | None:
        return self.persons([person_id]).get(person_id)

    def persons(self, person_ids: Iterable[str]) -> dict[str, PersonWithRecords]:
        ids = json_keys(person_ids)
        people = self._rows(
            f"SELECT {codec.PERSON_COLUMNS} FROM persons "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
        rows = self._rows(
            f"SELECT {_R} FROM records "
            "WHERE person_id IN (SELECT value FROM json_each(?)) ORDER BY key",
            (ids,),
        )
        by_person: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            by_person[row[15]].append(row)
        return {p[0]: _with_records(codec.person(p), by_person[p[0]]) for p in people}

    def candidates(self, block_keys: Iterable[str], cap: int) -> CandidateSet:
        if cap < 1:
            raise ValidationError.single("cap", "positive", f"must be at least 1, got {cap}")
        wanted: dict[int, list[str]] = defaultdict(list)
        for key in set(block_keys):
            wanted[key_hash(key)].append(key)
        found = _Found()
        for row in self._rows(_CANDIDATES, (json.dumps(list(wanted)), cap)):
            keys = wanted[row[0]]
            if row[1] > cap:
                for key in keys:
                    self._exact_block(key, row[0], cap, found)
            elif row[3] is not None:
                found.add(keys, row[2], row[3:])
        return found.result()

    def _exact_block(self, key: str, hashed: int, cap: int, found: _Found) -> None:
        rows = self._rows(_EXACT_BLOCK, (hashed, key, codec.KEY_SEPARATOR, cap))
        if len(rows) > cap:
            found.oversized.append(key)
            return
        for row in rows:
            found.add([key], row[0], row[1:])

    def not_same_pairs(self, record_keys: Iterable[str]) -> tuple[NotSame, ...]:
        rows = self._rows(_NOT_SAME, (json_keys(record_keys),))
        return tuple(NotSame(r[0], r[1], r[2], codec.parse_ts(r[3]), r[4]) for r in rows)

    def search_by_curp(self, curp: str) -> tuple[StoredRecord, ...]:
        rows = self._rows(_BY_CURP, (*curp_hashes(curp), curp))
        return tuple(codec.stored_record(row) for row in rows)

    def search_by_name_dob(
        self,
        first_surname: str,
        birth_date: date,
        given_names: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[StoredRecord]:
        check_limit(limit)
        day = birth_date.isoformat()
        sql = _BY_NAME_DOB
        params: list[object] = [name_dob_hash(first_surname, day), first_surname, day, after or ""]
        if given_names is not None:
            sql += " AND r.given_names = ?"
            params.append(given_names)
        rows = self._rows(sql + " ORDER BY r.key LIMIT ?", [*params, limit + 1])
        return page(rows, limit, codec.stored_record, lambda r: r.key)


class _Found:
    """Candidates gathered row by row; a row counts for the wanted keys its record holds."""

    def __init__(self) -> None:
        self.matched: dict[str, list[str]] = defaultdict(list)
        self.records: dict[str, StoredRecord] = {}
        self.oversized: list[str] = []

    def add(self, keys: list[str], key_text: str, row: Sequence[Any]) -> None:
        # Usually one key; a record from another key's block (hash collision) holds none.
        texts = key_text.split(codec.KEY_SEPARATOR)
        held = [key for key in keys if key in texts]
        if not held:
            return
        self.matched[row[0]] += held
        if row[0] not in self.records:
            self.records[row[0]] = codec.stored_record(row)

    def result(self) -> CandidateSet:
        records, matched = self.records, self.matched
        found = tuple(Candidate(records[k], tuple(sorted(matched[k]))) for k in sorted(records))
        return CandidateSet(found, tuple(sorted(self.oversized)))


def _with_records(person: Person, rows: list[Any]) -> PersonWithRecords:
    records = tuple(codec.stored_record(row) for row in rows)
    links = tuple(link for row in rows if (link := codec.link_of(row)) is not None)
    return PersonWithRecords(person, records, links)
