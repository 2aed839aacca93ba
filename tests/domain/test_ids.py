"""Identifiers: prefixed, fixed length, unique, and sorted by creation time."""

from __future__ import annotations

import time

from mpi.domain.ids import new_id

CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def test_an_id_is_its_prefix_and_26_crockford_characters() -> None:
    made = new_id("P")
    assert made[0] == "P"
    assert len(made) == 27
    assert set(made[1:]) <= CROCKFORD


def test_ids_made_together_are_all_different() -> None:
    made = {new_id("R") for _ in range(10_000)}
    assert len(made) == 10_000


def test_ids_made_a_millisecond_apart_sort_in_creation_order() -> None:
    earlier = new_id("A")
    time.sleep(0.002)
    later = new_id("A")
    assert earlier < later
