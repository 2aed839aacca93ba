from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from mpi.matching import _score_distinct, comparisons
from mpi.matching._score_distinct import Signatures, _sorted, comparison_vectors, plan
from mpi.matching.features import prepare
from mpi.matching.rules import ComparisonSpec, LevelSpec, MatchingRules
from tests.matching.conftest import Labelled, MakeRecord


def _all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    pairs = np.array(list(itertools.combinations(range(n), 2)), dtype=np.intp)
    # Both orders: the distinct pairs are ordered, so each direction is checked.
    return np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]


def _with_crossed_names(rules: MatchingRules) -> tuple[ComparisonSpec, ...]:
    crossed = LevelSpec(kind="surname_swapped", label="crossed", m=0.1, u=0.01)
    return tuple(
        replace(c, levels=(*c.levels[:-1], crossed, c.levels[-1]))
        if c.field == "given_names"
        else c
        for c in rules.comparisons
    )


def test_levels_per_distinct_value_pair_equal_the_per_pair_levels(
    labelled: Labelled, rules: MatchingRules
) -> None:
    f = prepare(labelled.records[:250])
    left, right = _all_pairs(f.n)
    expected = comparisons.comparison_vectors(rules.comparisons, f, left, right)
    found = comparison_vectors(rules.comparisons, Signatures(f), left, right)
    assert np.array_equal(found, expected)
    assert len(np.unique(found, axis=0)) > 5  # the pairs reach many level combinations


def test_a_level_reading_another_field_is_tested_per_pair_in_its_place(
    make_record: MakeRecord, rules: MatchingRules, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_score_distinct, "_FEW_PAIRS", 0)  # five records: force the split
    records = [
        make_record(given_names="PEDRO", first_surname="SOLIS"),
        make_record(given_names="SOLIS", first_surname="PEDRO"),
        make_record(given_names="PEDRO", first_surname="PEREZ"),
        make_record(given_names="SOLIS", first_surname="PEREZ"),
        make_record(given_names="PEDRO", first_surname=None),
    ]
    specs = _with_crossed_names(rules)
    given = next(c for c in specs if c.field == "given_names")
    how = plan(given)
    assert how is not None and how.per_pair == (given.level_index("surname_swapped"),)
    f = prepare(records)
    left, right = _all_pairs(f.n)
    expected = comparisons.comparison_vectors(specs, f, left, right)
    assert np.array_equal(comparison_vectors(specs, Signatures(f), left, right), expected)
    crossed = given.levels[expected[0, specs.index(given)]]
    assert crossed.kind == "surname_swapped"  # PEDRO SOLIS / SOLIS PEDRO


def test_comparisons_reading_derived_record_features_stay_per_pair(rules: MatchingRules) -> None:
    by_field = {c.field: c for c in rules.comparisons}
    assert plan(by_field["curp"]) is None
    assert plan(by_field["birth_date"]) is None
    surname = by_field["first_surname"]
    how = plan(surname)
    assert how is not None and how.per_pair == (surname.level_index("swapped"),)
    assert [level.kind for level in how.own.levels] == [
        level.kind for level in surname.levels if level.kind != "swapped"
    ]
    unknown = replace(by_field["given_names"], levels=(LevelSpec(kind="new_kind", label="x"),))
    assert plan(unknown) is None


def test_pairs_sort_by_value_whether_packed_with_their_positions_or_not() -> None:
    rng = np.random.default_rng(3)
    small = rng.integers(0, 50, 1000)
    huge = small + (1 << 61)  # no room left for the positions' bits: a plain argsort
    for key in (small, huge):
        order, ordered = _sorted(key)
        assert np.array_equal(key[order], ordered)
        assert np.all(np.diff(ordered) >= 0)
        assert sorted(order.tolist()) == list(range(len(key)))
