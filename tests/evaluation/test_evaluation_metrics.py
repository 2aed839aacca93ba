from __future__ import annotations

import itertools
import random

import pytest

from mpi.evaluation import evaluate, pair_metrics
from mpi.evaluation.metrics import Metrics


@pytest.mark.parametrize(
    ("truth", "predicted", "pairwise", "bcubed", "groups"),
    [
        # one person split, and its second record merged with another person
        ("a1 b1 c2", "aX bY cY", (0, 1, 1), (2 / 3, 2 / 3), (0, 1, 1)),
        # everything in one cluster
        ("a1 b1 c1 d2", "aX bX cX dX", (3, 3, 0), (0.625, 1.0), (0, 0, 1)),
        ("a1 b1 c2 d2 e3", "aX bX cY dZ eZ", (1, 1, 1), (0.8, 0.8), (1, 1, 1)),
        # perfect, with cluster ids unrelated to person ids
        ("a1 b1 c2", "aQ bQ cR", (1, 0, 0), (1.0, 1.0), (2, 0, 0)),
    ],
)
def test_hand_computed_cases(
    truth: str,
    predicted: str,
    pairwise: tuple[int, int, int],
    bcubed: tuple[float, float],
    groups: tuple[int, int, int],
) -> None:
    result = evaluate(parse(truth), parse(predicted))
    p = result.pairwise
    assert (p.true_positives, p.false_positives, p.false_negatives) == pairwise
    assert result.clusters.bcubed_precision == pytest.approx(bcubed[0])
    assert result.clusters.bcubed_recall == pytest.approx(bcubed[1])
    c = result.clusters
    assert (c.exact_persons, c.split_persons, c.merged_clusters) == groups


def parse(text: str) -> dict[str, str]:
    return {item[0]: item[1:] for item in text.split()}


def test_metric_ratios_follow_from_the_counts() -> None:
    metrics = Metrics(true_positives=3, false_positives=3, false_negatives=0)
    assert (metrics.precision, metrics.recall) == (0.5, 1.0)
    assert metrics.f1 == pytest.approx(2 / 3)


def test_a_perfect_prediction_scores_one_everywhere() -> None:
    truth = {f"r{i}": f"p{i // 3}" for i in range(30)}
    result = evaluate(truth, {k: f"c-{v}" for k, v in truth.items()})
    c = result.clusters
    assert (result.pairwise.precision, result.pairwise.recall, result.pairwise.f1) == (1, 1, 1)
    assert (c.bcubed_precision, c.bcubed_recall, c.exact_share) == (1, 1, 1)
    assert (c.split_persons, c.merged_clusters) == (0, 0)


def test_merging_everything_keeps_recall_and_loses_precision() -> None:
    truth = {f"r{i}": f"p{i // 3}" for i in range(30)}  # 10 persons x 3 records
    result = evaluate(truth, dict.fromkeys(truth, "all"))
    assert result.pairwise.recall == 1.0
    assert result.pairwise.precision == pytest.approx(30 / 435)
    assert result.clusters.bcubed_precision == pytest.approx(0.1)
    assert (result.clusters.merged_clusters, result.clusters.exact_persons) == (1, 0)


def test_splitting_everything_keeps_precision_and_loses_recall() -> None:
    truth = {f"r{i}": f"p{i // 3}" for i in range(30)}
    result = evaluate(truth, {k: k for k in truth})
    assert (result.pairwise.precision, result.pairwise.recall, result.pairwise.f1) == (1, 0, 0)
    assert result.clusters.bcubed_recall == pytest.approx(1 / 3)
    assert result.clusters.split_persons == 10


def test_split_persons_and_merged_clusters_are_named_by_example() -> None:
    result = evaluate(parse("a1 b1 c2 d3 e3"), parse("aX bY cY dZ eZ"))
    assert result.split_examples == ("1",)
    assert result.merged_examples == ("Y",)


def test_records_known_to_only_one_side_are_reported_and_left_out() -> None:
    result = evaluate({"a": "1", "b": "1"}, {"b": "X", "c": "X"})
    assert (result.missing_from_predicted, result.missing_examples) == (1, ("a",))
    assert (result.unknown_in_predicted, result.unknown_examples) == (1, ("c",))
    assert result.compared_records == 1


def test_hard_negative_pairs_in_one_predicted_cluster_count_as_false_merges() -> None:
    truth = {"a": "P1", "b": "P2", "c": "P3", "d": "P3"}
    predicted = {"a": "X", "b": "X", "c": "Y", "d": "X"}
    pairs = [("P1", "P2", "twin"), ("P1", "P3", "sibling"), ("P2", "P4", "sibling")]
    result = evaluate(truth, predicted, pairs)
    by_kind = {r.kind: (r.pairs, r.false_merges, r.examples) for r in result.hard_negatives}
    assert by_kind == {
        "twin": (1, 1, (("P1", "P2"),)),
        "sibling": (2, 1, (("P1", "P3"),)),
    }
    assert result.hard_negative_false_merges == 2


def test_empty_inputs_give_neutral_figures() -> None:
    result = evaluate({}, {})
    assert result.compared_records == 0
    assert result.pairwise.f1 == 1.0
    assert result.clusters.bcubed_f1 == 1.0


def test_pair_metrics_count_each_unordered_pair_once() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2"}
    pairs = [("a", "b"), ("b", "a"), ("a", "d"), ("c", "c"), ("x", "a")]
    metrics = pair_metrics(pairs, truth)
    assert (metrics.true_positives, metrics.false_positives, metrics.false_negatives) == (1, 2, 2)


def test_contingency_counts_agree_with_enumerating_every_pair() -> None:
    rng = random.Random(5)
    truth = {f"r{i}": f"p{rng.randrange(40)}" for i in range(300)}
    predicted = {k: f"c{rng.randrange(60)}" for k in truth}
    clusters: dict[str, list[str]] = {}
    for key, cluster in predicted.items():
        clusters.setdefault(cluster, []).append(key)
    pairs = [p for keys in clusters.values() for p in itertools.combinations(keys, 2)]
    assert evaluate(truth, predicted).pairwise == pair_metrics(pairs, truth)
