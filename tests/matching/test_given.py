from __future__ import annotations

import dataclasses

import numpy as np

from mpi.matching._encode import Vocabulary
from mpi.matching._given import given_tokens, given_tokens_encoded


def test_a_whole_compound_name_gets_the_id_its_nickname_stands_for() -> None:
    g = given_tokens(["MARU", "MARIA EUGENIA", "MARIA ELENA", None])
    maru = int(g.tokens[0, 0])
    assert g.whole[1] in g.equivalents[maru].tolist()
    assert g.whole[2] == -1  # no token in the batch stands for MARIA ELENA
    assert g.whole[3] == -1


def test_an_encoded_column_gives_the_tokens_of_its_values() -> None:
    values = [None, "JOSE LUIS", "MARU", "JOSE LUIS", "MA DE LOS ANGELES", None, "PEPE"]
    vocab = Vocabulary()
    encoded = given_tokens_encoded(vocab.encode(values), vocab.values)
    plain = given_tokens(values)
    for field in dataclasses.fields(plain):
        want, got = getattr(plain, field.name), getattr(encoded, field.name)
        if isinstance(want, np.ndarray):
            assert want.dtype == got.dtype
            np.testing.assert_array_equal(want, got)
        else:
            assert want.values == got.values
