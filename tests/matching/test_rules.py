from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from mpi.domain.errors import RulesError
from mpi.matching.rules import MatchingRules
from mpi.rules_file import default_rules_text

ROOT = Path(__file__).resolve().parents[2]


def default_mapping() -> dict[str, Any]:
    return tomllib.loads(default_rules_text())


def test_matching_rules_default_is_identical_to_the_packaged_copy() -> None:
    shipped = (ROOT / "matching_rules" / "default.toml").read_text(encoding="utf-8")
    assert shipped == default_rules_text()


def test_default_rules_load_and_round_trip_through_toml() -> None:
    rules = MatchingRules.from_mapping(default_mapping())
    again = MatchingRules.from_mapping(tomllib.loads(rules.to_toml()))
    assert again == rules


def test_every_comparison_starts_with_null_and_ends_with_else() -> None:
    rules = MatchingRules.from_mapping(default_mapping())
    for spec in rules.comparisons:
        assert spec.levels[0].kind == "null"
        assert spec.levels[-1].kind == "else"
        assert spec.levels[0].weight == 0.0


_DELETE = object()


def _apply(data: dict[str, Any], key: str, value: Any) -> None:
    """Set (or delete) the value at a TOML key such as `comparisons.sex.levels[1].m`."""
    parts: list[str | int] = []
    for name in key.split("."):
        match = re.fullmatch(r"(\w+)\[(\d+)\]", name)
        parts.extend([match[1], int(match[2])] if match else [name])
    node: Any = data
    for part in parts[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value


# (what is wrong, the TOML key changed and named by the error, the bad value)
MALFORMED: list[tuple[str, str, Any]] = [
    ("m above one", "comparisons.birth_date.levels[2].m", 1.5),
    ("u of zero", "comparisons.sex.levels[1].u", 0.0),
    ("m not a number", "comparisons.curp.levels[1].m", "high"),
    ("m missing", "comparisons.phone.levels[1].m", _DELETE),
    ("unknown level kind", "comparisons.sex.levels[1].kind", "fuzzy"),
    ("level of another field", "comparisons.sex.levels[1].kind", "same_root"),
    ("threshold out of range", "comparisons.given_names.levels[4].threshold", 1.5),
    ("threshold missing", "comparisons.given_names.levels[4].threshold", _DELETE),
    ("term frequency on a date", "comparisons.birth_date.levels[1].term_frequency", True),
    ("unknown level setting", "comparisons.sex.levels[1].weight", 3),
    ("group not a string", "comparisons.sex.group", 3),
    ("prior of one", "prior", 1.0),
    ("prior of zero", "prior", 0),
    ("thresholds out of order", "thresholds.review", 0.99),
    ("link threshold missing", "thresholds.link", _DELETE),
    ("negative ambiguity margin", "thresholds.ambiguity_margin", -1.0),
    ("ambiguity margin not a number", "thresholds.ambiguity_margin", "wide"),
    ("infinite ambiguity margin", "thresholds.ambiguity_margin", float("inf")),
    ("tiny block cap", "blocking.max_block_size", 1),
    ("unknown top-level setting", "lambda", 0.1),
]

# Errors reported on a different key than the one changed.
MISPLACED: list[tuple[str, str, Any, str]] = [
    (
        "null level not first",
        "comparisons.sex.levels[0].kind",
        "exact",
        "comparisons.sex.levels[0]",
    ),
    ("else level not last", "comparisons.sex.levels[2].kind", "exact", "comparisons.sex.levels[2]"),
    ("unknown comparison", "comparisons.shoe_size", {"levels": []}, "comparisons.shoe_size"),
    ("unknown blocking key", "blocking.keys", ["curp", "zodiac"], "blocking.keys[1]"),
]


def _problem_keys(changes: list[tuple[str, Any]]) -> set[str]:
    data = copy.deepcopy(default_mapping())
    for key, value in changes:
        _apply(data, key, value)
    with pytest.raises(RulesError) as caught:
        MatchingRules.from_mapping(data)
    return {p.field for p in caught.value.problems}


@pytest.mark.parametrize(("what", "key", "value"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_rule_is_reported_by_its_toml_key(what: str, key: str, value: Any) -> None:
    assert key in _problem_keys([(key, value)])


@pytest.mark.parametrize(
    ("what", "key", "value", "named"), MISPLACED, ids=[m[0] for m in MISPLACED]
)
def test_a_structural_problem_names_the_key_at_fault(
    what: str, key: str, value: Any, named: str
) -> None:
    assert named in _problem_keys([(key, value)])


def test_every_problem_is_collected_before_raising() -> None:
    chosen = MALFORMED[:3] + MALFORMED[10:14]
    assert {m[1] for m in chosen} <= _problem_keys([(m[1], m[2]) for m in chosen])


def test_hard_negative_rules_default_to_all_and_reject_unknown_names() -> None:
    from mpi.matching.hard_negatives import HARD_NEGATIVE_RULES

    assert MatchingRules.from_mapping(default_mapping()).hard_negatives == HARD_NEGATIVE_RULES
    data = copy.deepcopy(default_mapping())
    data["hard_negatives"] = {"rules": ["twins", "astrology"]}
    with pytest.raises(RulesError) as caught:
        MatchingRules.from_mapping(data)
    assert [p.field for p in caught.value.problems] == ["hard_negatives.rules[1]"]


def test_the_ambiguity_margin_defaults_to_ten_bits_and_round_trips() -> None:
    data = default_mapping()
    del data["thresholds"]["ambiguity_margin"]
    assert MatchingRules.from_mapping(data).thresholds.ambiguity_margin == 10.0
    data["thresholds"]["ambiguity_margin"] = 4.5
    rules = MatchingRules.from_mapping(data)
    assert MatchingRules.from_mapping(tomllib.loads(rules.to_toml())) == rules
    assert rules.thresholds.ambiguity_margin == 4.5
