"""Every row of tests/data/curp-vectors.csv and curp-derivation-examples.csv."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from mpi.identity.curp import check_digit, derive_root, validate

DATA = Path(__file__).resolve().parents[1] / "data"
# The vectors' `valid` column was computed with 2026-11 as "today" (DOMAIN-MX.md §3).
VECTOR_TODAY = date(2026, 11, 21)


@dataclass(frozen=True)
class Vector:
    curp: str
    valid: bool
    reason: str
    source: str


@dataclass(frozen=True)
class Derivation:
    given_names: str
    first_surname: str
    second_surname: str | None
    birth_date: date
    sex: str
    birth_state: str
    letters: str
    consonants: str


def vectors() -> list[Vector]:
    with (DATA / "curp-vectors.csv").open(encoding="utf-8", newline="") as handle:
        return [
            Vector(row["curp"], row["valid"] == "true", row["reason"], row["source"])
            for row in csv.DictReader(handle)
        ]


def derivations() -> list[Derivation]:
    with (DATA / "curp-derivation-examples.csv").open(encoding="utf-8", newline="") as handle:
        return [
            Derivation(
                row["given_names"],
                row["first_surname"],
                row["second_surname"] or None,
                date.fromisoformat(row["birth_date"]),
                row["sex"],
                row["birth_state"],
                row["expected_positions_1_4"],
                row["expected_positions_14_16"],
            )
            for row in csv.DictReader(handle)
        ]


VECTORS = vectors()
DERIVATIONS = derivations()

# The vectors' free-text reason starts with the failed rule; these are our codes for it.
_CODES_FOR_REASON = {
    "inconvenient word": {"inconvenient_word"},
    "bad date": {"date"},
    "format": {"structure", "sex"},
    "state": {"state"},
    "check digit": {"check_digit"},
    "length": {"length"},
    "raw value has spaces": {"whitespace"},
}


def _rule(reason: str) -> str:
    head = re.split(r"[;|(]", reason, maxsplit=1)[0].strip()
    return re.sub(r"\s+\d+$", "", head)


@pytest.mark.parametrize("vector", VECTORS, ids=[v.curp for v in VECTORS])
def test_validate_agrees_with_the_vector_verdict(vector: Vector) -> None:
    check = validate(vector.curp, today=VECTOR_TODAY)
    assert check.valid is vector.valid, check.reason
    if vector.valid:
        assert check.reason.code == "ok"
    else:
        assert check.reason.code in _CODES_FOR_REASON[_rule(vector.reason)]


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS if "expected" in v.reason],
    ids=[v.curp for v in VECTORS if "expected" in v.reason],
)
def test_check_digit_matches_the_digit_the_vector_expects(vector: Vector) -> None:
    expected = re.search(r"expected (\d)", vector.reason)
    assert expected is not None
    assert check_digit(vector.curp[:17]) == expected.group(1)


def test_vectors_cover_both_verdicts() -> None:
    assert len(VECTORS) == 67
    assert sum(v.valid for v in VECTORS) == 34


@pytest.mark.parametrize(
    "example",
    DERIVATIONS,
    ids=[f"{d.given_names}-{d.first_surname}" for d in DERIVATIONS],
)
def test_derive_root_reproduces_the_instructivo_example(example: Derivation) -> None:
    root = derive_root(
        example.given_names,
        example.first_surname,
        example.second_surname,
        example.birth_date,
        example.sex,
        example.birth_state,
    )
    assert len(root) == 16
    assert example.letters or example.consonants
    if example.letters:
        assert root[:4] == example.letters
    if example.consonants:
        assert root[13:16] == example.consonants
    assert root[4:13] == f"{example.birth_date:%y%m%d}{example.sex}{example.birth_state}"
