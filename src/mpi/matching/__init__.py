"""Fellegi-Sunter matching: rules as data, features, comparisons, blocking, EM, clustering.

Pure computation (no I/O); `mpi.rules_file` reads and writes rules files.
"""

from mpi.matching.blocking import CandidatePairs, OversizedBlock, block_keys_for, candidate_pairs
from mpi.matching.blocking_keys import BLOCK_KEYS, block_keys
from mpi.matching.blocking_recall import BlockingRecall, blocking_recall
from mpi.matching.clustering import Clusters, cluster_links
from mpi.matching.engine import MatchEngine, PairScore, ScoredPairs
from mpi.matching.explain import ComparisonExplanation, Explanation, explain, explain_records
from mpi.matching.features import Features, prepare
from mpi.matching.hard_negatives import HARD_NEGATIVE_RULES, cannot_link
from mpi.matching.pipeline import BatchResult, link_batch
from mpi.matching.rules import (
    BlockingSpec,
    ComparisonSpec,
    LevelSpec,
    MatchingRules,
    TermFrequencySpec,
    Thresholds,
)
from mpi.matching.term_frequency import TermFrequencies
from mpi.matching.training import TrainingResult, train

__all__ = [
    "BLOCK_KEYS",
    "HARD_NEGATIVE_RULES",
    "BatchResult",
    "BlockingRecall",
    "BlockingSpec",
    "CandidatePairs",
    "Clusters",
    "ComparisonExplanation",
    "ComparisonSpec",
    "Explanation",
    "Features",
    "LevelSpec",
    "MatchEngine",
    "MatchingRules",
    "OversizedBlock",
    "PairScore",
    "ScoredPairs",
    "TermFrequencies",
    "TermFrequencySpec",
    "Thresholds",
    "TrainingResult",
    "block_keys",
    "block_keys_for",
    "blocking_recall",
    "candidate_pairs",
    "cannot_link",
    "cluster_links",
    "explain",
    "explain_records",
    "link_batch",
    "prepare",
    "train",
]
