"""Synthetic records and small helpers shared by the store contract tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mpi.domain.persons import Link
from mpi.domain.records import Record
from mpi.domain.stored_records import RecordWrite, UpsertOutcome
from mpi.store.port import Store

T0 = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """T0 plus some minutes: distinct, ordered timestamps."""
    return T0 + timedelta(minutes=minutes)


def record(n: int, institution: str = "IMSS", **fields: object) -> Record:
    """Record number n with obviously synthetic values; `fields` override them."""
    values: dict[str, object] = {
        "curp": f"PRUE{n:06d}HDFXXX{n % 100:02d}",
        "given_names": "ANA",
        "first_surname": "PRUEBA",
        "second_surname": f"SINTETICA{n}",
        "sex": "M",
        "birth_date": date(1980, 1, 1) + timedelta(days=n),
        "birth_state": "DF",
        "postal_code": "01000",
        "phone": f"55{n:08d}",
        "nss": None,
    }
    values.update(fields)
    return Record(institution, f"R{n}", **values)  # type: ignore[arg-type]


def write(rec: Record, *block_keys: str) -> RecordWrite:
    return RecordWrite(rec, tuple(block_keys))


def seed(store: Store, *writes: RecordWrite, when: datetime = T0) -> list[UpsertOutcome]:
    with store.write() as tx:
        return tx.upsert_records(writes, when)


def link(key: str, person_id: str, minutes: int = 0, probability: float | None = 0.97) -> Link:
    return Link(key, person_id, at(minutes), "linker", "fs-link", probability)


def seed_person(store: Store, person_id: str, *record_keys: str, minutes: int = 0) -> None:
    """Create a person and link the (already stored) records to it."""
    with store.write() as tx:
        tx.create_person(person_id, at(minutes))
        tx.link_many([link(key, person_id, minutes) for key in record_keys])
