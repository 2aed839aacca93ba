"""Persons (enterprise identities) and the links that tie records to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mpi.domain.stored_records import StoredRecord

PERSON_ID_PREFIX = "P"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"  # absorbed by another person; see `merged_into`


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    status: PersonStatus
    created_at: datetime
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A HAS_RECORD edge: who or what linked the record, when, by which rule, how sure.

    `by` is an actor ("linker", an API key's owner, a steward); `rule` names the
    decision ("curp-exact", "fs-link", "merge", "steward"); `probability` is the
    match probability when the link came from scoring, else None.
    """

    record_key: str
    person_id: str
    linked_at: datetime
    by: str
    rule: str
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class PersonWithRecords:
    """A person with its linked records and the links, both ordered by record key."""

    person: Person
    records: tuple[StoredRecord, ...]
    links: tuple[Link, ...]
