from __future__ import annotations

import numpy as np
import pytest

from mpi.matching._level_tests import ANY_SPEC, containment, nickname
from mpi.matching.features import prepare
from tests.matching.conftest import MakeRecord


@pytest.mark.parametrize(
    ("left", "right", "contained"),
    [
        ("MIGUEL ANGEL", "M. ANGEL", True),
        ("L. ANGEL", "LUIS ANGEL", True),
        ("ROSA MARIA", "R. MARIA", False),  # MARIA is not a word of the name (RENAPO skips it)
        ("ANA SOFIA", "A. SOFIA", True),
        ("MIGUEL ANGEL", "R. ANGEL", False),  # another letter
        ("MIGUEL ANGEL", "M. A.", False),  # initials alone: no whole word found
        ("MIGUEL", "M.", False),
        ("MARIA GUADALUPE", "GUADALUPE", True),  # plain containment still holds
        ("MIGUEL ANGEL", "M. ANGELA", False),
    ],
)
def test_an_initial_is_contained_in_a_word_of_its_letter_when_a_whole_word_agrees(
    make_record: MakeRecord, left: str, right: str, contained: bool
) -> None:
    f = prepare([make_record(given_names=left), make_record(given_names=right)])
    i, j = np.array([0]), np.array([1])
    assert bool(containment(f, "given_names", i, j, ANY_SPEC)[0]) is contained
    assert bool(containment(f, "given_names", j, i, ANY_SPEC)[0]) is contained


@pytest.mark.parametrize(
    ("left", "right", "related"),
    [
        ("MARU", "MARIA EUGENIA", True),
        ("MARU", "MA. EUGENIA", True),  # the abbreviation reads as MARIA
        ("CHEMA", "JOSE MARIA", True),
        ("MARU", "MARIA ELENA", False),
        ("CHEMA", "JOSE", False),
        ("MARU ELENA", "MARIA EUGENIA", False),  # the nickname must be the whole name
        ("LUPE", "GUADALUPE", True),  # a one-word full name, as before
    ],
)
def test_a_nickname_of_a_whole_compound_name_is_a_nickname(
    make_record: MakeRecord, left: str, right: str, related: bool
) -> None:
    f = prepare([make_record(given_names=left), make_record(given_names=right)])
    i, j = np.array([0]), np.array([1])
    assert bool(nickname(f, "given_names", i, j, ANY_SPEC)[0]) is related
    assert bool(nickname(f, "given_names", j, i, ANY_SPEC)[0]) is related
