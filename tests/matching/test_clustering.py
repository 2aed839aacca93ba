from __future__ import annotations

from datetime import date

import numpy as np

from mpi.matching.clustering import cluster_links
from mpi.matching.features import prepare
from tests.matching.conftest import MakeRecord


def _links(pairs: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    left = np.array([a for a, _, _ in pairs], dtype=np.intp)
    right = np.array([b for _, b, _ in pairs], dtype=np.intp)
    return left, right, np.array([w for _, _, w in pairs])


def test_links_are_applied_transitively(make_record: MakeRecord) -> None:
    f = prepare([make_record(), make_record(), make_record(curp=None)])
    clusters = cluster_links(f, *_links([(0, 1, 20.0), (1, 2, 10.0)]))
    assert clusters.labels.tolist() == [0, 0, 0]
    assert clusters.count == 1


def test_a_record_without_curp_cannot_chain_two_different_people(
    make_record: MakeRecord,
) -> None:
    # Parent and child: valid CURPs with different roots and different birth dates. A third
    # record without CURP or birth date links to both.
    parent = make_record(curp="PESJ581102HJCRLN06", given_names="JUAN", sex="H",
                         birth_date=date(1958, 11, 2))  # fmt: skip
    child = make_record(curp="PESJ850314HJCRLN05", given_names="JUAN", sex="H")
    bridge = make_record(curp=None, given_names="JUAN", sex="H", birth_date=None)
    f = prepare([parent, child, bridge])
    clusters = cluster_links(f, *_links([(0, 2, 15.0), (1, 2, 12.0)]))
    labels = clusters.labels.tolist()
    assert labels[0] != labels[1]
    assert labels[2] == labels[0]  # the stronger link wins
    assert clusters.refused_hard_negative == 1


def test_twins_are_kept_apart_even_through_records_without_curp(
    make_record: MakeRecord,
) -> None:
    blanca = make_record(curp=None, given_names="BLANCA")
    florencia = make_record(curp=None, given_names="FLORENCIA")
    f = prepare([blanca, florencia])
    assert cluster_links(f, *_links([(0, 1, 30.0)])).labels.tolist() == [0, 1]


def test_a_compound_name_bridges_its_two_short_forms(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(curp=None, given_names="JUAN CARLOS"),
        make_record(curp=None, given_names="JUAN"),
        make_record(curp=None, given_names="CARLOS"),
    ])  # fmt: skip
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (0, 2, 25.0)]))
    assert clusters.count == 1


def test_not_same_constraints_are_respected(make_record: MakeRecord) -> None:
    f = prepare([make_record(), make_record(), make_record()])
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (1, 2, 20.0)]), not_same=[(0, 2)])
    assert clusters.labels[0] == clusters.labels[1] != clusters.labels[2]
    assert clusters.refused_constraint == 1


def test_alike_names_of_twins_do_not_bridge_them(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(curp=None, given_names="ALEJANDRA", sex="M"),
        make_record(curp=None, given_names="ALEJANDRA", sex="M"),
        make_record(curp=None, given_names="ALEJANDRO", sex="H"),
    ])  # fmt: skip
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (1, 2, 20.0)]))
    assert clusters.labels.tolist() == [0, 0, 1]
