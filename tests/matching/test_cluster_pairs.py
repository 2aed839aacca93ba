from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from mpi.identity.curp import complete_curp
from mpi.matching._cluster_pairs import DIFFERENT, HOMONYM, NAMES, FlaggedPairs, pair_flags
from mpi.matching.features import prepare
from mpi.matching.hard_negatives import HARD_NEGATIVE_RULES
from tests.matching.conftest import BASE, MakeRecord

ROOT = BASE.curp[:16] if BASE.curp else ""
PAIR = (np.array([0], dtype=np.intp), np.array([1], dtype=np.intp))
AWAY = {"nss": None, "phone": None, "postal_code": "06000"}  # shares no home with BASE


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ({}, 0),  # the same record again
        ({"curp": None, "given_names": "VERONICA"}, NAMES),  # twins' names, same birth date
        ({"curp": None, "given_names": "VERONICA", "birth_date": date(1990, 1, 1)}, 0),
        ({"curp": complete_curp(ROOT, "1"), **AWAY}, HOMONYM),  # a namesake's key
        ({"curp": "PESG580314MJCRLD09", "birth_date": date(1958, 3, 14)}, DIFFERENT),
    ],
)
def test_pairs_are_flagged_by_the_rules_that_may_object_to_them(
    make_record: MakeRecord, other: dict[str, object], expected: int
) -> None:
    f = prepare([make_record(), make_record(**other)])
    assert pair_flags(f, *PAIR, HARD_NEGATIVE_RULES).tolist() == [expected]


def test_rules_left_out_of_the_rules_file_flag_nothing(make_record: MakeRecord) -> None:
    f = prepare([make_record(), make_record(curp=complete_curp(ROOT, "1"), **AWAY)])
    assert pair_flags(f, *PAIR, ("twins",)).tolist() == [0]


def test_flagged_pairs_are_found_from_either_record(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(),
        make_record(curp=None, given_names="VERONICA"),
        make_record(curp=None),
    ])  # fmt: skip
    left, right = np.array([0, 0, 1], dtype=np.intp), np.array([1, 2, 2], dtype=np.intp)
    pairs = FlaggedPairs(f, left, right, HARD_NEGATIVE_RULES)
    assert pairs.of(0) == [(1, NAMES)]
    assert pairs.of(1) == [(0, NAMES), (2, NAMES)]
    assert [x.tolist() for x in pairs.named()] == [[0, 1], [1, 2]]
