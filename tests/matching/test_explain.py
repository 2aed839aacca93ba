from __future__ import annotations

import pytest

from mpi.matching.engine import MatchEngine
from mpi.matching.explain import explain_records
from mpi.matching.features import prepare
from mpi.matching.rules import MatchingRules
from mpi.matching.term_frequency import TermFrequencies
from tests.matching.conftest import MakeRecord


def test_explanation_names_each_level_and_the_values_compared(
    rules: MatchingRules, make_record: MakeRecord
) -> None:
    left = make_record()
    right = make_record(curp=None, given_names="Lupe", first_surname="Pérez")
    engine = MatchEngine(rules, TermFrequencies.from_features(prepare([left, right])))
    why = explain_records(engine, left, right)
    by_name = {c.name: c for c in why.comparisons}
    assert by_name["given_names"].kind == "nickname"
    assert (by_name["given_names"].left_value, by_name["given_names"].right_value) == (
        "MARIA GUADALUPE",
        "LUPE",
    )
    assert by_name["curp"].kind == "null" and by_name["curp"].weight == 0.0
    assert by_name["birth_date"].left_value == "1985-03-14"
    total = why.prior_weight + sum(c.weight for c in why.comparisons)
    assert why.match_weight == pytest.approx(total)
    assert why.band == engine.band(why.probability)
    assert "nickname" in why.to_text().lower()


def test_explanation_shows_the_term_frequency_part(
    rules: MatchingRules, make_record: MakeRecord
) -> None:
    records = [make_record() for _ in range(30)]
    engine = MatchEngine(rules, TermFrequencies.from_features(prepare(records)))
    why = explain_records(engine, records[0], records[1])
    surname = next(c for c in why.comparisons if c.name == "first_surname")
    assert surname.tf_adjustment < 0  # everyone is PEREZ here
    level = rules.comparison("first_surname").levels[1]
    assert surname.weight == pytest.approx(level.weight + surname.tf_adjustment)
