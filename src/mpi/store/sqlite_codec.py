"""Conversions between domain values and SQLite column values."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mpi.domain.persons import Link, Person, PersonStatus
from mpi.domain.records import Record
from mpi.domain.stored_records import StoredRecord
from mpi.store.time_text import day_or_none as day_or_none
from mpi.store.time_text import parse_day as parse_day
from mpi.store.time_text import parse_day_or_none as parse_day_or_none
from mpi.store.time_text import parse_ts as parse_ts
from mpi.store.time_text import parse_ts_or_none as parse_ts_or_none
from mpi.store.time_text import ts as ts
from mpi.store.time_text import ts_or_none as ts_or_none

# Separates a record's block keys in records.block_keys; cannot occur in a key.
KEY_SEPARATOR = "\x1f"

RECORD_COLUMNS = (
    "key, institution, record_id, curp, given_names, first_surname, second_surname, sex, "
    "birth_date, birth_state, postal_code, phone, nss, version, received_at, person_id, "
    "linked_at, linked_by, link_rule, link_probability"
)
PERSON_COLUMNS = "id, status, created_at, merged_into"


def json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values))


def parse_json_list(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def record_values(record: Record) -> tuple[str | None, ...]:
    """The record's content columns, in RECORD_COLUMNS order (key … nss)."""
    return (
        record.key,
        record.institution,
        record.record_id,
        record.curp,
        record.given_names,
        record.first_surname,
        record.second_surname,
        record.sex,
        day_or_none(record.birth_date),
        record.birth_state,
        record.postal_code,
        record.phone,
        record.nss,
    )


def stored_record(row: Sequence[Any]) -> StoredRecord:
    """A StoredRecord from a row selected with RECORD_COLUMNS."""
    record = Record(
        institution=row[1],
        record_id=row[2],
        curp=row[3],
        given_names=row[4],
        first_surname=row[5],
        second_surname=row[6],
        sex=row[7],
        birth_date=parse_day_or_none(row[8]),
        birth_state=row[9],
        postal_code=row[10],
        phone=row[11],
        nss=row[12],
    )
    return StoredRecord(record, row[13], parse_ts(row[14]), row[15])


def link_of(row: Sequence[Any]) -> Link | None:
    """The HAS_RECORD link of a row selected with RECORD_COLUMNS, if it is linked."""
    if row[15] is None:
        return None
    return Link(row[0], row[15], parse_ts(row[16]), row[17], row[18], row[19])


def person(row: Sequence[Any]) -> Person:
    """A Person from a row selected with PERSON_COLUMNS."""
    return Person(row[0], PersonStatus(row[1]), parse_ts(row[2]), row[3])
