"""Turning a parsed TOML mapping into MatchingRules while collecting every problem by key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mpi.domain.errors import Problem, RulesError
from mpi.matching import levels as lv
from mpi.matching.blocking_keys import BLOCK_KEYS
from mpi.matching.hard_negatives import HARD_NEGATIVE_RULES
from mpi.matching.rules import (
    DEFAULT_AMBIGUITY_MARGIN,
    BlockingSpec,
    ComparisonSpec,
    LevelSpec,
    MatchingRules,
    TermFrequencySpec,
    Thresholds,
)

_TOP_KEYS = {"version", "description", "prior", "thresholds", "blocking"}
_TOP_KEYS |= {"term_frequency", "comparisons", "hard_negatives"}
_LEVEL_KEYS = {"kind", "label", "m", "u", "threshold", "term_frequency", "fixed"}


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, key: str, rule: str, message: str) -> None:
        self.items.append(Problem(key, rule, message))


def parse_rules(data: Mapping[str, Any]) -> MatchingRules:
    found = _Problems()
    for key in sorted(set(data) - _TOP_KEYS):
        found.add(key, "unknown_key", f"unknown setting {key!r}")
    prior = _probability(data, "prior", found, open_top=True)
    thresholds = _thresholds(_table(data, "thresholds", found), found)
    blocking = _blocking(_table(data, "blocking", found), found)
    tf = _term_frequency(data.get("term_frequency", {}), found)
    comparisons = _comparisons(_table(data, "comparisons", found), found)
    hard = _hard_negatives(data.get("hard_negatives", {}), found)
    if found.items:
        raise RulesError(found.items)
    return MatchingRules(
        hard_negatives=hard,
        prior=prior,
        thresholds=thresholds,
        blocking=blocking,
        comparisons=comparisons,
        term_frequency=tf,
        description=str(data.get("description", "")),
    )


def _table(data: Mapping[str, Any], key: str, found: _Problems) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        found.add(key, "missing", f"the [{key}] table is required")
        return {}
    if not isinstance(value, Mapping):
        found.add(key, "type", f"{key} must be a table")
        return {}
    return value


def _number(data: Mapping[str, Any], key: str, where: str, found: _Problems) -> float | None:
    value = data.get(key)
    if value is None:
        found.add(where, "missing", "a number is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        found.add(where, "type", f"must be a number, got {value!r}")
        return None
    return float(value)


def _probability(
    data: Mapping[str, Any], key: str, found: _Problems, *, where: str = "", open_top: bool
) -> float:
    where = where or key
    value = _number(data, key, where, found)
    if value is None:
        return 0.5
    in_range = 0.0 < value < 1.0 if open_top else 0.0 < value <= 1.0
    if not in_range:
        interval = "(0, 1)" if open_top else "(0, 1]"
        found.add(where, "range", f"must lie in {interval}, got {value}")
    return value


def _thresholds(table: Mapping[str, Any], found: _Problems) -> Thresholds:
    link = _probability(table, "link", found, where="thresholds.link", open_top=True)
    review = _probability(table, "review", found, where="thresholds.review", open_top=True)
    if review > link:
        found.add("thresholds.review", "order", f"review ({review}) must not exceed link ({link})")
    return Thresholds(link=link, review=review, ambiguity_margin=_margin(table, found))


def _margin(table: Mapping[str, Any], found: _Problems) -> float:
    where = "thresholds.ambiguity_margin"
    if "ambiguity_margin" not in table:
        return DEFAULT_AMBIGUITY_MARGIN
    value = _number(table, "ambiguity_margin", where, found)
    if value is None:
        return DEFAULT_AMBIGUITY_MARGIN
    if not 0.0 <= value < float("inf"):
        found.add(where, "range", f"must be a finite number of bits >= 0, got {value}")
    return value


def _blocking(table: Mapping[str, Any], found: _Problems) -> BlockingSpec:
    keys = table.get("keys", [])
    if not isinstance(keys, list) or not keys:
        found.add("blocking.keys", "missing", "a non-empty list of blocking keys is required")
        keys = []
    for i, key in enumerate(keys):
        if key not in BLOCK_KEYS:
            known = ", ".join(BLOCK_KEYS)
            found.add(f"blocking.keys[{i}]", "unknown", f"unknown blocking key {key!r} ({known})")
    size = table.get("max_block_size")
    if isinstance(size, bool) or not isinstance(size, int) or size < 2:
        found.add("blocking.max_block_size", "range", "must be an integer >= 2")
        size = 2
    return BlockingSpec(keys=tuple(str(k) for k in keys), max_block_size=size)


def _term_frequency(table: Any, found: _Problems) -> TermFrequencySpec:
    if not isinstance(table, Mapping):
        found.add("term_frequency", "type", "term_frequency must be a table")
        return TermFrequencySpec()
    if "min_frequency" not in table:
        return TermFrequencySpec()
    floor = _probability(
        table, "min_frequency", found, where="term_frequency.min_frequency", open_top=True
    )
    return TermFrequencySpec(min_frequency=floor)


def _comparisons(table: Mapping[str, Any], found: _Problems) -> tuple[ComparisonSpec, ...]:
    if not table:
        found.add("comparisons", "missing", "at least one comparison is required")
    specs = []
    for name, body in table.items():
        spec = _comparison(str(name), body, found)
        if spec is not None:
            specs.append(spec)
    return tuple(specs)


def _comparison(name: str, body: Any, found: _Problems) -> ComparisonSpec | None:
    where = f"comparisons.{name}"
    if not isinstance(body, Mapping):
        found.add(where, "type", "a comparison must be a table")
        return None
    field = body.get("field", name)
    if field not in lv.FIELD_FAMILY:
        known = ", ".join(lv.FIELD_FAMILY)
        found.add(where, "unknown_comparison", f"no field {field!r} to compare ({known})")
        return None
    raw_levels = body.get("levels")
    if not isinstance(raw_levels, list) or len(raw_levels) < 2:
        found.add(f"{where}.levels", "missing", "needs at least a null and an else level")
        return None
    levels = [_level(field, raw, f"{where}.levels[{i}]", found) for i, raw in enumerate(raw_levels)]
    _check_order(levels, where, found)
    for key in sorted(set(body) - {"field", "levels", "group"}):
        found.add(f"{where}.{key}", "unknown_key", f"unknown comparison setting {key!r}")
    group = body.get("group")
    if group is not None and not isinstance(group, str):
        found.add(f"{where}.group", "type", "group must be a string")
        group = None
    return ComparisonSpec(name=name, field=field, levels=tuple(levels), group=group)


def _check_order(levels: list[LevelSpec], where: str, found: _Problems) -> None:
    if levels[0].kind != lv.NULL:
        found.add(f"{where}.levels[0]", "order", "the first level must be the null level")
    if levels[-1].kind != lv.ELSE:
        found.add(f"{where}.levels[{len(levels) - 1}]", "order", "the last level must be else")
    for i, level in enumerate(levels[1:-1], start=1):
        if level.kind in (lv.NULL, lv.ELSE):
            found.add(f"{where}.levels[{i}]", "order", f"{level.kind} level out of place")


def _level(field: str, raw: Any, where: str, found: _Problems) -> LevelSpec:
    if not isinstance(raw, Mapping):
        found.add(where, "type", "a level must be a table")
        return LevelSpec(kind=lv.ELSE, label="")
    for key in sorted(set(raw) - _LEVEL_KEYS):
        found.add(f"{where}.{key}", "unknown_key", f"unknown level setting {key!r}")
    kind = str(raw.get("kind", ""))
    if kind not in lv.kinds_for(field):
        allowed = ", ".join(sorted(lv.kinds_for(field)))
        found.add(
            f"{where}.kind", "unknown_level", f"{kind!r} is not a level of {field}: {allowed}"
        )
    m = u = None
    if kind != lv.NULL:
        m = _probability(raw, "m", found, where=f"{where}.m", open_top=False)
        u = _probability(raw, "u", found, where=f"{where}.u", open_top=False)
    tf = _term_frequency_flag(field, kind, raw, where, found)
    threshold = _threshold(kind, raw, where, found)
    label = str(raw.get("label", kind))
    return LevelSpec(kind, label, m, u, threshold, tf, bool(raw.get("fixed", False)))


def _threshold(kind: str, raw: Mapping[str, Any], where: str, found: _Problems) -> float | None:
    if kind not in lv.THRESHOLD_RANGE:
        if "threshold" in raw:
            found.add(f"{where}.threshold", "unexpected", f"{kind} levels take no threshold")
        return None
    value = _number(raw, "threshold", f"{where}.threshold", found)
    low, high = lv.THRESHOLD_RANGE[kind]
    if value is not None and not low <= value <= high:
        found.add(f"{where}.threshold", "range", f"must lie in [{low}, {high}], got {value}")
    return value


def _term_frequency_flag(
    field: str, kind: str, raw: Mapping[str, Any], where: str, found: _Problems
) -> bool:
    flag = raw.get("term_frequency", False)
    if not isinstance(flag, bool):
        found.add(f"{where}.term_frequency", "type", "must be true or false")
        return False
    if flag and (kind != "exact" or lv.FIELD_FAMILY[field] not in lv.TF_FAMILIES):
        found.add(
            f"{where}.term_frequency", "unsupported", "only exact name levels take term frequency"
        )
    return bool(flag)


def _hard_negatives(table: Any, found: _Problems) -> tuple[str, ...]:
    if not isinstance(table, Mapping):
        found.add("hard_negatives", "type", "hard_negatives must be a table")
        return HARD_NEGATIVE_RULES
    names = table.get("rules", list(HARD_NEGATIVE_RULES))
    if not isinstance(names, list):
        found.add("hard_negatives.rules", "type", "must be a list of rule names")
        return HARD_NEGATIVE_RULES
    for i, name in enumerate(names):
        if name not in HARD_NEGATIVE_RULES:
            known = ", ".join(HARD_NEGATIVE_RULES)
            found.add(f"hard_negatives.rules[{i}]", "unknown", f"unknown rule {name!r} ({known})")
    return tuple(str(n) for n in names)
