import re

import numpy as np
import pytest

from mpi.domain.ids import new_id
from mpi.services.batch_ids import _in_order, sorted_ids

_LAYOUT = re.compile(r"P[0-9A-HJKMNP-TV-Z]{26}")


@pytest.mark.parametrize("count", [0, 1, 2, 5_000])
def test_ids_are_distinct_and_in_ascending_order(count: int) -> None:
    ids = sorted_ids("P", count)
    assert len(ids) == count
    assert len(set(ids)) == count
    assert ids == sorted(ids)


def test_ids_have_the_layout_of_new_id_and_its_time_part() -> None:
    before = new_id("P")
    ids = sorted_ids("P", 100)
    after = new_id("P")
    assert all(_LAYOUT.fullmatch(i) for i in ids)
    assert all(before[:11] <= i[:11] <= after[:11] for i in ids)
    assert len({i[:11] for i in ids}) == 1


def test_a_longer_prefix_is_kept_whole() -> None:
    ids = sorted_ids("RT", 3)
    assert all(i.startswith("RT") and len(i) == len(new_id("RT")) for i in ids)


def test_the_random_part_takes_every_digit() -> None:
    digits = {c for i in sorted_ids("P", 2_000) for c in i[11:]}
    assert digits == set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def test_numbers_equal_in_their_leading_bits_are_ordered_by_their_trailing_bits() -> None:
    leading = np.array([7, 7, 1, 7], dtype=np.uint64)
    trailing = np.array([5, 3, 9, 4], dtype=np.uint16)
    second_halves = [h for _, h in _in_order(leading, trailing).tolist()]
    assert second_halves == [(1 << 16) + 9, (7 << 16) + 3, (7 << 16) + 4, (7 << 16) + 5]


def test_halves_split_the_80_bits_at_the_middle() -> None:
    leading = np.array([(0xABCDE12345 << 24) | 0x678901], dtype=np.uint64)
    trailing = np.array([0xF00D], dtype=np.uint16)
    assert _in_order(leading, trailing).tolist() == [[0xABCDE12345, 0x678901F00D]]
