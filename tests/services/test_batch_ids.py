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


def test_numbers_equal_in_their_leading_bits_are_ordered_by_both_halves() -> None:
    # The second halves differ only in their 17 lowest bits, which the first sort skips.
    halves = np.array([[7, 5], [7, 3], [1, 9], [7, 4]], dtype=np.int64)
    assert _in_order(halves).tolist() == [[1, 9], [7, 3], [7, 4], [7, 5]]
