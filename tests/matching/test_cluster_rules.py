from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mpi.identity.curp import complete_curp
from mpi.matching._cluster_rules import (
    birth_states,
    born_elsewhere,
    cluster_rules_may_object,
    namesake_key,
)
from mpi.matching.features import prepare
from tests.matching.conftest import BASE, MakeRecord

ANOTHER_HOME = {"postal_code": "68000", "phone": "9511234567", "nss": None}
NO_HOME = {"postal_code": None, "phone": None, "nss": None}


@pytest.mark.parametrize(
    ("what", "changes", "objects"),
    [
        ("born elsewhere, another home", {"birth_state": "OC", **ANOTHER_HOME}, True),
        ("born elsewhere, same home", {"birth_state": "OC"}, False),
        ("born where the CURP says", ANOTHER_HOME, False),
        ("no state recorded", {"birth_state": None, **ANOTHER_HOME}, False),
        ("born elsewhere, no home recorded", {"birth_state": "OC", **NO_HOME}, True),
    ],
)
def test_a_record_without_curp_born_elsewhere_may_be_a_namesake(
    make_record: MakeRecord, what: str, changes: dict[str, Any], objects: bool
) -> None:
    f = prepare([make_record(birth_state=None), make_record(curp=None, **changes)])
    assert born_elsewhere(f, np.array([0]), np.array([1])).tolist() == [objects]


def test_only_the_rules_the_file_names_mark_pairs(make_record: MakeRecord) -> None:
    dateless = make_record(curp=None, birth_date=None, phone="3398765432")
    f = prepare([make_record(), dateless])
    pair = np.array([0]), np.array([1])
    assert cluster_rules_may_object(f, *pair, ("dateless",)).tolist() == [True]
    assert cluster_rules_may_object(f, *pair, ("elsewhere",)).tolist() == [False]


def test_two_records_without_curp_born_in_two_states_with_two_homes_may_be_namesakes(
    make_record: MakeRecord,
) -> None:
    f = prepare([
        make_record(curp=None),
        make_record(curp=None, birth_state="OC", **ANOTHER_HOME),
        make_record(curp=None, birth_state="OC"),
    ])  # fmt: skip
    pairs = np.array([0, 0]), np.array([1, 2])
    assert born_elsewhere(f, *pairs).tolist() == [True, False]


ROOT = BASE.curp[:16] if BASE.curp else ""
FIRST_KEY, LATER_KEY = complete_curp(ROOT, "0"), complete_curp(ROOT, "1")


@pytest.mark.parametrize(
    ("what", "holder", "other", "marked"),
    [
        ("a later key, no CURP, another home", {"curp": LATER_KEY}, ANOTHER_HOME, True),
        ("RENAPO's first key of the root", {"curp": FIRST_KEY}, ANOTHER_HOME, False),
        ("a later key, the same phone", {"curp": LATER_KEY}, {"postal_code": "68000"}, False),
        ("a later key on both records", {"curp": LATER_KEY}, {"curp": LATER_KEY}, False),
    ],
)
def test_a_record_without_curp_may_be_the_namesake_a_later_homoclave_speaks_of(
    make_record: MakeRecord,
    what: str,
    holder: dict[str, Any],
    other: dict[str, Any],
    marked: bool,
) -> None:
    f = prepare([make_record(**holder), make_record(**{"curp": None, **other})])
    pair = np.array([0]), np.array([1])
    assert namesake_key(f, *pair).tolist() == [marked]
    assert cluster_rules_may_object(f, *pair, ("homoclave",)).tolist() == [marked]


def test_a_state_recorded_against_the_records_own_curp_is_not_where_it_was_born(
    make_record: MakeRecord,
) -> None:
    # The holder's CURP says Jalisco; the OC recorded beside it is where it was registered.
    holder = make_record(birth_state="OC")
    f = prepare([holder, make_record(curp=None, birth_state="OC", **ANOTHER_HOME)])
    assert birth_states(f, 0) == {"JC"}
    assert born_elsewhere(f, np.array([0]), np.array([1])).tolist() == [True]


def test_a_dateless_record_is_marked_against_the_state_the_holders_curp_shows(
    make_record: MakeRecord,
) -> None:
    # Same phone; the holder's CURP says Jalisco, the OC recorded beside it is not its birth
    # state, so the dateless record born (as recorded) in OC may be someone else.
    f = prepare([make_record(birth_state="OC"), make_record(curp=None, birth_date=None,
                                                            birth_state="OC")])  # fmt: skip
    pair = np.array([0]), np.array([1])
    assert cluster_rules_may_object(f, *pair, ("dateless",)).tolist() == [True]
