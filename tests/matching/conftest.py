"""Small hand-written records for the matching tests (synthetic people only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from mpi.domain.records import Record
from mpi.matching.rules import MatchingRules
from mpi.rules_file import default_rules
from mpi.synthetic.generate import Population, generate

# A made-up person; the CURP is derived by the RENAPO rules and has a correct check digit.
BASE = Record(
    institution="IMSS",
    record_id="1",
    curp="PESG850314MJCRLD00",
    given_names="MARIA GUADALUPE",
    first_surname="PEREZ",
    second_surname="SOLIS",
    sex="M",
    birth_date=date(1985, 3, 14),
    birth_state="JC",
    postal_code="44100",
    phone="3312345678",
    nss="12345678903",
)

MakeRecord = Callable[..., Record]


@pytest.fixture
def make_record() -> MakeRecord:
    counter = iter(range(2, 1_000_000))

    def make(**changes: Any) -> Record:
        changes.setdefault("record_id", str(next(counter)))
        return replace(BASE, **changes)

    return make


@pytest.fixture(scope="session")
def rules() -> MatchingRules:
    return default_rules()


@dataclass(frozen=True)
class Labelled:
    records: list[Record]
    labels: NDArray[np.int64]  # true person per record
    population: Population


@pytest.fixture(scope="session")
def labelled() -> Labelled:
    """A small synthetic population with ground truth (seed fixed)."""
    population = generate(600, seed=5)
    return Labelled(list(population.records()), population.record_person.copy(), population)
