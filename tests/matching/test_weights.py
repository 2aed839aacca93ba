from __future__ import annotations

import math

import numpy as np
import pytest

from mpi.matching import weights


@pytest.mark.parametrize("p", [1e-6, 0.01, 0.5, 0.9, 0.999999])
def test_probability_survives_the_round_trip_through_match_weight(p: float) -> None:
    w = weights.prob_to_match_weight(p)
    assert weights.match_weight_to_prob(w) == pytest.approx(p, rel=1e-9)
    assert weights.bayes_factor_to_prob(weights.match_weight_to_bayes_factor(w)) == pytest.approx(p)


def test_even_odds_is_weight_zero() -> None:
    assert weights.prob_to_match_weight(0.5) == 0.0
    assert weights.prob_to_bayes_factor(0.5) == 1.0


def test_level_weight_is_log2_of_m_over_u() -> None:
    assert weights.level_weight(0.9, 0.0009) == pytest.approx(math.log2(1000))


def test_vectorised_probabilities_match_the_scalar_form_and_stay_finite() -> None:
    w = np.array([-5000.0, -3.0, 0.0, 7.5, 5000.0])
    probs = weights.match_weights_to_probs(w)
    assert probs == pytest.approx([weights.match_weight_to_prob(float(x)) for x in w])
    assert 0.0 <= probs[0] < 1e-300
    assert probs[-1] == 1.0
