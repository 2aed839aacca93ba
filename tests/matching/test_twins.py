from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from mpi.identity.curp import complete_curp
from mpi.matching._name_bridges import held_by
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
    assert test.between(*PAIR, members=[0, 1])


def test_one_given_name_is_not_twins(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(curp=None, given_names="BLANCA"),
        make_record(curp=None, given_names="BLANCA"),
    ])  # fmt: skip
    test = TwinsTest(f)
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
    assert test.between(*PAIR, members=[0, 1])
    assert not test.between(*PAIR, members=[0, 1, 2])


def _twins_of_a_plain_jose(make_record: MakeRecord, letters: str, other: str) -> bool:
    # A plain JOSE holding a valid key with given-name letters `letters`, and a record named
    # `other` without CURP, same surnames and birth date.
    key = complete_curp(f"CAS{letters[0]}080723HDFRN{letters[1]}", "A")
    born: dict[str, Any] = {"first_surname": "CARVAJAL", "second_surname": "SANCHEZ"}
    born |= {"sex": "H", "birth_date": date(2008, 7, 23), "birth_state": "DF"}
    f = prepare([
        make_record(curp=key, given_names="JOSE", **born),
        make_record(curp=None, given_names=other, **born),
    ])  # fmt: skip
    test = TwinsTest(f)
    return test.between(*PAIR, members=[0, 1])


def test_a_plain_jose_holding_the_key_jose_makes_alone_is_not_shown_to_be_a_jose_jesus(
    make_record: MakeRecord,
) -> None:
    # JOSE alone makes J, S; so does JESUS: the key says nothing of a compound JOSE JESUS.
    assert _twins_of_a_plain_jose(make_record, "JS", "JESUS")


def test_a_plain_jose_holding_a_key_made_from_jose_luis_is_luis(make_record: MakeRecord) -> None:
    # RENAPO skips JOSE in a compound name: L, S were made from JOSE LUIS.
    assert not _twins_of_a_plain_jose(make_record, "LS", "LUIS")


def test_a_name_is_held_by_another_as_held_by_says(make_record: MakeRecord) -> None:
    names = ["JOSE LUIS", "PEPE", "LUIS", "ALEJANDRA", "ALEJANDRO", "MA. G.", "LUPE", None]
    names += ["GUADALUPE", "MARIA GUADALUPE", "CHUY", "JESUS ANGEL", "RECIEN NACIDO", "JUAN"]
    f = prepare([make_record(curp=None, given_names=n) for n in names])
    test, g = TwinsTest(f), f.given
    pairs = [(i, j) for i in range(f.n) for j in range(f.n)]
    held = [bool(held_by(g, g.significant[i], g.tokens[[j]])[0]) for i, j in pairs]
    assert [test._holds(i, j) for i, j in pairs] == held
    assert sum(held) > f.n  # more than each name in itself
