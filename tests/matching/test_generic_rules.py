"""matching_rules/generic.toml: rules for records without Mexican identity evidence."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mpi.matching.comparisons import comparison_levels
from mpi.matching.features import prepare
from mpi.matching.pipeline import link_batch
from mpi.matching.rules import MatchingRules
from mpi.matching.training import train
from mpi.rules_file import load_rules
from tests.matching.conftest import Labelled, MakeRecord

GENERIC = Path(__file__).resolve().parents[2] / "matching_rules" / "generic.toml"


@pytest.fixture(scope="module")
def generic() -> MatchingRules:
    return load_rules(GENERIC)


def test_generic_rules_load_without_curp_or_birth_state(generic: MatchingRules) -> None:
    names = {c.name for c in generic.comparisons}
    assert {"given_names", "first_surname", "birth_date", "postal_code", "nss"} <= names
    assert not names & {"curp", "birth_state"}
    assert not {"curp", "curp_root", "name_state"} & set(generic.blocking.keys)


def test_the_identifier_is_a_persons_own_and_survives_one_typo(generic: MatchingRules) -> None:
    nss = generic.comparison("nss")
    assert nss.group is None
    assert nss.has_kind("levenshtein")
    assert generic.comparison("postal_code").group == generic.comparison("phone").group


def test_name_and_date_rules_that_assume_curp_quality_data_are_off(
    generic: MatchingRules,
) -> None:
    assert "twins" not in generic.hard_negatives
    assert "generation" not in generic.hard_negatives


# (changes to the left record, changes to the right record, expected given_names level)
SWAPS: list[tuple[dict[str, Any], dict[str, Any], str]] = [
    ({"given_names": "ANIKA", "first_surname": "SPICER"}, {}, "exact"),
    ({"given_names": "SPICER", "first_surname": "ANIKA"}, {}, "surname_swapped"),
    ({"given_names": "SPICRE", "first_surname": "ANIKA"}, {}, "surname_swapped"),
    ({"given_names": "SPICER", "first_surname": "SMITH"}, {}, "else"),
    # Given name equal to the surname: crossing it proves nothing about a swap.
    (
        {"given_names": "JAMES", "first_surname": "JAMES"},
        {"given_names": "JAMIS", "first_surname": "JAMES"},
        "jaro_winkler",
    ),
    ({"given_names": "SPICER", "first_surname": None}, {}, "else"),
]


@pytest.mark.parametrize(("left", "right", "expected"), SWAPS)
def test_given_name_and_surname_in_each_others_field_is_its_own_level(
    generic: MatchingRules,
    make_record: MakeRecord,
    left: dict[str, Any],
    right: dict[str, Any],
    expected: str,
) -> None:
    spec = generic.comparison("given_names")
    base = {"given_names": "ANIKA", "first_surname": "SPICER", "second_surname": None}
    f = prepare([make_record(**{**base, **left}), make_record(**{**base, **right})])
    (level,) = comparison_levels(spec, f, np.array([0]), np.array([1]))
    assert spec.levels[level].kind == expected


def _pairwise(labels: np.ndarray[Any, Any], clusters: np.ndarray[Any, Any]) -> tuple[float, float]:
    upper = np.triu_indices(len(labels), 1)
    true = (labels[:, None] == labels[None, :])[upper]
    linked = (clusters[:, None] == clusters[None, :])[upper]
    hits = float((true & linked).sum())
    return hits / max(float(linked.sum()), 1.0), hits / float(true.sum())


def test_rules_trained_from_generic_link_duplicates_without_mexican_evidence(
    generic: MatchingRules, labelled: Labelled
) -> None:
    # The synthetic population without CURP, sex, second surname, birth state or NSS (its
    # NSS is a household key, not a person's own identifier): names, dates, postcode, phone.
    records = [
        replace(r, curp=None, sex=None, second_surname=None, birth_state=None, nss=None)
        for r in labelled.records
    ]
    trained = train(records, generic, u_pairs=200_000, seed=3)
    precision, recall = _pairwise(labelled.labels, link_batch(records, trained.rules).cluster)
    assert trained.converged
    assert recall > 0.92  # the packaged Mexican rules, trained alike: 0.90
    # Twins and namesakes born the same day cannot be told apart without a CURP.
    assert precision > 0.9
