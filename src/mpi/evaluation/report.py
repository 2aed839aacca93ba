"""An Evaluation as plain data (for --json) and as a readable text report."""

from __future__ import annotations

from typing import Any

from mpi.evaluation.evaluate import Evaluation
from mpi.evaluation.metrics import Metrics


def to_dict(evaluation: Evaluation) -> dict[str, Any]:
    """JSON-ready nested dict of every figure in the evaluation."""
    c = evaluation.clusters
    return {
        "records": {
            "truth": evaluation.truth_records,
            "predicted": evaluation.predicted_records,
            "compared": evaluation.compared_records,
            "missing_from_predicted": evaluation.missing_from_predicted,
            "missing_examples": list(evaluation.missing_examples),
            "unknown_in_predicted": evaluation.unknown_in_predicted,
            "unknown_examples": list(evaluation.unknown_examples),
        },
        "pairwise": metrics_dict(evaluation.pairwise),
        "clusters": {
            "bcubed_precision": c.bcubed_precision,
            "bcubed_recall": c.bcubed_recall,
            "bcubed_f1": c.bcubed_f1,
            "true_persons": c.persons,
            "predicted_clusters": c.clusters,
            "exact_persons": c.exact_persons,
            "exact_share": c.exact_share,
            "split_persons": c.split_persons,
            "split_examples": list(evaluation.split_examples),
            "merged_clusters": c.merged_clusters,
            "merged_examples": list(evaluation.merged_examples),
        },
        "hard_negatives": {
            r.kind: {
                "pairs": r.pairs,
                "false_merges": r.false_merges,
                **(
                    {
                        "against_evidence": r.against_evidence,
                        "on_absent_evidence": r.false_merges - r.against_evidence,
                    }
                    if r.against_evidence is not None
                    else {}
                ),
                "examples": [list(pair) for pair in r.examples],
            }
            for r in evaluation.hard_negatives
        },
    }


def metrics_dict(metrics: Metrics) -> dict[str, float | int]:
    """Pairwise metrics and their counts as a dict."""
    return {
        "precision": metrics.precision,
        "recall": metrics.recall,
        "f1": metrics.f1,
        "true_positives": metrics.true_positives,
        "false_positives": metrics.false_positives,
        "false_negatives": metrics.false_negatives,
    }


def _examples(labels: tuple[str, ...]) -> str:
    return f" (e.g. {', '.join(labels)})" if labels else ""


def format_text(evaluation: Evaluation) -> str:
    """A short human-readable report."""
    p, c = evaluation.pairwise, evaluation.clusters
    lines = [
        f"records: {evaluation.compared_records} compared "
        f"(truth {evaluation.truth_records}, predicted {evaluation.predicted_records})",
    ]
    if evaluation.missing_from_predicted:
        lines.append(
            f"  missing from predicted: {evaluation.missing_from_predicted} "
            f"(e.g. {', '.join(evaluation.missing_examples)})"
        )
    if evaluation.unknown_in_predicted:
        lines.append(
            f"  not in truth: {evaluation.unknown_in_predicted} "
            f"(e.g. {', '.join(evaluation.unknown_examples)})"
        )
    lines += [
        "pairwise:",
        f"  precision {p.precision:.4f}  recall {p.recall:.4f}  F1 {p.f1:.4f}",
        f"  true pairs found {p.true_positives}, false pairs {p.false_positives}, "
        f"missed pairs {p.false_negatives}",
        "clusters:",
        f"  B-cubed precision {c.bcubed_precision:.4f}  recall {c.bcubed_recall:.4f}  "
        f"F1 {c.bcubed_f1:.4f}",
        f"  true persons {c.persons}, predicted clusters {c.clusters}",
        f"  persons recovered exactly {c.exact_persons} ({c.exact_share:.2%})",
        f"  split persons {c.split_persons}{_examples(evaluation.split_examples)}",
        f"  merged clusters {c.merged_clusters}{_examples(evaluation.merged_examples)}",
    ]
    if evaluation.hard_negatives:
        lines.append("hard negatives (pairs of different persons that must stay apart):")
        for r in evaluation.hard_negatives:
            line = f"  {r.kind:<18} {r.false_merges:>6} merged of {r.pairs}"
            if r.against_evidence is not None:
                absent = r.false_merges - r.against_evidence
                line += f" ({r.against_evidence} against evidence in the batch, {absent} on absent)"
            lines.append(line)
            lines += [f"    e.g. {a} + {b}" for a, b in r.examples[:3]]
    return "\n".join(lines)
