from __future__ import annotations

import numpy as np
import pytest

from mpi.matching._name_bridges import curp_letters_fit, held_by, short_name_key
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


@pytest.mark.parametrize(
    ("short", "curp", "other", "two_people"),
    [
        ("MARIA", "PESM850314MJCRLR05", "MARIA ELENA", True),  # key made from MARIA alone
        ("MARIA", "PESM850314MJCRLR05", "MARIA ROSA", True),
        ("MARIA", "PESR850314MJCRLS02", "MARIA ELENA", False),  # made from MARIA ROSA
        ("MARIA", None, "MARIA ELENA", False),  # no key: a short form
        ("MARIA", "PESM850314MJCRLR05", "MARIA", False),
        ("MARIA", "PESM850314MJCRLR05", "ELENA", False),  # not a longer form of MARIA
        ("JOSE", "PESJ850314HJCRLS07", "JOSE ANTONIO", True),
        ("JOSE", "PESJ850314HJCRLS07", "J0SE", False),  # a typo, read as JOSE and SE
    ],
)
def test_a_plain_marias_own_key_next_to_a_longer_maria_says_two_people(
    make_record: MakeRecord, short: str, curp: str | None, other: str, two_people: bool
) -> None:
    f = prepare(
        [make_record(given_names=short, curp=curp), make_record(given_names=other, curp=None)]
    )
    forward = short_name_key(f, np.array([0]), np.array([1]))
    backward = short_name_key(f, np.array([1]), np.array([0]))
    assert bool(forward[0]) is two_people
    assert bool(backward[0]) is two_people


def test_records_of_a_longer_maria_do_not_join_a_plain_marias_key(
    make_record: MakeRecord,
) -> None:
    f = prepare([
        make_record(given_names="MARIA", curp="PESM850314MJCRLR05"),
        make_record(given_names="MARIA ELENA", curp=None),
        make_record(given_names="MARIA ELENA", curp=None),
    ])  # fmt: skip
    left, right = np.array([1, 0], dtype=np.intp), np.array([2, 1], dtype=np.intp)
    labels = cluster_links(f, left, right, np.array([30.0, 20.0])).labels
    assert labels[1] == labels[2] != labels[0]
