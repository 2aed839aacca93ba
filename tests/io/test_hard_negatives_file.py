from __future__ import annotations

from pathlib import Path

import pytest

from mpi.domain.errors import ValidationError
from mpi.io.hard_negatives_file import read_hard_negatives


def test_hard_negative_pairs_are_read_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("kind,person_a,person_b\ntwin,P1,P2\n\nhomonym,P3,P9\n", encoding="utf-8")
    assert read_hard_negatives(path) == [("P1", "P2", "twin"), ("P3", "P9", "homonym")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("person_a,person_b\nP1,P2\n", "line 1: header must have"),
        ("person_a,person_b,kind\nP1,P2\n", "line 2: wrong number of values"),
        ("person_a,person_b,kind\nP1,,twin\n", "line 2: has an empty value"),
    ],
)
def test_a_malformed_hard_negatives_file_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "h.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        read_hard_negatives(path)
