from __future__ import annotations

from pathlib import Path

import pytest

from mpi.domain.errors import RulesError
from mpi.rules_file import default_rules, load_rules, parse_rules_text, write_rules


def test_written_rules_load_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    write_rules(path, default_rules())
    assert load_rules(path) == default_rules()


def test_bad_toml_syntax_names_the_line() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules_text("prior = 0.1\n[thresholds\nlink = 0.9\n", "broken.toml")
    (problem,) = caught.value.problems
    assert problem.field == "broken.toml"
    assert problem.rule == "toml_syntax"
    assert "line 2" in problem.message


def test_a_missing_file_is_a_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="unreadable"):
        load_rules(tmp_path / "absent.toml")
