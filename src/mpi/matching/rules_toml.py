"""MatchingRules → plain mapping → TOML text (a small emitter for this plain structure:
tables, arrays of tables, strings, numbers, booleans and lists of scalars)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from mpi.matching.rules import ComparisonSpec, LevelSpec, MatchingRules

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def rules_to_mapping(rules: MatchingRules) -> dict[str, Any]:
    out: dict[str, Any] = {"version": 1}
    if rules.description:
        out["description"] = rules.description
    out["prior"] = rules.prior
    t = rules.thresholds
    out["thresholds"] = {
        "link": t.link,
        "review": t.review,
        "ambiguity_margin": t.ambiguity_margin,
    }
    out["blocking"] = {
        "keys": list(rules.blocking.keys),
        "max_block_size": rules.blocking.max_block_size,
    }
    out["term_frequency"] = {"min_frequency": rules.term_frequency.min_frequency}
    out["hard_negatives"] = {"rules": list(rules.hard_negatives)}
    out["comparisons"] = {c.name: _comparison(c) for c in rules.comparisons}
    return out


def _comparison(spec: ComparisonSpec) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if spec.field != spec.name:
        body["field"] = spec.field
    if spec.group is not None:
        body["group"] = spec.group
    body["levels"] = [_level(level) for level in spec.levels]
    return body


def _level(level: LevelSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": level.kind, "label": level.label}
    if level.threshold is not None:
        out["threshold"] = level.threshold
    if level.m is not None:
        out["m"] = level.m
    if level.u is not None:
        out["u"] = level.u
    if level.term_frequency:
        out["term_frequency"] = True
    if level.fixed:
        out["fixed"] = True
    return out


def dumps(data: Mapping[str, Any]) -> str:
    """TOML text for a mapping of scalars, lists of scalars, tables and arrays of tables."""
    lines: list[str] = []
    _emit_table(data, [], lines)
    return "\n".join(lines).strip() + "\n"


def _emit_table(data: Mapping[str, Any], path: list[str], lines: list[str]) -> None:
    for key, value in data.items():
        if not _is_table(value) and not _is_table_array(value):
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        sub = [*path, _key(key)]
        if _is_table(value):
            if any(not _is_table(v) for v in value.values()):
                lines.extend(["", f"[{'.'.join(sub)}]"])
            _emit_table(value, sub, lines)
        elif _is_table_array(value):
            for item in value:
                lines.extend(["", f"[[{'.'.join(sub)}]]"])
                _emit_table(item, sub, lines)


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_is_table(v) for v in value)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
