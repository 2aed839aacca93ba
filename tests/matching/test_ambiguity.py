"""The ambiguity test of clustering, read through cluster_links on a few real records."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from mpi.identity.curp import complete_curp
from mpi.matching.clustering import cluster_links
from mpi.matching.features import prepare
from tests.matching.conftest import BASE, MakeRecord

ROOT = BASE.curp[:16] if BASE.curp else ""
# Born 1985: RENAPO's first key of the root ends in homoclave 0, a namesake's in 1.
FIRST_KEY, LATER_KEY = complete_curp(ROOT, "0"), complete_curp(ROOT, "1")
HOME_A = {"postal_code": "44100", "phone": "3312345678", "nss": "12345678903"}
HOME_B = {"postal_code": "06000", "phone": "5587654321", "nss": None}
NO_HOME = {"postal_code": "68000", "phone": "9511234567", "nss": None}
MARGIN = 10.0


def _cluster(records: list[Any], links: list[tuple[int, int, float]]) -> Any:
    f = prepare(records)
    left = np.array([a for a, _, _ in links], dtype=np.intp)
    right = np.array([b for _, b, _ in links], dtype=np.intp)
    weight = np.array([w for _, _, w in links])
    return cluster_links(f, left, right, weight, ambiguity_margin=MARGIN)


@pytest.mark.parametrize(
    ("what", "key", "home", "joins"),
    [
        ("a later key, another home: review", LATER_KEY, NO_HOME, False),
        ("a later key, its home: linked", LATER_KEY, HOME_A, True),
        ("RENAPO's first key, another home: linked", FIRST_KEY, NO_HOME, True),
    ],
)
def test_a_record_without_curp_joins_a_later_homoclave_only_at_its_home(
    make_record: MakeRecord, what: str, key: str, home: dict[str, Any], joins: bool
) -> None:
    holder = make_record(curp=key, **HOME_A)
    record = make_record(curp=None, **home)
    clusters = _cluster([holder, record], [(0, 1, 20.0)])
    labels = clusters.labels.tolist()
    assert (labels[0] == labels[1]) is joins
    assert clusters.review_pairs == (() if joins else ((1, 0),))


@pytest.mark.parametrize(
    ("what", "home", "ends"),
    [
        ("the first key's home: joins it", HOME_B, "first"),
        ("neither home: review", NO_HOME, "alone"),
    ],
)
def test_a_record_without_curp_between_both_keys_of_a_root(
    make_record: MakeRecord, what: str, home: dict[str, Any], ends: str
) -> None:
    # Both namesakes are in the batch: the later key at home A, the first key at home B.
    later = make_record(curp=LATER_KEY, **HOME_A)
    first = make_record(curp=FIRST_KEY, **HOME_B)
    record = make_record(curp=None, **home)
    clusters = _cluster([later, first, record], [(0, 2, 20.0), (1, 2, 20.0)])
    labels = clusters.labels.tolist()
    assert labels[0] != labels[1]
    if ends == "first":
        assert labels[2] == labels[1]
        assert clusters.ambiguous == ()
    else:
        assert labels[2] not in (labels[0], labels[1])
        assert clusters.ambiguous == (2,)


def test_records_without_curp_of_one_namesake_stay_together(make_record: MakeRecord) -> None:
    # Two records of the namesake share their home; the later key's holder lives elsewhere.
    holder = make_record(curp=LATER_KEY, **HOME_A)
    one, two = make_record(curp=None, **NO_HOME), make_record(curp=None, **NO_HOME)
    clusters = _cluster([holder, one, two], [(1, 2, 25.0), (0, 1, 20.0), (0, 2, 20.0)])
    labels = clusters.labels.tolist()
    assert labels[1] == labels[2] != labels[0]


def test_a_dateless_record_between_father_and_junior_at_one_home_goes_to_review(
    make_record: MakeRecord,
) -> None:
    # Father (1957, a valid CURP) and junior (1988, no state recorded) at one home; a record
    # with their name, their phone and no birth date links to both: either could be its.
    father = make_record(curp=None, birth_date=date(1957, 11, 12))
    junior = make_record(curp=None, birth_date=date(1988, 9, 30), birth_state=None)
    record = make_record(curp=None, birth_date=None)
    clusters = _cluster([father, junior, record], [(0, 2, 13.1), (1, 2, 8.8)])
    labels = clusters.labels.tolist()
    assert labels[0] != labels[1]
    assert labels[2] not in (labels[0], labels[1])
    assert clusters.ambiguous == (2,)


def test_a_namesake_born_elsewhere_does_not_reach_a_cluster_through_a_stateless_record(
    make_record: MakeRecord,
) -> None:
    # The holder (born in Jalisco by its key) took a record with neither CURP nor state at
    # home B; the namesake's record born in Oaxaca shares home B with that record only.
    holder = make_record(**HOME_A)
    stateless = make_record(curp=None, birth_state=None, **HOME_B)
    namesake = make_record(curp=None, birth_state="OC", **HOME_B)
    clusters = _cluster([holder, stateless, namesake], [(0, 1, 15.0), (0, 2, 7.0)])
    labels = clusters.labels.tolist()
    assert labels[0] == labels[1] != labels[2]


def test_a_record_sharing_no_home_with_a_later_key_does_not_reach_it_through_one_that_does(
    make_record: MakeRecord,
) -> None:
    # Two CURP-less records joined first on name and date; only the second shares the
    # later key holder's home: the first may be the namesake that key speaks of.
    holder = make_record(curp=LATER_KEY, **HOME_A)
    elsewhere = make_record(curp=None, **NO_HOME)
    at_home = make_record(curp=None, **{**HOME_B, "nss": HOME_A["nss"]})
    clusters = _cluster([holder, elsewhere, at_home], [(1, 2, 25.0), (0, 2, 20.0)])
    labels = clusters.labels.tolist()
    assert labels[0] != labels[1]


@pytest.mark.parametrize(
    ("what", "home", "held"),
    [
        ("at the rival's home: review", HOME_A, True),
        ("also at the first key's home: the clear winner", {**HOME_B, "nss": HOME_A["nss"]}, False),
    ],
)
def test_a_record_at_the_home_of_a_rival_key_is_held_whatever_the_margin(
    make_record: MakeRecord, what: str, home: dict[str, Any], held: bool
) -> None:
    # The first key's holder lives at home B, the later key's at home A: two namesakes. The
    # record scores 15 bits better with the first, but shares a home only with the later.
    later = make_record(curp=LATER_KEY, **HOME_A)
    first = make_record(curp=FIRST_KEY, **HOME_B)
    record = make_record(curp=None, **home)
    clusters = _cluster([later, first, record], [(1, 2, 30.0), (0, 2, 15.0)])
    labels = clusters.labels.tolist()
    assert labels[0] != labels[1]
    assert (labels[2] not in (labels[0], labels[1])) is held
    assert clusters.ambiguous == ((2,) if held else ())
