from __future__ import annotations

import math
from dataclasses import fields
from datetime import date

import numpy as np
import pytest

from mpi.identity import curp as curp_rules
from mpi.identity._text import fold
from mpi.identity.names import nickname_names
from mpi.synthetic.capture import MISSING_SECOND_SURNAME_FORMS
from mpi.synthetic.generate import Population
from mpi.synthetic.rates import DEFAULT_RATES
from tests.synthetic.synthetic_sample import sample_population


@pytest.fixture
def population() -> Population:
    return sample_population()


RATE_OF_KIND = {f.name: getattr(DEFAULT_RATES, f.name) for f in fields(DEFAULT_RATES)}
RATE_OF_KIND["accents_dropped"] = 1 - DEFAULT_RATES.accents_kept
del RATE_OF_KIND["accents_kept"], RATE_OF_KIND["enye_only"]


@pytest.mark.parametrize("kind", sorted(RATE_OF_KIND))
def test_each_error_kind_occurs_at_about_its_rate(population: Population, kind: str) -> None:
    eligible = population.eligible[kind]
    applied = population.errors[kind]
    assert not (applied & ~eligible).any()
    n = int(eligible.sum())
    assert n >= 50, f"too few records could get {kind}"
    rate = RATE_OF_KIND[kind]
    observed = applied.sum() / n
    tolerance = 4 * math.sqrt(rate * (1 - rate) / n) + 0.002
    assert abs(observed - rate) < tolerance, (kind, observed, rate)


def test_missing_curps_follow_the_institutions_capture(population: Population) -> None:
    missing = population.errors["missing_curp"]
    assert (population.columns["curp"][missing] == "").all()
    imss = population.columns["institution"] == "IMSS"
    private = np.char.startswith(population.columns["institution"].astype(str), "PRIV")
    assert missing[imss].mean() < missing[private].mean()


def truth_of(population: Population, kind: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    flagged = population.errors[kind]
    return population.columns[column][flagged], population.record_person[flagged]


def upper(text: str) -> str:
    return fold(text, keep_enye=False)


def test_swapped_surnames_put_the_second_surname_first(population: Population) -> None:
    shown, who = truth_of(population, "swapped_surnames", "first_surname")
    truth = population.persons.second_surname[who]
    assert [upper(s) for s in shown] == [upper(t) for t in truth]


def test_a_missing_second_surname_is_blank_x_xx_or_a_dot(population: Population) -> None:
    shown, _ = truth_of(population, "missing_second_surname", "second_surname")
    assert {s.upper() for s in shown} <= set(MISSING_SECOND_SURNAME_FORMS)


def test_married_forms_add_de_and_the_husbands_surname(population: Population) -> None:
    flagged = population.errors["married_name"]
    people = population.record_person[flagged]
    husbands = population.persons.husband_surname[people]
    for s1, s2, husband in zip(
        population.columns["first_surname"][flagged],
        population.columns["second_surname"][flagged],
        husbands,
        strict=True,
    ):
        assert f"DE {upper(husband)}" in upper(f"{s1} {s2}")


def test_short_given_names_drop_or_abbreviate_a_word(population: Population) -> None:
    shown, who = truth_of(population, "short_given_name", "given_names")
    for short, full in zip(shown, population.persons.given[who], strict=True):
        assert len(short.split()) < len(full.split()) or "." in short


def test_newborn_records_carry_rn_or_recien_nacido(population: Population) -> None:
    shown, who = truth_of(population, "newborn_name", "given_names")
    assert {upper(s) for s in shown} <= {"RN", "RECIEN NACIDO"}
    assert (population.persons.birth_day[who] >= (date(2010, 1, 1) - date(1970, 1, 1)).days).all()


def test_nicknames_come_from_the_nickname_table(population: Population) -> None:
    shown, _ = truth_of(population, "nickname", "given_names")
    assert all(nickname_names(upper(s)) for s in shown)


def iso(population: Population, who: np.ndarray) -> list[str]:
    days = population.persons.birth_day[who].astype("datetime64[D]")
    return [str(d) for d in days]


def test_birth_date_errors_change_the_date_as_described(population: Population) -> None:
    for kind in ("day_month_swap", "year_off_by_one", "date_digit_typo", "placeholder_birth_date"):
        shown, who = truth_of(population, kind, "birth_date")
        for text, true in zip(shown, iso(population, who), strict=True):
            assert text != true
            if kind == "day_month_swap":
                assert text == f"{true[:4]}-{true[8:]}-{true[5:7]}"
            elif kind == "year_off_by_one":
                assert abs(int(text[:4]) - int(true[:4])) == 1
                assert text[4:] == true[4:] or true[4:] == "-02-29"
            elif kind == "date_digit_typo":
                assert sum(a != b for a, b in zip(text, true, strict=True)) == 1
            else:
                assert text == "1900-01-01"


def test_records_without_a_date_error_show_the_true_date(population: Population) -> None:
    kinds = ("day_month_swap", "year_off_by_one", "date_digit_typo", "placeholder_birth_date",
             "missing_birth_date")  # fmt: skip
    clean = ~np.logical_or.reduce([population.errors[k] for k in kinds])
    who = population.record_person[clean]
    assert population.columns["birth_date"][clean].tolist() == iso(population, who)


def test_curp_errors_change_the_curp_as_described(population: Population) -> None:
    curps = population.columns["curp"]
    people = population.record_person
    current = population.curps[people]
    earlier = population.earlier_curps[people]
    placeholder = population.errors["placeholder_curp"]
    assert all(curp_rules.is_placeholder(c) for c in curps[placeholder])
    old = population.errors["earlier_curp"] & ~population.errors["curp_typo"]
    assert (curps[old] == earlier[old]).all() and (curps[old] != current[old]).all()
    typo = population.errors["curp_typo"]
    for shown, now, before in zip(curps[typo], current[typo], earlier[typo], strict=True):
        assert len(shown) == 18 and shown not in (now, before)
    untouched = ~(placeholder | typo | population.errors["earlier_curp"])
    untouched &= ~population.errors["missing_curp"]
    assert (curps[untouched] == current[untouched]).all()


def test_other_field_errors_change_the_field_as_described(population: Population) -> None:
    people = population.persons
    shown, who = truth_of(population, "state_of_registration", "birth_state")
    assert (shown == people.home_state[who]).all() and (shown != people.birth_state[who]).all()
    shown, who = truth_of(population, "sex_flip", "sex")
    assert (shown != people.sex[who]).all() and set(shown) <= {"H", "M"}
    moved = population.errors["moved_address"] & (population.columns["postal_code"] != "")
    assert (population.columns["postal_code"][moved] ==
            people.new_postal_code[population.record_person[moved]]).all()  # fmt: skip
    shown, who = truth_of(population, "nss_typo", "nss")
    assert (shown != people.nss[who]).all() and all(len(s) == 11 for s in shown)
