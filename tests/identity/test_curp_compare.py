from __future__ import annotations

import pytest

from mpi.domain.errors import ValidationError
from mpi.identity.curp import classify_pair, compare, root

CURP = "HEGG560427MVZRRL04"


@pytest.mark.parametrize(
    ("other", "fields", "positions"),
    [
        (CURP, set(), ()),
        ("HEGG560427HVZRRL04", {"sex"}, (11,)),
        ("HEGG560417MVZRRL04", {"birth_date"}, (9,)),
        ("HEGG560427MZVRRL04", {"state"}, (12, 13)),
        ("HEGX560427MVZRRL04", {"name_letters"}, (4,)),
        ("HEGG560427MVZRRX04", {"name_consonants"}, (16,)),
        ("HEGG560427MVZRRL14", {"homoclave"}, (17,)),
        ("HEGG560427MVZRRL05", {"check_digit"}, (18,)),
        ("PEGG560427HVZRRL03", {"name_letters", "sex", "check_digit"}, (1, 11, 18)),
    ],
)
def test_compare_maps_each_mismatch_to_the_field_it_encodes(
    other: str, fields: set[str], positions: tuple[int, ...]
) -> None:
    result = compare(CURP, other)
    assert result.disagreements == fields
    assert result.positions == positions
    assert result.same_root is not any(p <= 16 for p in positions)


def test_compare_against_a_root_ignores_homoclave_and_check_digit() -> None:
    result = compare(root("HEGG560427MVZRRL99"), CURP)
    assert (result.disagreements, result.same_root) == (frozenset(), True)
    assert compare("hegg560427mvzrrl", f" {CURP} ").same_root


@pytest.mark.parametrize("bad", ["", "HEGG560427MVZRRL0", "HEGG"])
def test_compare_rejects_values_that_are_neither_curp_nor_root(bad: str) -> None:
    with pytest.raises(ValidationError) as error:
        compare(CURP, bad)
    assert error.value.problems[0].field == "b"


def test_root_is_the_first_16_characters() -> None:
    assert root(" hegg560427mvzrrl04") == "HEGG560427MVZRRL"


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (CURP, CURP, "exact"),
        (CURP, CURP.lower(), "exact"),
        (CURP, "HEGG560427MVZRRL14", "same_root"),
        (CURP, "HEGG560427MVZRRL", "same_root"),
        (CURP, "HEGG560427HVZRRL04", "one_edit"),
        (CURP, "HEGG564027MVZRRL04", "transposition"),
        (CURP, "HEGG560427MZVRRL04", "transposition"),
        (CURP, "HEGG560427HZVRRL04", "different"),
        (CURP, "HEGG560472MVZRRL05", "different"),  # a swap plus another change
        (CURP, "HEGG560427MVZRRL0", "different"),
        ("", "", "different"),
        ("ABC", "ABD", "one_edit"),
    ],
)
def test_classify_pair_names_the_kind_of_difference(a: str, b: str, kind: str) -> None:
    assert classify_pair(a, b) == kind
    assert classify_pair(b, a) == kind
