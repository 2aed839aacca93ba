from __future__ import annotations

import numpy as np
import pytest

from mpi.domain.records import Record
from mpi.matching._cluster_agglomeration import (
    APPLIED,
    NOTHING,
    REFUSED_CONSTRAINT,
    REFUSED_HARD,
    Agglomeration,
    Evidence,
)
from mpi.matching._cluster_pairs import FlaggedPairs
from mpi.matching._twins import TwinsTest
from mpi.matching.features import prepare
from mpi.matching.hard_negatives import HARD_NEGATIVE_RULES
from tests.matching.conftest import MakeRecord


def _evidence(records: list[Record], *, unchecked: bool = False) -> Evidence:
    f = prepare(records)
    left, right = (side.astype(np.intp) for side in np.triu_indices(f.n, 1))
    flagged = FlaggedPairs(f, left, right, HARD_NEGATIVE_RULES)
    everyone = frozenset(range(f.n)) if unchecked else frozenset()
    return Evidence(f, HARD_NEGATIVE_RULES, flagged, everyone, TwinsTest(f))


def test_each_link_says_what_it_did(make_record: MakeRecord) -> None:
    records = [
        make_record(curp=None, given_names="MARIA"),
        make_record(curp=None, given_names="MARIA"),
        make_record(curp=None, given_names="VERONICA"),  # MARIA's twin
        make_record(curp=None, given_names="MARIA"),
    ]
    agglomeration = Agglomeration(_evidence(records), not_same=[(1, 3)])
    outcomes = [agglomeration.merge(a, b) for a, b in [(0, 1), (1, 0), (1, 2), (0, 3)]]
    assert outcomes == [APPLIED, NOTHING, REFUSED_HARD, REFUSED_CONSTRAINT]
    assert agglomeration.counts() == (1, 1, 1)


def test_a_verdict_holds_until_a_cluster_grows(make_record: MakeRecord) -> None:
    records = [
        make_record(curp=None, given_names="MARIA"),
        make_record(curp=None, given_names="VERONICA"),
        make_record(curp=None, given_names="MARIA VERONICA"),
    ]
    agglomeration = Agglomeration(_evidence(records), not_same=[])
    assert agglomeration.merge(0, 1) == REFUSED_HARD  # twins, as far as these two show
    assert agglomeration.merge(0, 1) == REFUSED_HARD
    assert agglomeration.merge(1, 2) == APPLIED
    # The grown cluster holds MARIA VERONICA, who shows both names to be one person's.
    assert agglomeration.merge(0, 1) == APPLIED


def test_a_record_keeps_its_own_summary_after_its_cluster_grows(
    make_record: MakeRecord,
) -> None:
    records = [make_record(), make_record(given_names="MARIA", postal_code="06000")]
    evidence = _evidence(records)
    agglomeration = Agglomeration(evidence, not_same=[])
    assert agglomeration.merge(0, 1) == APPLIED
    root = agglomeration.find(0)
    assert sorted(agglomeration.summary(root).members) == [0, 1]
    alone = evidence.single(root)
    assert alone.members == [root] and len(alone.households) == 3


def test_clusters_too_big_to_check_pairwise_are_judged_on_every_pair(
    make_record: MakeRecord,
) -> None:
    records = [
        make_record(curp=None, given_names="MARIA"),
        make_record(curp=None, given_names="VERONICA"),
    ]
    agglomeration = Agglomeration(_evidence(records, unchecked=True), not_same=[])
    assert not agglomeration.can_join(0, agglomeration.find(1))
    assert agglomeration.merge(0, 1) == REFUSED_HARD


@pytest.mark.parametrize("unchecked", [False, True])
def test_a_reissued_key_is_judged_alike_from_the_flags_and_pair_by_pair(
    make_record: MakeRecord, unchecked: bool
) -> None:
    # Old and new CURP once shared an address (0, 1); later records under the new key
    # share nothing with the old one (2, 3). Same-root twins share a root and a home, not
    # a name (4): no record shows their keys to be one person's.
    moved = {"postal_code": "06600", "phone": "5598765432", "nss": None}
    records = [
        make_record(curp="PESG850314MJCRLD18"),
        make_record(),
        make_record(**moved),
        make_record(**moved),
        make_record(curp="PESG850314MJCRLD18", given_names="GUDELIA"),
    ]
    agglomeration = Agglomeration(_evidence(records, unchecked=unchecked), not_same=[])
    outcomes = [agglomeration.merge(a, b) for a, b in [(0, 1), (2, 3), (0, 2), (4, 2)]]
    assert outcomes == [APPLIED, APPLIED, APPLIED, REFUSED_HARD]
