"""Conversions between domain values and Neo4j node / relationship properties.

Timestamps and dates are stored as sortable text (mpi.store.time_text; see the note
in cypher.py on why not native temporal values).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from mpi.domain.audit import AuditEntry
from mpi.domain.coverage import Coverage
from mpi.domain.credentials import Credential, CredentialStatus
from mpi.domain.encounters import Encounter
from mpi.domain.merges import MergeEvent
from mpi.domain.not_same import NotSame
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.domain.records import Record
from mpi.domain.review import ReviewStatus, ReviewTask
from mpi.domain.stored_records import StoredRecord
from mpi.store.time_text import day_or_none as day_or_none
from mpi.store.time_text import parse_day_or_none as parse_day_or_none
from mpi.store.time_text import parse_ts as parse_ts
from mpi.store.time_text import parse_ts_or_none as parse_ts_or_none
from mpi.store.time_text import ts as ts
from mpi.store.time_text import ts_or_none as ts_or_none

Props = Mapping[str, Any]

_RECORD_TEXT_FIELDS = (
    "curp",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_state",
    "postal_code",
    "phone",
    "nss",
)


def record_content(record: Record) -> dict[str, Any]:
    """The record's content properties (all of them, None for a missing value)."""
    content: dict[str, Any] = {
        "key": record.key,
        "institution": record.institution,
        "record_id": record.record_id,
        "birth_date": day_or_none(record.birth_date),
    }
    for name in _RECORD_TEXT_FIELDS:
        content[name] = getattr(record, name)
    return content


def record(props: Props) -> Record:
    return Record(
        institution=props["institution"],
        record_id=props["record_id"],
        birth_date=parse_day_or_none(props.get("birth_date")),
        **{name: props.get(name) for name in _RECORD_TEXT_FIELDS},
    )


def stored_record(props: Props) -> StoredRecord:
    return StoredRecord(
        record(props), props["version"], parse_ts(props["received_at"]), props.get("person_id")
    )


def person_props(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "status": person.status.value,
        "created_at": ts(person.created_at, "created_at"),
    }


def person(props: Props) -> Person:
    return Person(
        props["id"],
        PersonStatus(props["status"]),
        parse_ts(props["created_at"]),
        props.get("merged_into"),
    )


def link_props(link: Link) -> dict[str, Any]:
    """HAS_RECORD relationship properties (the two ends are the nodes)."""
    return {
        "linked_at": ts(link.linked_at, "linked_at"),
        "by": link.by,
        "rule": link.rule,
        "probability": link.probability,
    }


def link(record_key: str, person_id: str, props: Props) -> Link:
    return Link(
        record_key,
        person_id,
        parse_ts(props["linked_at"]),
        props["by"],
        props["rule"],
        props.get("probability"),
    )


def links_json(links: tuple[Link, ...]) -> str:
    """A merge's moved links as JSON text: Neo4j properties cannot hold lists of maps."""
    return json.dumps(
        [{"record_key": x.record_key, "person_id": x.person_id, **link_props(x)} for x in links]
    )


def merge_event(props: Props) -> MergeEvent:
    moved = tuple(
        link(item["record_key"], item["person_id"], item)
        for item in json.loads(props["moved_links"])
    )
    return MergeEvent(
        id=props["id"],
        survivor_id=props["survivor_id"],
        absorbed_id=props["absorbed_id"],
        by=props["by"],
        at=parse_ts(props["at"]),
        reason=props["reason"],
        moved_links=moved,
        undone_at=parse_ts_or_none(props.get("undone_at")),
        undone_by=props.get("undone_by"),
    )


def not_same(props: Props) -> NotSame:
    return NotSame(
        props["a_key"], props["b_key"], props["by"], parse_ts(props["at"]), props["reason"]
    )


def review_task_props(task: ReviewTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "kind": task.kind,
        "record_key": task.record_key,
        "person_ids": list(task.person_ids),
        "created_at": ts(task.created_at, "created_at"),
        "payload": task.payload,
        "status": task.status.value,
    }


def review_task(props: Props) -> ReviewTask:
    return ReviewTask(
        id=props["id"],
        kind=props["kind"],
        record_key=props.get("record_key"),
        person_ids=tuple(props.get("person_ids") or ()),
        created_at=parse_ts(props["created_at"]),
        payload=props["payload"],
        status=ReviewStatus(props["status"]),
        decision=props.get("decision"),
        decided_by=props.get("decided_by"),
        decided_at=parse_ts_or_none(props.get("decided_at")),
        reason=props.get("reason"),
    )


def coverage_key(c: Coverage) -> str:
    """The identity of a coverage statement as one uniquely constrained property."""
    return json.dumps([c.record_key, c.institution, c.kind, c.valid_from.isoformat()])


def coverage(props: Props) -> Coverage:
    return Coverage(
        props["record_key"],
        props["institution"],
        props["kind"],
        date.fromisoformat(props["valid_from"]),
        parse_day_or_none(props.get("valid_to")),
    )


def encounter_props(e: Encounter) -> dict[str, Any]:
    return {
        "id": e.id,
        "record_key": e.record_key,
        "kind": e.kind,
        "occurred_on": e.occurred_on.isoformat(),
        "facility": e.facility,
        "summary": e.summary,
    }


def encounter(props: Props) -> Encounter:
    return Encounter(
        props["id"],
        props["record_key"],
        props["kind"],
        date.fromisoformat(props["occurred_on"]),
        props.get("facility"),
        props.get("summary"),
    )


def credential(props: Props) -> Credential:
    return Credential(
        props["id"],
        props["person_id"],
        parse_ts(props["issued_at"]),
        CredentialStatus(props["status"]),
        parse_ts_or_none(props.get("revoked_at")),
    )


def audit_props(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": ts(e.at),
        "actor": e.actor,
        "role": e.role,
        "action": e.action,
        "target_kind": e.target_kind,
        "target_ids": list(e.target_ids),
        "institution": e.institution,
        "purpose": e.purpose,
        "detail": e.detail,
    }


def audit_entry(props: Props) -> AuditEntry:
    return AuditEntry(
        id=props["id"],
        at=parse_ts(props["at"]),
        actor=props["actor"],
        role=props["role"],
        action=props["action"],
        target_kind=props["target_kind"],
        target_ids=tuple(props.get("target_ids") or ()),
        institution=props.get("institution"),
        purpose=props.get("purpose"),
        detail=props["detail"],
    )
