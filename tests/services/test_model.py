from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from mpi.domain.records import Record
from mpi.domain.stored_records import StoredRecord
from mpi.matching.blocking_keys import block_keys
from mpi.matching.features import prepare
from mpi.matching.term_frequency import TermFrequencies
from mpi.rules_file import default_rules
from mpi.services.decide import decide
from mpi.services.model import EXPLAIN_TOP, CandidateScore, LinkingModel, uses_term_frequencies
from tests.services.people import population_file, read_valid

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    """About 450 records of 200 synthetic persons (typos, missing CURPs, twins, namesakes)."""
    return read_valid(population_file(tmp_path_factory.mktemp("model"), 200, seed=3))


@pytest.fixture(scope="module")
def model(sample: list[Record]) -> LinkingModel:
    # Counted over the sample thrice (> MIN_TF_RECORDS values): the TF adjustment is on.
    counts = TermFrequencies.from_features(prepare(sample * 3))
    assert uses_term_frequencies(counts)
    return LinkingModel(default_rules(), counts)


def _stored(records: list[Record]) -> list[StoredRecord]:
    return [StoredRecord(r, 1, T0, f"P{k % 5}") for k, r in enumerate(records)]


def _scores(scores: list[CandidateScore]) -> list[tuple[object, ...]]:
    explained = [s.explanation.comparisons if s.explanation else None for s in scores]
    return [(s.scored, s.band, e) for s, e in zip(scores, explained, strict=True)]


def test_block_keys_of_many_records_are_each_records_block_keys(
    model: LinkingModel, sample: list[Record]
) -> None:
    kinds = model.rules.blocking.keys
    together = model.block_keys_of_many(sample)
    assert together == [block_keys(prepare([r]), 0, kinds) for r in sample]
    assert [model.block_keys(r) for r in sample] == together
    assert all(together)


def test_scoring_groups_together_scores_each_group_as_alone(
    model: LinkingModel, sample: list[Record]
) -> None:
    # Groups of neighbours in file order (a person's records are adjacent), some empty.
    groups = [
        (sample[i], _stored(sample[i + 1 : i + 1 + i % 6])) for i in range(0, len(sample) - 7, 4)
    ]
    together = model.score_many(groups)
    alone = [model.score(record, candidates) for record, candidates in groups]
    assert [_scores(s) for s in together] == [_scores(s) for s in alone]
    assert [] in together
    assert any(s.scored.cannot_link for group in together for s in group)
    assert model.score_many([]) == []


def test_the_online_join_check_applies_the_rules_files_hard_negative_rules(
    model: LinkingModel,
) -> None:
    # Twins: same surnames, birth date and home, other given names, no CURP to tell them.
    blanca = Record(
        institution="IMSS",
        record_id="1",
        curp=None,
        given_names="BLANCA",
        first_surname="PEREZ",
        second_surname="SOLIS",
        sex="M",
        birth_date=datetime(1985, 3, 14).date(),
        birth_state="JC",
        postal_code="44100",
    )
    florencia = replace(blanca, institution="ISSSTE", given_names="FLORENCIA")
    person = [StoredRecord(florencia, 1, T0, "P1")]
    without_rules = LinkingModel(replace(model.rules, hard_negatives=()), model.term_frequencies)
    assert not model.joinable(blanca, person, florencia.key)
    assert without_rules.joinable(blanca, person, florencia.key)


def test_the_persons_ranked_first_on_a_tie_are_the_ones_that_explain_themselves(
    model: LinkingModel, sample: list[Record]
) -> None:
    # Eight persons' records identical but for the record id score the same; their person
    # ids sort the opposite way to their record keys, so ranking by record key would explain
    # persons the decision ranks last.
    query = replace(sample[0], institution="QUERY", record_id="q")
    twins = [replace(sample[0], record_id=f"r{k}") for k in range(8)]
    candidates = [StoredRecord(r, 1, T0, f"P{7 - k}") for k, r in enumerate(twins)]
    scores = model.score(query, candidates)
    assert len({s.scored.probability for s in scores}) == 1
    ranked = decide((s.scored for s in scores), model.thresholds).persons
    by_key = {s.scored.record_key: s for s in scores}
    explained = [by_key[p.best_record_key].explanation is not None for p in ranked]
    assert explained == [True] * EXPLAIN_TOP + [False] * (len(ranked) - EXPLAIN_TOP)
