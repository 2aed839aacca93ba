"""Household structure of the synthetic population: who lives with whom, and in which role.

Households are laid out as flat numpy arrays (one row per person) so that the whole
population is built without a Python loop per household.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Household kinds and their shares of households (a plausible mix, not census figures).
SINGLE, COUPLE, FAMILY, SINGLE_PARENT = 0, 1, 2, 3
HOUSEHOLD_SHARES = np.array([0.28, 0.17, 0.45, 0.10])
ADULTS = np.array([1, 2, 2, 1])
MAX_CHILDREN = 4
# Twins are about 1-2% of births; families get twins more often here so that every population
# carries enough twin pairs to measure false merges on (documented in the README).
TWIN_FAMILY_RATE = 0.06
# Share of families with a son where the first son is named exactly like his father (JUNIOR).
JUNIOR_RATE = 0.08

Ints = np.ndarray[tuple[int], np.dtype[np.int64]]
Bools = np.ndarray[tuple[int], np.dtype[np.bool_]]


@dataclass(frozen=True, slots=True)
class Households:
    """One row per person: household index, role and links to the household's adults."""

    household: Ints
    kind: Ints  # household kind of the person's household
    is_adult: Bools
    is_first_adult: Bools
    child_rank: Ints  # 0 for the first child, -1 for adults
    first_adult: Ints  # person index of the household's first adult
    second_adult: Ints  # person index of the second adult, -1 when there is none
    twin_of_previous: Bools  # this child is the twin of the child just before it
    household_count: int


def build_households(
    rng: np.random.Generator, persons: int, shares: np.ndarray = HOUSEHOLD_SHARES
) -> Households:
    """Lay out at least `persons` people in households (the caller trims the surplus).

    `shares` are the household kind probabilities (SINGLE, COUPLE, FAMILY, SINGLE_PARENT).
    """
    count = int(persons / 2.4) + 16
    while True:
        kinds = rng.choice(4, size=count, p=shares)
        children = np.where(
            (kinds == FAMILY) | (kinds == SINGLE_PARENT),
            np.minimum(rng.geometric(0.55, size=count), MAX_CHILDREN),
            0,
        )
        sizes = ADULTS[kinds] + children
        if sizes.sum() >= persons:
            break
        count = int(count * 1.2) + 16
    twins = (children >= 2) & (rng.random(count) < TWIN_FAMILY_RATE)
    return _layout(kinds, sizes, twins)


def _layout(kinds: Ints, sizes: Ints, twins: Bools) -> Households:
    household = np.repeat(np.arange(len(kinds)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.arange(len(household)) - starts[household]
    adults = ADULTS[kinds][household]
    child_rank = np.where(position >= adults, position - adults, -1)
    second = np.where(ADULTS[kinds] == 2, starts + 1, -1)
    return Households(
        household=household,
        kind=kinds[household],
        is_adult=position < adults,
        is_first_adult=position == 0,
        child_rank=child_rank,
        first_adult=starts[household],
        second_adult=second[household],
        twin_of_previous=(child_rank == 1) & twins[household],
        household_count=len(kinds),
    )
