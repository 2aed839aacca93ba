"""Explanations a data steward can read: per comparison, the level hit, its weight and the
two values compared."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mpi.domain.records import Record
from mpi.matching.engine import Band, MatchEngine
from mpi.matching.features import Features, format_date, prepare


@dataclass(frozen=True, slots=True)
class ComparisonExplanation:
    name: str
    level: str  # the level's label
    kind: str
    weight: float  # level weight incl. term-frequency adjustment
    tf_adjustment: float
    left_value: str | None
    right_value: str | None


@dataclass(frozen=True, slots=True)
class Explanation:
    left_key: str
    right_key: str
    prior_weight: float
    comparisons: tuple[ComparisonExplanation, ...]
    match_weight: float
    probability: float
    band: Band

    def to_text(self) -> str:
        lines = [
            f"{self.left_key} vs {self.right_key}: weight {self.match_weight:+.2f}, "
            f"probability {self.probability:.4f} ({self.band})",
            f"  prior {self.prior_weight:+.2f}",
        ]
        for c in self.comparisons:
            tf = f" (tf {c.tf_adjustment:+.2f})" if c.tf_adjustment else ""
            lines.append(
                f"  {c.name:<15} {c.weight:+7.2f}{tf}  {c.level}: "
                f"{c.left_value or '∅'} | {c.right_value or '∅'}"
            )
        return "\n".join(lines)


def field_value(f: Features, field: str, i: int) -> str | None:
    """The (normalised) value of `field` that the comparison looked at for record i."""
    if field == "curp":
        return f.curp.column.value(i)
    if field == "birth_date":
        return format_date(int(f.birth_date[i]))
    return f.text[field].value(i)


def explain(engine: MatchEngine, f: Features, i: int, j: int) -> Explanation:
    """Why records i and j of `f` got their score."""
    scored = engine.score_pairs(f, np.array([i]), np.array([j]))
    parts = []
    for c, spec in enumerate(engine.rules.comparisons):
        k = int(scored.levels[0, c])
        level = spec.levels[k]
        parts.append(
            ComparisonExplanation(
                name=spec.name,
                level=level.label,
                kind=level.kind,
                weight=float(scored.weights[0, c]),
                tf_adjustment=engine.tf_adjustment(f, i, c, k),
                left_value=field_value(f, spec.field, i),
                right_value=field_value(f, spec.field, j),
            )
        )
    probability = float(scored.probability[0])
    return Explanation(
        left_key=f.keys[i],
        right_key=f.keys[j],
        prior_weight=engine.rules.prior_weight,
        comparisons=tuple(parts),
        match_weight=float(scored.match_weight[0]),
        probability=probability,
        band=engine.band(probability),
    )


def explain_records(engine: MatchEngine, left: Record, right: Record) -> Explanation:
    """Explain the score of two records (the service and GraphQL path)."""
    return explain(engine, prepare([left, right]), 0, 1)
