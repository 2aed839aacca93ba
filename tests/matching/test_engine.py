from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from mpi.domain.records import Record
from mpi.matching.engine import MatchEngine
from mpi.matching.features import prepare
from mpi.matching.rules import MatchingRules
from mpi.matching.term_frequency import TermFrequencies
from tests.matching.conftest import BASE, MakeRecord

GIVEN = ["JUAN", "MARIA GUADALUPE", "LUPE", "JOSE LUIS", "ROSA", "PEPE", "JOSE", None]
SURNAMES = ["HERNANDEZ", "GARCIA", "PEREZ", "SOLIS", "CHAN", "PECH", "ERNANDEZ", None]
CURPS = ["PESG850314MJCRLD00", "PESJ850314HJCRLN05", "PESG850314MJCRLB00", None]


def random_records(n: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    return [
        replace(
            BASE,
            record_id=str(i),
            curp=rng.choice(CURPS),
            given_names=rng.choice(GIVEN),
            first_surname=rng.choice(SURNAMES),
            second_surname=rng.choice(SURNAMES),
            sex=rng.choice(["H", "M", None]),
            birth_date=date(1980, 1, 1) + timedelta(days=rng.randrange(40)),
            phone=rng.choice(["3312345678", "3312345679", None]),
        )
        for i in range(n)
    ]


def test_single_record_path_gives_the_batch_numbers(rules: MatchingRules) -> None:
    records = random_records(60, seed=7)
    f = prepare(records)
    engine = MatchEngine(rules, TermFrequencies.from_features(f))
    left = np.repeat(np.arange(20), 59)
    right = np.array([j for i in range(20) for j in range(60) if j != i])
    batch = engine.score_pairs(f, left, right)
    by_pair = {
        (int(a), int(b)): float(w) for a, b, w in zip(left, right, batch.match_weight, strict=True)
    }
    for i in range(20):
        others = [r for j, r in enumerate(records) if j != i]
        for score in engine.score_record(records[i], others):
            j = int(score.record_key.split(":")[1])
            assert score.match_weight == by_pair[(i, j)]


def test_identical_records_link_and_strangers_do_not(
    rules: MatchingRules, make_record: MakeRecord
) -> None:
    engine = MatchEngine(rules)
    stranger = make_record(
        curp="PESJ581102HJCRLN06", given_names="JUAN", birth_date=date(1958, 11, 2), sex="H"
    )
    scores = engine.score_record(make_record(), [make_record(), stranger])
    assert [s.band for s in scores] == ["link", "non_match"]
    assert [s.cannot_link for s in scores] == [False, True]
    assert scores[0].probability > 0.999


def test_band_follows_the_thresholds(rules: MatchingRules) -> None:
    engine = MatchEngine(rules)
    t = rules.thresholds
    assert engine.band(t.link) == "link"
    assert engine.band((t.link + t.review) / 2) == "review"
    assert engine.band(t.review / 2) == "non_match"


def test_agreeing_on_a_common_surname_weighs_less_than_on_a_rare_one(
    rules: MatchingRules, make_record: MakeRecord
) -> None:
    rng = random.Random(3)
    letters = "BCDFGLMNPRSTVZ"
    unique = ["".join(rng.choice(letters) + "A" for _ in range(4)) for _ in range(400)]
    crowd = [make_record(first_surname="HERNANDEZ") for _ in range(100)]
    crowd += [make_record(first_surname=name) for name in unique]
    pair_common = [make_record(first_surname="HERNANDEZ"), make_record(first_surname="HERNANDEZ")]
    pair_rare = [make_record(first_surname="CANCHE"), make_record(first_surname="CANCHE")]
    f = prepare([*crowd, *pair_common, *pair_rare])
    engine = MatchEngine(rules, TermFrequencies.from_features(f))
    n = len(crowd)
    scored = engine.score_pairs(f, np.array([n, n + 2]), np.array([n + 1, n + 3]))
    column = [c.name for c in rules.comparisons].index("first_surname")
    common, rare = scored.weights[:, column]
    assert rare > common
    plain = rules.comparison("first_surname").levels[1].weight
    assert common < plain < rare


def test_term_frequencies_round_trip_and_update_incrementally(make_record: MakeRecord) -> None:
    tf = TermFrequencies.from_features(prepare([make_record(), make_record()]))
    again = TermFrequencies.from_mapping(tf.to_mapping())
    assert again.frequency("first_surname", "PEREZ") == 1.0
    again.add_features(prepare([make_record(first_surname="CHAN")]))
    assert again.frequency("first_surname", "PEREZ") == pytest.approx(2 / 3)
    assert again.total("first_surname") == 3
