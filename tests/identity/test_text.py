from __future__ import annotations

import pytest

from mpi.identity._text import fold


@pytest.mark.parametrize(
    ("raw", "keep_enye", "expected"),
    [
        ("Núñez", True, "NUÑEZ"),
        ("Núñez", False, "NUNEZ"),
        ("ARGÜELLO", False, "ARGUELLO"),
        ("José María", True, "JOSE MARIA"),
        ("nun\u0303ez", True, "NUÑEZ"),  # combining tilde, as legacy systems emit it
    ],
)
def test_fold_strips_accents_and_handles_enye_by_variant(
    raw: str, keep_enye: bool, expected: str
) -> None:
    assert fold(raw, keep_enye=keep_enye) == expected
