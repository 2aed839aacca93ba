from __future__ import annotations

import numpy as np

from mpi.matching._twins import TwinsTest
from mpi.matching.features import prepare
from tests.matching.conftest import MakeRecord

PAIR = (np.array([0], dtype=np.intp), np.array([1], dtype=np.intp))


def test_two_given_names_born_the_same_day_are_twins(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(curp=None, given_names="BLANCA"),
        make_record(curp=None, given_names="FLORENCIA"),
    ])  # fmt: skip
    test = TwinsTest(f)
    test.seed(*PAIR)
    assert test.between(*PAIR, members=[0, 1])


def test_one_given_name_is_not_twins(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(curp=None, given_names="BLANCA"),
        make_record(curp=None, given_names="BLANCA"),
    ])  # fmt: skip
    test = TwinsTest(f)
    test.seed(*PAIR)
    assert not test.between(*PAIR, members=[0, 1])


def test_a_compound_name_in_the_cluster_shows_two_short_names_to_be_one_person(
    make_record: MakeRecord,
) -> None:
    f = prepare([
        make_record(curp=None, given_names="JUAN"),
        make_record(curp=None, given_names="CARLOS"),
        make_record(curp=None, given_names="JUAN CARLOS"),
    ])  # fmt: skip
    test = TwinsTest(f)
    test.seed(*PAIR)
    assert test.between(*PAIR, members=[0, 1])
    assert not test.between(*PAIR, members=[0, 1, 2])
