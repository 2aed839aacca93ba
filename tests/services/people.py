"""Synthetic people for the linking tests (made-up names; CURPs derived by the RENAPO rules)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mpi.domain.records import Record
from mpi.identity.curp import complete_curp, derive_root
from mpi.io.records_file import read_records
from mpi.services.audit import Actor
from mpi.store.port import Store
from mpi.synthetic.generate import generate
from mpi.synthetic.output import write_population

CLERK = Actor("clerk@imss", "institution", "IMSS", "atención médica")


def curp_of(given: str, first: str, second: str | None, born: date, sex: str, state: str) -> str:
    return complete_curp(derive_root(given, first, second, born, sex, state), "0")


JUAN = {
    "given_names": "JUAN CARLOS",
    "first_surname": "GARCIA",
    "second_surname": "LOPEZ",
    "sex": "H",
    "birth_date": date(1990, 5, 17),
    "birth_state": "DF",
}
JUAN_CURP = curp_of("JUAN CARLOS", "GARCIA", "LOPEZ", date(1990, 5, 17), "H", "DF")
ROSA = {
    "given_names": "ROSA ISELA",
    "first_surname": "QUINTERO",
    "second_surname": "BALDERAS",
    "sex": "M",
    "birth_date": date(1972, 11, 2),
    "birth_state": "SL",
}
ROSA_CURP = curp_of("ROSA ISELA", "QUINTERO", "BALDERAS", date(1972, 11, 2), "M", "SL")


def juan(institution: str, record_id: str, **changes: object) -> Record:
    """A record of JUAN CARLOS GARCIA LOPEZ (with CURP unless changed)."""
    return Record(institution, record_id, **({"curp": JUAN_CURP, **JUAN} | changes))  # type: ignore[arg-type]


def rosa(institution: str, record_id: str, **changes: object) -> Record:
    return Record(institution, record_id, **({"curp": ROSA_CURP, **ROSA} | changes))  # type: ignore[arg-type]


# Same names as JUAN, no CURP, another birth date: scores in the review band.
REVIEW_CHANGES: dict[str, object] = {"curp": None, "birth_date": date(1985, 2, 3)}


def population_file(directory: Path, persons: int, seed: int) -> Path:
    """A synthetic population written as a canonical record file; returns its path."""
    return write_population(generate(persons, seed=seed), directory).records


def read_valid(path: Path) -> list[Record]:
    return [row for row in read_records(path) if isinstance(row, Record)]


def partition(store: Store, keys: list[str]) -> dict[str, frozenset[str]]:
    """Record key -> the keys of every record sharing its person (person ids aside)."""
    with store.read() as tx:
        stored = tx.get_records(keys)
    members: dict[str | None, set[str]] = {}
    for key, record in stored.items():
        members.setdefault(record.person_id, set()).add(key)
    return {key: frozenset(members[record.person_id]) for key, record in stored.items()}
