"""MatchingRules: everything tunable about matching, as plain data that loads from and writes
back to TOML (the specification; engine.py compiles it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mpi.matching.weights import level_weight, prob_to_match_weight


@dataclass(frozen=True, slots=True)
class LevelSpec:
    """One level of a comparison: a kind of (dis)agreement and its m and u probabilities.

    Null levels carry no m/u (weight 0). `threshold` parameterises jaro_winkler (similarity)
    and levenshtein (max edits); `term_frequency` adjusts an exact level by value frequency;
    `fixed` keeps m and u as written when training.
    """

    kind: str
    label: str
    m: float | None = None
    u: float | None = None
    threshold: float | None = None
    term_frequency: bool = False
    fixed: bool = False

    @property
    def weight(self) -> float:
        if self.m is None or self.u is None:
            return 0.0
        return level_weight(self.m, self.u)


@dataclass(frozen=True, slots=True)
class ComparisonSpec:
    """An ordered list of levels over one record field (Null first, Else last).

    Comparisons sharing a `group` are correlated evidence (phone, NSS and postal code are
    shared by a household): within a group only the largest agreement weight counts.
    """

    name: str
    field: str
    levels: tuple[LevelSpec, ...]
    group: str | None = None

    def level_index(self, kind: str) -> int:
        return next(i for i, level in enumerate(self.levels) if level.kind == kind)

    def has_kind(self, kind: str) -> bool:
        return any(level.kind == kind for level in self.levels)


# A thousandfold likelihood ratio: e.g. an exact CURP against a namesake sharing only a name.
DEFAULT_AMBIGUITY_MARGIN = 10.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Probability bands: >= link links, >= review goes to a steward, else no match.

    `ambiguity_margin` (match-weight bits): a record whose links reach persons that cannot
    be one person is linked automatically only when its best link beats the best link to
    any of the others by at least this much; otherwise it goes to review.
    """

    link: float
    review: float
    ambiguity_margin: float = DEFAULT_AMBIGUITY_MARGIN


@dataclass(frozen=True, slots=True)
class BlockingSpec:
    keys: tuple[str, ...]
    max_block_size: int


@dataclass(frozen=True, slots=True)
class TermFrequencySpec:
    # Floor on a value's frequency so a value seen once cannot give an unbounded weight.
    min_frequency: float = 1e-5


@dataclass(frozen=True, slots=True)
class MatchingRules:
    """The whole matching specification (DESIGN.md §3)."""

    prior: float
    thresholds: Thresholds
    blocking: BlockingSpec
    comparisons: tuple[ComparisonSpec, ...]
    term_frequency: TermFrequencySpec = field(default_factory=TermFrequencySpec)
    description: str = ""
    # Which hard_negatives rules forbid links (all by default; see hard_negatives.py).
    hard_negatives: tuple[str, ...] = ("different_curps", "homonym", "generation", "twins")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> MatchingRules:
        """Build rules from parsed TOML, collecting every problem.

        Raises:
            RulesError: listing each problem by its TOML key, e.g.
                `comparisons.birth_date.levels[2].m`.
        """
        from mpi.matching._rules_parse import parse_rules

        return parse_rules(data)

    def to_mapping(self) -> dict[str, Any]:
        """Plain dict in the TOML layout; `from_mapping(to_mapping())` round-trips."""
        from mpi.matching.rules_toml import rules_to_mapping

        return rules_to_mapping(self)

    def to_toml(self) -> str:
        from mpi.matching.rules_toml import dumps

        return dumps(self.to_mapping())

    @property
    def prior_weight(self) -> float:
        return prob_to_match_weight(self.prior)

    def comparison(self, name: str) -> ComparisonSpec:
        return next(c for c in self.comparisons if c.name == name)

    def with_comparisons(self, comparisons: tuple[ComparisonSpec, ...]) -> MatchingRules:
        return replace(self, comparisons=comparisons)


__all__ = [
    "DEFAULT_AMBIGUITY_MARGIN",
    "BlockingSpec",
    "ComparisonSpec",
    "LevelSpec",
    "MatchingRules",
    "TermFrequencySpec",
    "Thresholds",
]
