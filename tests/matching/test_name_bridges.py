from __future__ import annotations

import numpy as np
import pytest

from mpi.matching._name_bridges import curp_letters_fit, held_by
from mpi.matching.clustering import cluster_links
from mpi.matching.features import prepare
from tests.matching.conftest import MakeRecord


def test_a_nickname_is_held_by_the_full_name_it_shortens(make_record: MakeRecord) -> None:
    f = prepare([make_record(given_names="PEPE"), make_record(given_names="JOSE LUIS")])
    g = f.given
    assert held_by(g, g.significant[0], g.tokens[1:]).tolist() == [True]


def test_a_name_not_in_the_full_name_is_not_held(make_record: MakeRecord) -> None:
    f = prepare([make_record(given_names="RAMON"), make_record(given_names="JOSE LUIS")])
    g = f.given
    assert held_by(g, g.significant[0], g.tokens[1:]).tolist() == [False]


@pytest.mark.parametrize(
    ("curp", "fits"),
    [
        ("PESR850314MJCRLS02", True),  # made from MARIA ROSA: R, S
        ("PESM850314MJCRLR05", False),  # made from MARIA alone: M, R
        (None, False),
    ],
)
def test_a_curp_made_from_a_longer_name_fits_the_rest_of_it(
    make_record: MakeRecord, curp: str | None, fits: bool
) -> None:
    f = prepare([make_record(given_names="MARIA", curp=curp), make_record(given_names="ROSA")])
    assert curp_letters_fit(f, 0, 1) is fits


@pytest.mark.parametrize(
    ("names", "curp", "one_person"),
    [
        (("PEPE", "JOSE LUIS", "LUIS"), None, True),
        (("MARIA", "ROSA", "ROSA"), "PESR850314MJCRLS02", True),
        (("MARIA", "ROSA", "ROSA"), "PESM850314MJCRLR05", False),
    ],
)
def test_short_forms_of_one_name_are_one_person_but_twins_are_not(
    make_record: MakeRecord, names: tuple[str, str, str], curp: str | None, one_person: bool
) -> None:
    # The first record is linked to the other two (no CURP), which are linked to each other.
    f = prepare([
        make_record(given_names=names[0], curp=curp),
        make_record(given_names=names[1], curp=None),
        make_record(given_names=names[2], curp=None),
    ])  # fmt: skip
    left, right = np.array([1, 0], dtype=np.intp), np.array([2, 1], dtype=np.intp)
    clusters = cluster_links(f, left, right, np.array([30.0, 20.0]))
    assert (clusters.count == 1) is one_person
