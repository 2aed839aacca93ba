"""Linkage quality against ground truth: pairwise, cluster and hard-negative metrics."""

from mpi.evaluation.evaluate import Evaluation, HardNegativeResult, evaluate
from mpi.evaluation.metrics import ClusterMetrics, Metrics, pair_metrics

__all__ = [
    "ClusterMetrics",
    "Evaluation",
    "HardNegativeResult",
    "Metrics",
    "evaluate",
    "pair_metrics",
]
