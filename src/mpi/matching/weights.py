"""Fellegi-Sunter arithmetic: probability ↔ Bayes factor ↔ match weight (log2 Bayes factor)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


def prob_to_bayes_factor(p: float) -> float:
    return p / (1.0 - p)


def bayes_factor_to_prob(bf: float) -> float:
    return bf / (1.0 + bf)


def prob_to_match_weight(p: float) -> float:
    return math.log2(prob_to_bayes_factor(p))


def match_weight_to_bayes_factor(w: float) -> float:
    return math.pow(2.0, w)


def match_weight_to_prob(w: float) -> float:
    return 1.0 / (1.0 + math.pow(2.0, -min(max(w, -1000.0), 1000.0)))


def level_weight(m: float, u: float) -> float:
    return math.log2(m / u)


def match_weights_to_probs(w: NDArray[np.float64]) -> NDArray[np.float64]:
    """Vectorised `match_weight_to_prob`; clipping keeps exp2 finite for extreme weights."""
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp2(-np.clip(w, -1000.0, 1000.0)))
    return out
