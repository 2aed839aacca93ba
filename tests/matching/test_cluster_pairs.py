from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from mpi.identity.curp import complete_curp
from mpi.matching._cluster_pairs import (
    DIFFERENT,
    HOMONYM,
    NAMES,
    REISSUE,
    SUSPECT,
    TWINS,
    FlaggedPairs,
    pair_flags,
)
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
        # twins' names, same birth date: twins unless a record of their cluster bridges them
        ({"curp": None, "given_names": "VERONICA"}, NAMES | SUSPECT),
        ({"curp": None, "given_names": "VERONICA", "birth_date": date(1990, 1, 1)}, 0),
        # newborn of the other sex, same birth date: twins whatever the cluster holds
        ({"curp": None, "given_names": "RECIEN NACIDO", "sex": "H"}, NAMES | TWINS),
        ({"curp": None, "given_names": "GUADALUPE"}, NAMES),  # a short form of the name
        # a namesake's key, or one person's reissued key if the cluster shows it
        ({"curp": complete_curp(ROOT, "1"), **AWAY}, HOMONYM | REISSUE),
        # ... and under another name (the same-root twin): no reissue, twins unless bridged
        (
            {"curp": complete_curp(ROOT, "1"), "given_names": "GUDELIA", **AWAY},
            HOMONYM | NAMES | SUSPECT,
        ),
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
    twins = NAMES | SUSPECT
    assert pairs.of(0) == [(1, twins)]
    assert pairs.of(1) == [(0, twins), (2, twins)]
    assert [pairs.between(1, 0), pairs.between(0, 1), pairs.between(0, 2)] == [twins, twins, 0]
