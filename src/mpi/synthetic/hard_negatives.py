"""Pairs of different people that look alike and must never be merged, with their kind.

Twins, siblings, juniors and spouses sharing an NSS come from the household layout; true
homonyms are made here by cloning a person's full name, sex and birth date into a new,
unrelated person — in another birth state (`homonym`, a different CURP root) or in the same
one (`homonym_same_root`: RENAPO gives them the same 16-character root and tells them apart
only by position 17).
"""

from __future__ import annotations

import numpy as np

from mpi.synthetic.households import Households
from mpi.synthetic.persons import Persons

HARD_NEGATIVE_KINDS: tuple[str, ...] = (
    "twin",
    "parent_child",
    "sibling",
    "spouse_shared_nss",
    "homonym",
    "homonym_same_root",
)
HOMONYM_RATE = 0.008  # share of the population that is some earlier person's homonym
SAME_ROOT_SHARE = 0.4  # of those, born in the same state (same CURP root)

Pair = tuple[int, int, str]


def add_homonyms(
    rng: np.random.Generator, persons: Persons, strangers: Persons, count: int
) -> tuple[Persons, list[Pair]]:
    """Append `count` homonyms of randomly chosen adults, built on unrelated `strangers` rows.

    Each homonym keeps the stranger's address, phone and NSS and takes the original's given
    names, surnames, sex and birth date; its birth state is the original's or another one.
    """
    base = len(persons)
    adults = np.flatnonzero(persons.birth_day < persons.birth_day.max() - 18 * 365)
    originals = rng.choice(adults if len(adults) else np.arange(base), size=count)
    clones = strangers.take(np.arange(count))
    same_root = rng.random(count) < SAME_ROOT_SHARE
    state = np.where(same_root, persons.birth_state[originals], clones.birth_state)
    # A clone drawn in the original's state still counts as a different-root homonym only if
    # its state differs; move those to another state.
    clash = ~same_root & (state == persons.birth_state[originals])
    state[clash] = np.where(persons.birth_state[originals][clash] == "JC", "OC", "JC")
    clones = clones.with_columns(
        given=persons.given[originals],
        first_surname=persons.first_surname[originals],
        second_surname=persons.second_surname[originals],
        sex=persons.sex[originals],
        birth_day=persons.birth_day[originals],
        birth_state=state.astype(object),
        husband_surname=np.full(count, "", dtype=object),
        widow=np.zeros(count, dtype=bool),
        household=-1 - np.arange(count),
    )
    pairs = [
        (int(o), base + k, "homonym_same_root" if same else "homonym")
        for k, (o, same) in enumerate(zip(originals, same_root, strict=True))
    ]
    return persons.concat(clones), pairs


def household_pairs(layout: Households, persons: Persons, junior: np.ndarray) -> list[Pair]:
    """Twin, sibling, junior (parent_child) and shared-NSS spouse pairs within households."""
    pairs: list[Pair] = []
    twins = np.flatnonzero(layout.twin_of_previous)
    pairs += [(int(i) - 1, int(i), "twin") for i in twins]
    pairs += [(int(layout.first_adult[i]), int(i), "parent_child") for i in np.flatnonzero(junior)]
    second = np.flatnonzero(layout.is_adult & ~layout.is_first_adult)
    first = layout.first_adult[second]
    shared = (persons.nss[second] != "") & (persons.nss[second] == persons.nss[first])
    pairs += [
        (int(a), int(b), "spouse_shared_nss")
        for a, b in zip(first[shared], second[shared], strict=True)
    ]
    pairs += _sibling_pairs(layout)
    return pairs


def _sibling_pairs(layout: Households) -> list[Pair]:
    children = np.flatnonzero(layout.child_rank >= 0)
    pairs: list[Pair] = []
    twin_set = set(np.flatnonzero(layout.twin_of_previous).tolist())
    households = layout.household[children]
    boundaries = np.flatnonzero(np.diff(households)) + 1
    for group in np.split(children, boundaries):
        for a_pos in range(len(group)):
            for b_pos in range(a_pos + 1, len(group)):
                a, b = int(group[a_pos]), int(group[b_pos])
                if not (b == a + 1 and b in twin_set):
                    pairs.append((a, b, "sibling"))
    return pairs
