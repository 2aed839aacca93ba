from __future__ import annotations

import numpy as np
import pytest

from mpi.matching import similarity

PAIRS = [("MARTHA", "MARHTA"), ("HERNANDEZ", "FERNANDEZ"), ("ANA", "ANA"), ("", "ANA")]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_batch_forms_agree_with_the_scalar_forms(a: str, b: str) -> None:
    assert similarity.jaro_winkler_batch([a], [b])[0] == pytest.approx(
        similarity.jaro_winkler(a, b)
    )
    assert similarity.levenshtein_batch([a], [b])[0] == similarity.levenshtein(a, b)


def test_an_adjacent_swap_is_one_transposition_but_two_edits() -> None:
    assert similarity.transposition_distance_batch(["MARTHA"], ["MARHTA"]).tolist() == [1]
    assert similarity.levenshtein_batch(["MARTHA"], ["MARHTA"]).tolist() == [2]


def test_levenshtein_cutoff_caps_large_distances() -> None:
    out = similarity.levenshtein_batch(["AAAAAA", "AB"], ["BBBBBB", "AC"], cutoff=1)
    assert out[1] == 1 and out[0] > 1


def test_empty_batches_give_empty_arrays() -> None:
    assert len(similarity.jaro_winkler_batch([], [])) == 0
    assert similarity.levenshtein_batch(np.array([], dtype=object), []).dtype == np.int32
