from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pytest

from mpi.domain.records import RECORD_FIELDS
from mpi.identity import curp
from mpi.identity._text import fold
from mpi.identity.curp import derive_root
from mpi.identity.record_rules import parse_record
from mpi.synthetic.curps import check_digits
from mpi.synthetic.generate import Population, generate, person_id
from mpi.synthetic.name_pool import name_pool
from mpi.synthetic.persons import birth_date
from tests.synthetic.synthetic_sample import sample_population


@pytest.fixture
def population() -> Population:
    return sample_population()


def test_the_same_seed_gives_the_same_population() -> None:
    a, b = generate(300, seed=11), generate(300, seed=11)
    assert list(a.rows()) == list(b.rows())
    assert a.truth() == b.truth()
    assert a.hard_negatives == b.hard_negatives


def test_another_seed_gives_another_population() -> None:
    assert list(generate(300, seed=1).rows()) != list(generate(300, seed=2).rows())


def test_exactly_the_requested_number_of_persons_is_generated() -> None:
    for persons in (1, 7, 301):
        population = generate(persons, seed=3)
        assert len(population.persons) == persons
        assert len(set(population.record_person.tolist())) == persons


def test_every_person_has_one_to_four_records(population: Population) -> None:
    per_person = Counter(population.record_person.tolist())
    assert set(per_person.values()) == {1, 2, 3, 4}
    assert 1.9 < len(population) / len(population.persons) < 2.4


def test_record_keys_are_unique_and_truth_covers_every_record(population: Population) -> None:
    keys = population.record_keys()
    assert len(set(keys)) == len(keys)
    truth = population.truth()
    assert set(truth) == set(keys)
    assert set(truth.values()) == set(population.person_ids)


def test_every_generated_record_passes_the_record_rules(population: Population) -> None:
    for row in population.rows():
        parse_record(dict(zip(RECORD_FIELDS, row, strict=True)), today=date(2026, 1, 1))


def test_records_convert_to_domain_records(population: Population) -> None:
    first = next(population.records())
    assert first.key == population.record_keys()[0]


def test_every_persons_current_curp_is_valid_and_derived_from_their_data(
    population: Population,
) -> None:
    people = population.persons
    for i in range(len(people)):
        check = curp.validate(population.curps[i], today=date(2026, 1, 1))
        assert check.valid, (population.curps[i], check.reason)
        assert check.birth_date == date(1970, 1, 1) + np.timedelta64(people.birth_day[i], "D")
        assert check.sex == people.sex[i]
        assert check.state == people.birth_state[i]
        assert population.curps[i][:16] == derive_root(
            people.given[i],
            people.first_surname[i],
            people.second_surname[i] or None,
            birth_date(people.birth_day[i]),
            people.sex[i],
            people.birth_state[i],
        )


def test_current_curps_are_unique(population: Population) -> None:
    assert len(set(population.curps.tolist())) == len(population.persons)


def test_names_come_only_from_the_synthetic_name_pool(population: Population) -> None:
    pool = name_pool()
    assert set(population.persons.given.tolist()) <= set(pool.male.names + pool.female.names)
    surnames = set(pool.surnames.names) | {""}
    assert set(population.persons.first_surname.tolist()) <= surnames
    assert set(population.persons.second_surname.tolist()) <= surnames


def test_frequent_surnames_dominate_as_in_mexican_registers(population: Population) -> None:
    counts = Counter(fold(s, keep_enye=False) for s in population.persons.first_surname)
    top = [name for name, _ in counts.most_common(3)]
    assert "HERNANDEZ" in top
    assert counts["HERNANDEZ"] / len(population.persons) > 0.02


def test_person_ids_are_zero_padded_row_numbers() -> None:
    assert person_id(42) == "P00000042"


def test_batch_check_digits_agree_with_the_identity_rules(population: Population) -> None:
    keys = [c[:17] for c in population.curps] + ["SABC560626MDFLRN0", "OÑAT800101HDFXXXA"]
    assert check_digits(keys) == [curp.check_digit(k) for k in keys]
