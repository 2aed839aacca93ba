"""Upserting records with their block keys, and the write locks of a linking decision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mpi.domain.errors import ConflictError, ValidationError
from mpi.domain.stored_records import RecordWrite, UpsertChange, UpsertOutcome
from mpi.store import cypher
from mpi.store import neo4j_codec as codec
from mpi.store.neo4j_tx import Neo4jTx

# The SQLite adapter stores a record's keys joined by this character, so it refuses
# keys holding it; refused here too, so both adapters accept the same input.
_KEY_SEPARATOR = "\x1f"


@dataclass(slots=True)
class _State:
    """A record as it will be after this batch, and what was stored before it."""

    content: dict[str, Any]
    version: int
    received_at: str
    keys: frozenset[str]
    stored_version: int  # 0 when the record is new
    stored_keys: frozenset[str] = field(default_factory=frozenset)
    dirty: bool = False


class RecordWrites(Neo4jTx):
    def lock(self, keys: Iterable[str]) -> None:
        # On Neo4j the SET takes each lock node's write lock until commit; on ArcadeDB
        # it makes a concurrent transaction that touched the same nodes fail at commit.
        wanted = sorted(set(keys))  # one global order, so two lockers cannot deadlock
        if wanted:
            self._run(cypher.LOCK_KEYS, keys=wanted)

    def upsert_records(self, rows: Sequence[RecordWrite], at: datetime) -> list[UpsertOutcome]:
        at_text = codec.ts(at)
        for row in rows:
            _validate(row)
        # Sorted: every writer locks records in one global order, so two cannot deadlock.
        states = self._load(sorted({row.record.key for row in rows}))
        outcomes = [_apply(states, row, at_text) for row in rows]
        self._write(states, sorted({row.record.institution for row in rows}))
        return outcomes

    def _load(self, keys: list[str]) -> dict[str, _State]:
        states = {}
        for row in self._rows(cypher.RECORDS_FOR_UPSERT, keys=keys):
            props = row["r"]
            content = codec.record_content(codec.record(props))
            stored = frozenset(row["block_keys"])
            states[props["key"]] = _State(
                content, props["version"], props["received_at"], stored, props["version"], stored
            )
        return states

    def _write(self, states: dict[str, _State], institutions: list[str]) -> None:
        self._run(cypher.MERGE_INSTITUTIONS, codes=institutions)
        changed = [
            {"key": key, "props": {**s.content, "version": s.version, "received_at": s.received_at}}
            for key, s in sorted(states.items())
            if s.dirty
        ]
        if changed:
            expected = {key: s.stored_version for key, s in states.items()}
            for row in self._rows(cypher.UPSERT_RECORDS, rows=changed):
                if row["found"] != expected[row["key"]]:
                    raise ConflictError(
                        f"record {row['key']!r} was written by a concurrent transaction; retry"
                    )
        drops = _key_rows(states, lambda s: s.stored_keys - s.keys)
        adds = _key_rows(states, lambda s: s.keys - s.stored_keys)
        if drops:
            self._run(cypher.REMOVE_BLOCK_KEYS, rows=drops)
        if adds:
            self._run(cypher.ADD_BLOCK_KEYS, rows=adds)


def _apply(states: dict[str, _State], row: RecordWrite, at: str) -> UpsertOutcome:
    key, keys = row.record.key, frozenset(row.block_keys)
    content = codec.record_content(row.record)
    state = states.get(key)
    if state is None:
        states[key] = _State(content, 1, at, keys, stored_version=0, dirty=True)
        return UpsertOutcome(key, UpsertChange.CREATED, 1)
    state.keys = keys
    if content == state.content:
        return UpsertOutcome(key, UpsertChange.UNCHANGED, state.version)
    # A key repeated within one batch is applied in order, so it can be updated twice.
    state.content, state.received_at, state.dirty = content, at, True
    state.version += 1
    return UpsertOutcome(key, UpsertChange.UPDATED, state.version)


def _key_rows(states: dict[str, _State], pick: Any) -> list[dict[str, Any]]:
    rows = []
    for key, state in sorted(states.items()):
        if block_keys := sorted(pick(state)):
            rows.append({"key": key, "block_keys": block_keys})
    return rows


def _validate(row: RecordWrite) -> None:
    for name in ("institution", "record_id"):
        if not getattr(row.record, name):
            raise ValidationError.single(name, "required", "must not be empty")
    for key in row.block_keys:
        if not key or _KEY_SEPARATOR in key:
            raise ValidationError.single(
                "block_keys", "block-key", f"{key!r} is empty or holds a control character"
            )
