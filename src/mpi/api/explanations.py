"""Why two records match: per-comparison explanations, shared by resolveIdentity and links."""

from __future__ import annotations

import strawberry

from mpi.matching.explain import ComparisonExplanation, Explanation
from mpi.services.decide import Band
from mpi.services.model import CandidateScore

BandEnum = strawberry.enum(Band, name="Band")


@strawberry.type(description="One comparison: the level reached, its weight, the two values.")
class FieldExplanation:
    comparison: str
    level: str
    weight: float = strawberry.field(description="Log2 weight, term-frequency adjustment included.")
    tf_adjustment: float
    query_value: str | None
    candidate_value: str | None

    @classmethod
    def from_domain(cls, c: ComparisonExplanation) -> FieldExplanation:
        return cls(
            comparison=c.name,
            level=c.level,
            weight=c.weight,
            tf_adjustment=c.tf_adjustment,
            query_value=c.left_value,
            candidate_value=c.right_value,
        )


@strawberry.type(
    description="Why a record belongs to its person, scored now against the "
    "person's other records (the best one)."
)
class LinkEvidence:
    compared_with: str
    probability: float
    band: BandEnum  # type: ignore[valid-type]
    comparisons: list[FieldExplanation]

    @classmethod
    def from_score(cls, score: CandidateScore) -> LinkEvidence:
        return cls(
            compared_with=score.scored.record_key,
            probability=score.scored.probability,
            band=score.band,
            comparisons=explanation_of(score.explanation) or [],
        )


def explanation_of(explanation: Explanation | None) -> list[FieldExplanation] | None:
    if explanation is None:
        return None
    return [FieldExplanation.from_domain(c) for c in explanation.comparisons]
