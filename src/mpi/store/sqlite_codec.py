"""Conversions between domain values and SQLite column values."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from mpi.domain.errors import ValidationError
from mpi.domain.persons import Link, Person, PersonStatus
from mpi.domain.records import Record
from mpi.domain.stored_records import StoredRecord

# Separates a record's block keys in records.block_keys; cannot occur in a key.
KEY_SEPARATOR = "\x1f"

RECORD_COLUMNS = (
    "key, institution, record_id, curp, given_names, first_surname, second_surname, sex, "
    "birth_date, birth_state, postal_code, phone, nss, version, received_at, person_id, "
    "linked_at, linked_by, link_rule, link_probability"
)
PERSON_COLUMNS = "id, status, created_at, merged_into"


def ts(value: datetime, field: str = "at") -> str:
    """A timezone-aware datetime as sortable UTC text; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError.single(field, "timezone-aware", "timestamps must carry a timezone")
    return _utc_text(value)


# Bulk writes stamp thousands of rows with the same instant; equal instants give equal text.
@functools.lru_cache(maxsize=1024)
def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def ts_or_none(value: datetime | None, field: str = "at") -> str | None:
    return None if value is None else ts(value, field)


def parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_ts_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_day(text: str) -> date:
    return date.fromisoformat(text)


def parse_day_or_none(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


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
        day(record.birth_date),
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
