from __future__ import annotations

import numpy as np

from mpi.matching._given import given_tokens, given_tokens_encoded


def test_a_whole_compound_name_gets_the_id_its_nickname_stands_for() -> None:
    g = given_tokens(["MARU", "MARIA EUGENIA", "MARIA ELENA", None])
    maru = int(g.tokens[0, 0])
    assert g.whole[1] in g.equivalents[maru].tolist()
    assert g.whole[2] == -1  # no token in the batch stands for MARIA ELENA
    assert g.whole[3] == -1


def test_each_record_of_an_encoded_column_gets_the_tokens_of_its_value() -> None:
    g = given_tokens_encoded(np.array([0, -1, 1, 0], dtype=np.int32), ["JOSE LUIS", "MARU"])
    words = [[str(g.words[t]) for t in row if t >= 0] for row in g.tokens.tolist()]
    assert words == [["JOSE", "LUIS"], [], ["MARU"], ["JOSE", "LUIS"]]
    assert g.significant[1].tolist() == [-1] * 4
    assert g.first_phonetic[1] == -1
    assert g.whole[0] == g.whole[3]
