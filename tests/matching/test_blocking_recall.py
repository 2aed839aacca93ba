from __future__ import annotations

import numpy as np

from mpi.matching.blocking_recall import blocking_recall, true_pair_codes
from mpi.matching.features import prepare
from mpi.matching.rules import MatchingRules
from tests.matching.conftest import Labelled


def test_true_pairs_are_every_pair_within_a_label() -> None:
    codes = true_pair_codes(np.array([0, 1, 0, 0, 2], dtype=np.int64))
    assert sorted(codes.tolist()) == [0 * 5 + 2, 0 * 5 + 3, 2 * 5 + 3]


def test_default_keys_bring_nearly_every_true_pair_together(
    labelled: Labelled, rules: MatchingRules
) -> None:
    report = blocking_recall(prepare(labelled.records), labelled.labels, rules.blocking.keys, 500)
    assert report.true_pairs > 300
    assert report.recall > 0.99
    assert max(k.recall for k in report.per_key) < report.recall
    assert report.candidate_pairs < 10 * report.records
