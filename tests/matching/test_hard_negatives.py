from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from mpi.identity.curp import complete_curp, derive_root
from mpi.matching.features import prepare
from mpi.matching.hard_negatives import cannot_link, names_say_two_people
from tests.matching.conftest import MakeRecord

# (what, changes to the second record, must they stay apart?)
PARENT = {"curp": "PESG581102MJCRLD01", "birth_date": date(1958, 11, 2)}
SWAPPED = {"first_surname": "SOLIS", "second_surname": "PEREZ"}
BROTHER = {"given_names": "GUSTAVO", "sex": "H"}
NO_HOUSEHOLD = {"nss": None, "phone": None, "postal_code": None}
CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("the same record", {}, False),
    ("parent with the same name", PARENT, True),
    ("parent without CURP", {"curp": None, "birth_date": date(1958, 11, 2)}, True),
    ("twin", {"curp": "PESR850314MJCRLS02", "given_names": "ROSA"}, True),
    ("twin without CURPs", {"curp": None, "given_names": "ROSA"}, True),
    ("twin, surnames swapped", {"curp": None, "given_names": "ROSA", **SWAPPED}, True),
    ("twin brother named only JOSE", {"curp": None, "given_names": "JOSE", "sex": "H"}, True),
    (
        "twin with a typo in the surname",
        {"curp": None, "given_names": "ROSA", "first_surname": "PERES"},
        True,
    ),
    ("same root, other homoclave", {"curp": "PESG850314MJCRLD18", **NO_HOUSEHOLD}, True),
    ("reissued CURP, same household", {"curp": "PESG850314MJCRLD18"}, False),
    (
        "same-root twin, same household",
        {"curp": "PESG850314MJCRLD18", "given_names": "GUDELIA"},
        True,
    ),
    ("twin brother, CURPs one letter apart", {"curp": "PESG850314HJCRLD00", **BROTHER}, True),
    ("CURP typo", {"curp": "PESG850314MJCRLB00"}, False),
    ("short form of the name", {"curp": None, "given_names": "GUADALUPE"}, False),
    ("nickname", {"curp": None, "given_names": "LUPE"}, False),
    ("initial", {"curp": None, "given_names": "MA. G."}, False),
    ("only MARIA", {"curp": None, "given_names": "MARIA"}, False),
    ("newborn twin brother", {"curp": None, "given_names": "RECIEN NACIDO", "sex": "H"}, True),
    ("newborn, same sex", {"curp": None, "given_names": "RECIEN NACIDO"}, False),
    ("day and month swapped", {"curp": None, "birth_date": date(1985, 3, 14)}, False),
]


@pytest.mark.parametrize(("what", "changes", "apart"), CASES, ids=[c[0] for c in CASES])
def test_hard_negative_rules(
    make_record: MakeRecord, what: str, changes: dict[str, Any], apart: bool
) -> None:
    f = prepare([make_record(), make_record(**changes)])
    assert cannot_link(f, np.array([0]), np.array([1])).tolist() == [apart]


@pytest.mark.parametrize("short", ["JOSE", "JOSE MARIA"])
def test_twins_with_different_given_names_are_never_merged_through_a_record_without_curp(
    make_record: MakeRecord, short: str
) -> None:
    # FEDERICO's twin recorded only as JOSE: MARIA and JOSE alone still oppose another name.
    federico = make_record(curp="PESF850314HJCRLD05", given_names="FEDERICO", sex="H")
    twin = make_record(curp=None, given_names=short, sex="H")
    f = prepare([federico, twin])
    assert cannot_link(f, np.array([0]), np.array([1])).tolist() == [True]


@pytest.mark.parametrize(
    ("names", "apart"),
    [(("DULCE", "DULCE MARIA"), True), (("DULCE MARIA", "DULCE MARIA"), False)],
)
def test_same_root_twins_whose_names_only_overlap_are_not_a_reissued_curp(
    make_record: MakeRecord, names: tuple[str, str], apart: bool
) -> None:
    # One home, one root, homoclaves 0 and 1: DULCE and DULCE MARIA are twins; the same
    # name under both keys is one person's reissued CURP.
    first = make_record(given_names=names[0])
    second = make_record(given_names=names[1], curp="PESG850314MJCRLD18")
    f = prepare([first, second])
    assert cannot_link(f, np.array([0]), np.array([1])).tolist() == [apart]


def _curp(given: str) -> str:
    return complete_curp(derive_root(given, "PEREZ", "SOLIS", date(1985, 3, 14), "M", "JC"), "0")


MAN = {"curp": None, "sex": "H"}
# (what, changes to the first record, changes to the second, must they stay apart?)
NAME_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    (
        "twins named alike, more than a typo apart",
        {**MAN, "given_names": "MAURO"},
        {**MAN, "given_names": "MAURICIO"},
        True,
    ),
    (
        "one typo in the name",
        {**MAN, "given_names": "ADALBERTO"},
        {**MAN, "given_names": "ADALBERTN"},
        False,
    ),
    (
        "a typo on each record",
        {**MAN, "given_names": "ADLABERTO"},
        {**MAN, "given_names": "ADALBERTN"},
        False,
    ),
    (
        "short names two edits apart",
        {"curp": None, "given_names": "KARLA"},
        {"curp": None, "given_names": "KARINA"},
        True,
    ),
    (
        "compound names two edits apart in their second word",
        {**MAN, "given_names": "JOSE MANUEL"},
        {**MAN, "given_names": "JOSE MIGUEL"},
        True,
    ),
    (
        "a word of the compound name two edits from the other name",
        {"curp": None, "given_names": "MARIANA"},
        {"curp": None, "given_names": "MARIA ELENA"},
        True,
    ),
    (
        "twins with a surname typo below Jaro-Winkler 0.85",
        {"curp": None, "given_names": "MARIA CRISTINA", "second_surname": "PELAYO"},
        {"curp": None, "given_names": "MARIA ISABEL", "second_surname": "LELAYO"},
        True,
    ),
    (
        "valid CURPs one letter apart, each made from its own record's name",
        {"curp": _curp("MARIA DEL CARMEN"), "given_names": "MARIA DEL CARMEN"},
        {"curp": _curp("MARTHA"), "given_names": "MARTHA"},
        True,
    ),
    (
        "a lone MARIA's CURP next to MARIA TERESA's",
        {"curp": _curp("MARIA"), "given_names": "MARIA"},
        {"curp": _curp("MARIA TERESA"), "given_names": "MARIA TERESA"},
        True,
    ),
    (
        "a newborn (RN) whose CURP letters are not the named twin's",
        {"curp": _curp("MARTHA"), "given_names": "RN"},
        {"curp": _curp("MARIA DEL CARMEN"), "given_names": "MARIA DEL CARMEN"},
        True,
    ),
    (
        "a newborn (RN) under the named record's own CURP",
        {"curp": _curp("MARTHA"), "given_names": "RN"},
        {"curp": _curp("MARTHA"), "given_names": "MARTHA"},
        False,
    ),
    (
        "a corrected CURP, one name on both records",
        {"curp": _curp("MARIA DEL CARMEN"), "given_names": "MARIA DEL CARMEN"},
        {"curp": _curp("MARTHA"), "given_names": "MARIA DEL CARMEN"},
        False,
    ),
]


@pytest.mark.parametrize(
    ("what", "first", "second", "apart"), NAME_CASES, ids=[c[0] for c in NAME_CASES]
)
def test_twins_names_and_name_letters(
    make_record: MakeRecord,
    what: str,
    first: dict[str, Any],
    second: dict[str, Any],
    apart: bool,
) -> None:
    f = prepare([make_record(**first), make_record(**second)])
    assert cannot_link(f, np.array([0]), np.array([1])).tolist() == [apart]


@pytest.mark.parametrize(
    ("other_name", "apart"),
    [
        ("JUANA", True),  # the other sex's key and that sex's form of the name: twins
        ("JUAN", False),  # the same name: a typo in the sex letter
        ("JUAN CARLOS", False),
    ],
)
def test_keys_differing_only_in_the_sex_letter_are_twins_under_the_two_forms_of_a_name(
    make_record: MakeRecord, other_name: str, apart: bool
) -> None:
    # H and M keep the check digit, so both keys are valid.
    f = prepare([
        make_record(given_names="JUAN", sex="H", curp="PESJ850314HJCRLN05"),
        make_record(given_names=other_name, sex="H", curp="PESJ850314MJCRLN05"),
    ])  # fmt: skip
    assert bool(cannot_link(f, np.array([0]), np.array([1]))[0]) is apart


def test_the_name_test_of_many_pairs_is_that_of_each_pair(make_record: MakeRecord) -> None:
    # Past a few thousand pairs the test runs once per distinct pair of names (and of
    # "both sexes recorded and different"): each pair still gets its own answer.
    names = ["ROSA", "ROSA MARIA", "GUADALUPE", "LUPE", "RECIEN NACIDO", None, "GUSTAVO"]
    sexes = ["M", "H", None]
    f = prepare([make_record(given_names=n, sex=s) for n in names for s in sexes])
    rng = np.random.default_rng(5)
    left, right = rng.integers(0, f.n, size=(2, 5000))
    one_by_one = [bool(names_say_two_people(f, left[k : k + 1], right[k : k + 1])[0])
                  for k in range(len(left))]  # fmt: skip
    many = names_say_two_people(f, left, right).tolist()
    assert many == one_by_one
    assert any(many) and not all(many)
