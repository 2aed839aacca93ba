from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest

from mpi.matching.features import prepare
from mpi.matching.rules import MatchingRules
from mpi.matching.training import train
from tests.matching.conftest import Labelled


@pytest.fixture(scope="module")
def trained(labelled: Labelled, rules: MatchingRules) -> object:
    return train(prepare(labelled.records), rules, u_pairs=200_000, seed=3)


def test_training_writes_rules_that_load_back(trained: object, rules: MatchingRules) -> None:
    from mpi.matching.training import TrainingResult

    assert isinstance(trained, TrainingResult)
    again = MatchingRules.from_mapping(tomllib.loads(trained.rules.to_toml()))
    assert again == trained.rules
    assert [c.name for c in again.comparisons] == [c.name for c in rules.comparisons]


def test_trained_weights_order_agreement_above_disagreement(trained: object) -> None:
    from mpi.matching.training import TrainingResult

    assert isinstance(trained, TrainingResult)
    for spec in trained.rules.comparisons:
        exact, other = spec.levels[1], spec.levels[-1]
        assert exact.kind == "exact"
        if spec.group is None:
            assert exact.weight > 0 > other.weight, spec.name
        else:  # household keys: relatives share them, so agreement proves little either way
            assert abs(exact.weight) < 4 and abs(other.weight) < 4, spec.name


def test_training_reports_convergence_honestly(labelled: Labelled, rules: MatchingRules) -> None:
    f = prepare(labelled.records)
    capped = train(f, rules, max_iterations=1, tolerance=1e-12, u_pairs=50_000)
    assert not capped.converged
    assert capped.iterations == 1
    loose = train(f, rules, max_iterations=200, tolerance=1e-3, u_pairs=50_000)
    assert loose.converged
    assert loose.iterations < 200
    assert "iteration" in loose.log[-1]


def test_the_trained_prior_reflects_the_share_of_matching_pairs(trained: object) -> None:
    from mpi.matching.training import TrainingResult

    assert isinstance(trained, TrainingResult)
    assert 0.2 < trained.match_share < 0.9
    assert 0 < trained.rules.prior < 0.01


def test_a_household_keys_u_ignores_the_pairs_its_own_blocking_key_brings(
    labelled: Labelled, rules: MatchingRules
) -> None:
    # Pairs blocked by the phone key agree on phone by construction; counting them would
    # make sharing a phone look common among look-alike non-matches.
    f = prepare(labelled.records)
    without = tuple(k for k in rules.blocking.keys if k != "phone")
    u_phone = []
    for keys in (rules.blocking.keys, without):
        base = replace(rules, blocking=replace(rules.blocking, keys=keys))
        trained = train(f, base, u_pairs=50_000, seed=3)
        u_phone.append(trained.rules.comparison("phone").levels[1].u or 0.0)
    assert "phone" in rules.blocking.keys
    assert u_phone[0] == pytest.approx(u_phone[1], abs=0.05)
