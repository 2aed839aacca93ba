from __future__ import annotations

import numpy as np
import pytest

from mpi.matching import _block_codes
from mpi.matching._encode import dense_ranks
from mpi.matching.blocking_keys import BLOCK_KEYS, key_codes
from mpi.matching.features import prepare
from tests.matching.conftest import Labelled


def _same_blocks_in_the_same_order(f_codes: np.ndarray, reference: np.ndarray) -> None:
    assert np.array_equal(f_codes < 0, reference < 0)
    present = reference >= 0
    # Dense ranks equal: the same keys share a code and codes order as the reference's.
    assert np.array_equal(dense_ranks(f_codes[present]), dense_ranks(reference[present]))


@pytest.mark.parametrize("kind", BLOCK_KEYS)
def test_codes_group_and_order_records_as_the_dense_key_codes_do(
    labelled: Labelled, kind: str
) -> None:
    f = prepare(labelled.records[:400])
    codes = _block_codes.kind_codes(f, kind)
    _same_blocks_in_the_same_order(codes, key_codes(f, kind))
    assert int(codes.max(initial=0)) + 1 < (1 << 62) // f.n


def test_codes_are_renumbered_when_they_would_outgrow_an_int64(
    labelled: Labelled, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = prepare(labelled.records[:400])
    # A tiny bound forces the renumbering path after every part and at the end.
    monkeypatch.setattr(_block_codes, "_LIMIT", 1_000)
    codes = _block_codes.kind_codes(f, "name_state")
    _same_blocks_in_the_same_order(codes, key_codes(f, "name_state"))
    assert int(codes.max()) < np.count_nonzero(codes >= 0)
