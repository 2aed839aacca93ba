from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from mpi.matching.comparisons import comparison_levels
from mpi.matching.features import prepare
from mpi.matching.rules import MatchingRules
from tests.matching.conftest import MakeRecord

# (comparison, changes to the left record, changes to the right record, expected level label)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("curp", {}, {}, "exact"),
    ("curp", {}, {"curp": "PESG850314MJCRLD01"}, "same_root"),
    ("curp", {}, {"curp": "PESG850314MJCRLB00"}, "one_edit"),
    ("curp", {}, {"curp": "PESG853014MJCRLD00"}, "transposition"),
    ("curp", {}, {"curp": "PESJ850314HJCRLN05"}, "both_valid_different"),
    ("curp", {}, {"curp": "ZZZZ999999ZZZZZZ11"}, "else"),
    ("curp", {}, {"curp": None}, "null"),
    ("curp", {}, {"curp": "XEXX010101HNEXXXA4"}, "null"),
    ("given_names", {}, {"given_names": "María Guadalupe"}, "exact"),
    ("given_names", {}, {"given_names": "GUADALUPE"}, "containment"),
    ("given_names", {}, {"given_names": "Ma. Guadalupe"}, "exact"),
    ("given_names", {}, {"given_names": "LUPE"}, "nickname"),
    ("given_names", {}, {"given_names": "MARIA GUADALUPA"}, "jaro_winkler"),
    ("given_names", {}, {"given_names": "ROSA"}, "else"),
    ("given_names", {}, {"given_names": "XX"}, "null"),
    ("first_surname", {}, {"first_surname": "Pérez"}, "exact"),
    ("first_surname", {}, {"first_surname": "SOLIS", "second_surname": "PEREZ"}, "swapped"),
    ("first_surname", {}, {"first_surname": "PERES"}, "jaro_winkler"),
    ("first_surname", {}, {"first_surname": "GOMEZ"}, "else"),
    ("second_surname", {}, {"second_surname": None}, "one_missing"),
    # A married woman's "DE <husband>" shows no second surname of her own.
    ("second_surname", {}, {"second_surname": "DE GARCIA"}, "one_missing"),
    ("second_surname", {}, {"second_surname": "Vda. de García"}, "one_missing"),
    ("second_surname", {}, {"second_surname": "DE LEON"}, "else"),
    ("given_names", {"given_names": "MIGUEL ANGEL"}, {"given_names": "M. ANGEL"}, "containment"),
    ("second_surname", {"second_surname": None}, {"second_surname": "."}, "null"),
    ("birth_date", {}, {}, "exact"),
    ("birth_date", {}, {"birth_date": date(1985, 3, 4)}, "one_digit"),
    (
        "birth_date",
        {"birth_date": date(1985, 3, 4)},
        {"birth_date": date(1985, 4, 3)},
        "day_month_swapped",
    ),
    (
        "birth_date",
        {"birth_date": date(1989, 3, 14)},
        {"birth_date": date(1990, 3, 14)},
        "year_off_by_one",
    ),
    ("birth_date", {}, {"birth_date": date(1990, 7, 30)}, "else"),
    ("birth_date", {}, {"birth_date": date(1900, 1, 1), "curp": None}, "null"),
    ("birth_date", {}, {"birth_date": None, "curp": None}, "null"),
    # A valid CURP stands in for a missing or placeholder birth date: it encodes the date.
    ("birth_date", {}, {"birth_date": date(1900, 1, 1)}, "exact"),
    ("birth_date", {}, {"birth_date": None}, "exact"),
    ("birth_date", {}, {"birth_date": None, "curp": "PESG600314MJCRLD03"}, "else"),
    ("sex", {}, {"sex": None, "curp": "PESG850314HJCRLD00"}, "else"),
    ("sex", {}, {"sex": "H"}, "else"),
    ("phone", {}, {"phone": "3312345679"}, "levenshtein"),
    ("nss", {}, {}, "exact"),
]


@pytest.mark.parametrize(("name", "left", "right", "kind"), CASES)
def test_pair_falls_in_the_expected_level(
    rules: MatchingRules,
    make_record: MakeRecord,
    name: str,
    left: dict[str, Any],
    right: dict[str, Any],
    kind: str,
) -> None:
    spec = rules.comparison(name)
    f = prepare([make_record(**left), make_record(**right)])
    (level,) = comparison_levels(spec, f, np.array([0]), np.array([1]))
    assert spec.levels[level].kind == kind
