from __future__ import annotations

from collections import Counter

import pytest

from mpi.identity._text import fold
from mpi.synthetic.generate import Population, generate
from mpi.synthetic.hard_negatives import HARD_NEGATIVE_KINDS
from tests.synthetic.synthetic_sample import sample_population


@pytest.fixture
def population() -> Population:
    return sample_population()


def rows_of(population: Population, kind: str) -> list[tuple[int, int]]:
    return [(int(a[1:]), int(b[1:])) for a, b, k in population.hard_negatives if k == kind]


def full_name(population: Population, i: int) -> tuple[str, str, str]:
    p = population.persons
    return (p.given[i], p.first_surname[i], p.second_surname[i])


def test_every_kind_of_hard_negative_is_present(population: Population) -> None:
    kinds = Counter(kind for _, _, kind in population.hard_negatives)
    assert set(kinds) == set(HARD_NEGATIVE_KINDS)
    assert all(count >= 3 for count in kinds.values()), kinds


def test_hard_negatives_are_pairs_of_different_persons_listed_once(
    population: Population,
) -> None:
    pairs = [(a, b) for a, b, _ in population.hard_negatives]
    assert all(a != b for a, b in pairs)
    assert len(set(pairs)) == len(pairs)
    assert {p for pair in pairs for p in pair} <= set(population.person_ids)


def test_twins_share_surnames_birth_date_and_state_but_not_names_or_curp(
    population: Population,
) -> None:
    p = population.persons
    for a, b in rows_of(population, "twin"):
        assert p.birth_day[a] == p.birth_day[b]
        assert p.birth_state[a] == p.birth_state[b]
        assert (p.first_surname[a], p.second_surname[a]) == (
            p.first_surname[b],
            p.second_surname[b],
        )
        assert p.household[a] == p.household[b]
        assert p.given[a] != p.given[b]
        assert population.curps[a] != population.curps[b]


def test_juniors_carry_their_fathers_full_name_a_generation_later(
    population: Population,
) -> None:
    p = population.persons
    for father, son in rows_of(population, "parent_child"):
        assert full_name(population, father) == full_name(population, son)
        assert 15 * 365 < p.birth_day[son] - p.birth_day[father] < 46 * 365
        assert p.household[father] == p.household[son]
        assert population.curps[father] != population.curps[son]


def test_siblings_share_a_household_and_a_first_surname(population: Population) -> None:
    p = population.persons
    for a, b in rows_of(population, "sibling"):
        assert p.household[a] == p.household[b]
        assert p.first_surname[a] == p.first_surname[b]
        assert p.birth_day[a] != p.birth_day[b]
        assert p.given[a] != p.given[b]


def test_spouses_in_the_shared_nss_kind_really_share_one_nss(population: Population) -> None:
    p = population.persons
    for a, b in rows_of(population, "spouse_shared_nss"):
        assert p.nss[a] != ""
        assert p.nss[a] == p.nss[b]
        assert p.household[a] == p.household[b]


def test_homonyms_share_full_name_and_birth_date_but_not_the_curp(
    population: Population,
) -> None:
    p = population.persons
    for kind in ("homonym", "homonym_same_root"):
        for a, b in rows_of(population, kind):
            assert full_name(population, a) == full_name(population, b)
            assert p.birth_day[a] == p.birth_day[b]
            assert p.household[a] != p.household[b]
            ca, cb = population.curps[a], population.curps[b]
            assert ca != cb
            if kind == "homonym_same_root":
                assert ca[:16] == cb[:16] and ca[16] != cb[16]
            else:
                assert ca[:16] != cb[:16]
                assert p.birth_state[a] != p.birth_state[b]


def test_beneficiaries_share_the_insured_workers_nss(population: Population) -> None:
    p = population.persons
    holders = Counter(n for n in p.nss.tolist() if n)
    assert max(holders.values()) >= 3  # a worker, the spouse and a child
    assert sum(1 for c in holders.values() if c > 1) > len(holders) / 4


def test_names_in_twin_pairs_are_sometimes_deliberately_similar() -> None:
    population = generate(8000, seed=5)
    similar = [
        (a, b)
        for a, b in rows_of(population, "twin")
        if fold(population.persons.given[a], keep_enye=False)[:3]
        == fold(population.persons.given[b], keep_enye=False)[:3]
    ]
    assert similar
