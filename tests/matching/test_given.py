from __future__ import annotations

from mpi.matching._given import given_tokens


def test_a_whole_compound_name_gets_the_id_its_nickname_stands_for() -> None:
    g = given_tokens(["MARU", "MARIA EUGENIA", "MARIA ELENA", None])
    maru = int(g.tokens[0, 0])
    assert g.whole[1] in g.equivalents[maru].tolist()
    assert g.whole[2] == -1  # no token in the batch stands for MARIA ELENA
    assert g.whole[3] == -1
