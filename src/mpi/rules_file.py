"""Reading and writing matching rules files (TOML). The only I/O around MatchingRules."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from mpi.domain.errors import Problem, RulesError
from mpi.matching.rules import MatchingRules


def parse_rules_text(text: str, source: str = "<rules>") -> MatchingRules:
    """Rules from TOML text.

    Raises:
        RulesError: bad TOML syntax (with line and column) or any rule problem, by key.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError([Problem(source, "toml_syntax", str(exc))]) from exc
    return MatchingRules.from_mapping(data)


def load_rules(path: str | Path) -> MatchingRules:
    """Load a rules file.

    Raises:
        RulesError: the file cannot be read, is not TOML, or breaks a rule (each key named).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError([Problem(str(path), "unreadable", str(exc))]) from exc
    return parse_rules_text(text, str(path))


def write_rules(path: str | Path, rules: MatchingRules) -> None:
    """Write `rules` as TOML; `load_rules(path)` gives them back."""
    Path(path).write_text(rules.to_toml(), encoding="utf-8")


def default_rules_text() -> str:
    return resources.files("mpi").joinpath("data", "default_rules.toml").read_text("utf-8")


def default_rules() -> MatchingRules:
    """The rules shipped with mpi (a copy of matching_rules/default.toml)."""
    return parse_rules_text(default_rules_text(), "default_rules.toml")


def load_rules_or_default(path: str | Path | None) -> MatchingRules:
    """The rules file at `path`, or the packaged default rules when no path is given."""
    return load_rules(path) if path else default_rules()
