from __future__ import annotations

import numpy as np

from mpi.identity.curp import complete_curp
from mpi.matching._homonym import homonym_homoclave, reissued_curps, typo_apart
from mpi.matching.features import prepare
from tests.matching.conftest import BASE, MakeRecord

ROOT = BASE.curp[:16] if BASE.curp else ""
# Born 1985: the homoclave of a birth before 2000 is a digit.
FIRST, SECOND = complete_curp(ROOT, "0"), complete_curp(ROOT, "1")
PAIR = (np.array([0], dtype=np.intp), np.array([1], dtype=np.intp))


def test_two_valid_curps_of_one_root_with_another_homoclave_are_homonyms(
    make_record: MakeRecord,
) -> None:
    f = prepare([
        make_record(curp=FIRST),
        make_record(curp=SECOND, nss=None, phone=None, postal_code="06000"),
    ])  # fmt: skip
    assert homonym_homoclave(f, *PAIR).tolist() == [True]


def test_a_shared_home_and_one_name_excuse_another_homoclave(make_record: MakeRecord) -> None:
    f = prepare([make_record(curp=FIRST), make_record(curp=SECOND)])
    assert homonym_homoclave(f, *PAIR).tolist() == [False]


def test_a_shared_home_does_not_excuse_another_homoclave_under_another_name(
    make_record: MakeRecord,
) -> None:
    f = prepare([
        make_record(curp=FIRST, given_names="DULCE"),
        make_record(curp=SECOND, given_names="DULCE MARIA"),
    ])  # fmt: skip
    assert homonym_homoclave(f, *PAIR).tolist() == [True]


def test_curps_one_transposition_apart_are_a_typo(make_record: MakeRecord) -> None:
    swapped = FIRST[:4] + FIRST[5] + FIRST[4] + FIRST[6:]
    f = prepare([make_record(curp=FIRST), make_record(curp=swapped)])
    assert typo_apart(f, *PAIR).tolist() == [True]


def test_records_sharing_a_home_under_one_name_show_a_reissued_curp(
    make_record: MakeRecord,
) -> None:
    f = prepare([make_record(curp=FIRST), make_record(curp=SECOND)])
    members = np.array([0, 1], dtype=np.intp)
    assert reissued_curps(f, *PAIR, members)


def test_namesakes_in_two_homes_are_not_a_reissue(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(curp=FIRST),
        make_record(curp=SECOND, nss=None, phone=None, postal_code="06000"),
    ])  # fmt: skip
    members = np.array([0, 1], dtype=np.intp)
    assert not reissued_curps(f, *PAIR, members)


def test_two_newborns_without_a_name_under_two_homoclaves_are_homonyms(
    make_record: MakeRecord,
) -> None:
    # Twins registered as RN share the home and the root: no name says they are one.
    f = prepare([
        make_record(curp=FIRST, given_names="RN"),
        make_record(curp=SECOND, given_names="RECIEN NACIDO"),
    ])  # fmt: skip
    assert homonym_homoclave(f, *PAIR).tolist() == [True]
