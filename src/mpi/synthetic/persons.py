"""The true people of the synthetic population: names, birth, sex, state, address, NSS, CURP.

Built column by column over the household layout: children inherit surnames from their
parents, twins share a birth date and state, juniors their father's full name, beneficiaries
the insured worker's NSS. Homonyms and the hard-negative pairs are added in `hard_negatives`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from mpi.synthetic import geo
from mpi.synthetic.households import COUPLE, FAMILY, JUNIOR_RATE, SINGLE_PARENT, Households
from mpi.synthetic.name_pool import NameTable, name_pool

# Births are drawn up to this day, so the population does not depend on the day it is made.
REFERENCE_DATE = date(2026, 1, 1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
REFERENCE_DAY = REFERENCE_DATE.toordinal() - _EPOCH_ORDINAL
NON_BINARY_RATE = 0.001
NO_SECOND_SURNAME_RATE = 0.015
BORN_ABROAD_RATE = 0.015
BORN_OUTSIDE_HOME_STATE_RATE = 0.2
INSURED_RATE = 0.55  # adults with their own IMSS/ISSSTE affiliation (NSS)
OWN_PHONE_RATE = 0.6  # adults with their own mobile rather than the household's line
MOVED_RATE = 0.15  # people whose later records show a new postal code and phone
WIDOW_RATE = 0.1  # married women past 55 recorded as widows ("VDA. DE ...")

Objects = np.ndarray[tuple[int], np.dtype[np.object_]]
Ints = np.ndarray[tuple[int], np.dtype[np.int64]]
Bools = np.ndarray[tuple[int], np.dtype[np.bool_]]


@dataclass(frozen=True, slots=True)
class Persons:
    """One row per true person; strings are base forms (uppercase, accents kept)."""

    household: Ints
    given: Objects
    first_surname: Objects
    second_surname: Objects  # "" when the person has none
    sex: Objects  # H, M or X
    birth_day: Ints  # days since 1970-01-01
    birth_state: Objects  # CURP state code or NE
    home_state: Objects  # state of residence (and of registration)
    postal_code: Objects
    phone: Objects
    new_postal_code: Objects  # after a move; "" when the person did not move
    new_phone: Objects
    nss: Objects  # "" when neither insured nor a beneficiary
    husband_surname: Objects  # married women: the husband's first surname, else ""
    widow: Bools

    def __len__(self) -> int:
        return len(self.given)

    def take(self, index: Ints) -> Persons:
        """The rows at `index`, in that order."""
        return Persons(**{f: getattr(self, f)[index] for f in self.__dataclass_fields__})

    def concat(self, other: Persons) -> Persons:
        """This table followed by `other`."""
        fields = self.__dataclass_fields__
        return Persons(**{f: np.concatenate([getattr(self, f), getattr(other, f)]) for f in fields})

    def with_columns(self, **columns: np.ndarray) -> Persons:
        """A copy with some columns replaced."""
        return replace(self, **columns)


def birth_date(day: int) -> date:
    """The calendar date of a `birth_day` value."""
    return date.fromordinal(int(day) + _EPOCH_ORDINAL)


def build_persons(rng: np.random.Generator, layout: Households) -> tuple[Persons, Bools]:
    """Draw every person's true attributes over a household layout.

    Returns the persons and a mask of the juniors (sons named exactly like their father).
    """
    n = len(layout.household)
    sex = _sexes(rng, layout)
    junior = _juniors(rng, layout, sex)
    s1, s2 = _surnames(rng, layout, junior)
    given = _given_names(rng, sex, layout)
    given[junior] = given[layout.first_adult[junior]]
    given = _distinct_sibling_names(rng, given, sex, layout, junior)
    birth = _birth_days(rng, layout)
    home = geo.sample_states(rng, layout.household_count)[layout.household]
    born = _birth_states(rng, layout, home)
    postal = geo.postal_codes(rng, home)
    postal_by_household = postal[layout.first_adult]
    phone = _phones(rng, layout)
    moved = rng.random(n) < MOVED_RATE
    new_home = geo.sample_states(rng, n)
    coupled = (layout.kind == COUPLE) | (layout.kind == FAMILY)
    married_woman = coupled & (layout.second_adult == np.arange(n)) & (sex == "M")
    husband = np.where(married_woman, s1[layout.first_adult], "").astype(object)
    persons = Persons(
        household=layout.household,
        given=given,
        first_surname=s1,
        second_surname=s2,
        sex=sex,
        birth_day=birth,
        birth_state=born,
        home_state=np.array(geo.STATE_CODES, dtype=object)[home],
        postal_code=postal_by_household.astype(object),
        phone=phone,
        new_postal_code=np.where(moved, geo.postal_codes(rng, new_home), "").astype(object),
        new_phone=np.where(moved, geo.phones(rng, n), "").astype(object),
        nss=_nss(rng, layout, birth),
        husband_surname=husband,
        widow=married_woman & (birth < REFERENCE_DAY - 55 * 365) & (rng.random(n) < WIDOW_RATE),
    )
    return persons, junior


def _sexes(rng: np.random.Generator, layout: Households) -> Objects:
    n = len(layout.household)
    coupled = (layout.kind == COUPLE) | (layout.kind == FAMILY)
    random_sex = np.where(rng.random(n) < 0.5, "H", "M")
    sex = np.where(layout.is_adult & coupled, np.where(layout.is_first_adult, "H", "M"), random_sex)
    sex = np.where(
        (layout.kind == SINGLE_PARENT) & layout.is_adult & (rng.random(n) < 0.85), "M", sex
    )
    sex = np.where(layout.twin_of_previous & (rng.random(n) < 0.5), np.roll(sex, 1), sex)
    return np.where(rng.random(n) < NON_BINARY_RATE, "X", sex).astype(object)


def _surnames(
    rng: np.random.Generator, layout: Households, junior: Bools
) -> tuple[Objects, Objects]:
    table = name_pool().surnames
    names = np.array(table.names, dtype=object)
    n = len(layout.household)
    s1 = names[table.sample(rng, n)]
    s2 = names[table.sample(rng, n)]
    s2[(rng.random(n) < NO_SECOND_SURNAME_RATE) & ~_is_junior_father(layout, junior)] = ""
    # A junior carries his father's full name: his mother's first surname is the father's second.
    s1[layout.second_adult[junior]] = s2[layout.first_adult[junior]]
    child = ~layout.is_adult
    two_parents = child & (layout.second_adult >= 0)
    s1[two_parents] = s1[layout.first_adult[two_parents]]
    s2[two_parents] = s1[layout.second_adult[two_parents]]
    # Single mothers (one choice per household): the children carry both her surnames, only
    # her first one, or an absent father's surname followed by hers.
    lone = np.flatnonzero(child & (layout.second_adult < 0))
    mother = layout.first_adult[lone]
    draw = rng.random(n)[mother]
    absent_father = names[table.sample(rng, n)][mother]
    s1[lone] = np.where(draw < 0.5, s1[mother], absent_father)
    s2[lone] = np.where(draw < 0.3, s2[mother], np.where(draw < 0.5, "", s1[mother]))
    return s1, s2


def _given_names(rng: np.random.Generator, sex: Objects, layout: Households) -> Objects:
    pool = name_pool()
    n = len(sex)
    male = np.array(pool.male.names, dtype=object)[pool.male.sample(rng, n)]
    female = np.array(pool.female.names, dtype=object)[pool.female.sample(rng, n)]
    either = rng.random(n) < 0.5
    given = np.where(sex == "H", male, np.where(sex == "M", female, np.where(either, male, female)))
    return _distinct_twin_names(rng, given.astype(object), sex, layout)


def _distinct_twin_names(
    rng: np.random.Generator, given: Objects, sex: Objects, layout: Households
) -> Objects:
    """Twins get different given names; a fifth of them deliberately similar ones."""
    pool = name_pool()
    for second in np.flatnonzero(layout.twin_of_previous):
        first_name = given[second - 1]
        table = pool.male if sex[second] == "H" else pool.female
        similar = rng.random() < 0.2
        given[second] = _other_name(rng, table, first_name, similar=similar)
    return given


def _distinct_sibling_names(
    rng: np.random.Generator, given: Objects, sex: Objects, layout: Households, junior: Bools
) -> Objects:
    """Parents do not give two of their children the same given names (juniors keep theirs)."""
    pool = name_pool()
    taken: dict[int, set[str]] = {}
    for child in np.flatnonzero(junior).tolist():
        taken[int(layout.household[child])] = {given[child]}
    for child in np.flatnonzero((layout.child_rank >= 0) & ~junior).tolist():
        names = taken.setdefault(int(layout.household[child]), set())
        while given[child] in names:
            table = pool.male if sex[child] == "H" else pool.female
            given[child] = _other_name(rng, table, given[child], similar=False)
        names.add(given[child])
    return given


def _other_name(rng: np.random.Generator, table: NameTable, name: str, *, similar: bool) -> str:
    if similar:
        head = name.split()[0]
        close = [
            n for n in table.names if n != name and (n.split()[0] == head or n[:3] == name[:3])
        ]
        if close:
            return str(close[int(rng.integers(len(close)))])
    while True:
        candidate = str(table.names[int(table.sample(rng, 1)[0])])
        if candidate != name:
            return candidate


def _juniors(rng: np.random.Generator, layout: Households, sex: Objects) -> Bools:
    n = len(sex)
    son = (layout.child_rank >= 0) & (sex == "H") & (layout.kind == FAMILY)
    son &= sex[layout.first_adult] == "H"
    son &= ~layout.twin_of_previous
    return _first_in_group(layout.household, son) & (rng.random(n) < JUNIOR_RATE)


def _first_in_group(groups: Ints, mask: Bools) -> Bools:
    index = np.flatnonzero(mask)
    first = np.zeros(len(mask), dtype=bool)
    if len(index) == 0:
        return first
    first[index[np.concatenate([[True], groups[index][1:] != groups[index][:-1]])]] = True
    return first


def _is_junior_father(layout: Households, junior: Bools) -> Bools:
    father = np.zeros(len(junior), dtype=bool)
    father[layout.first_adult[junior]] = True
    return father


def _birth_days(rng: np.random.Generator, layout: Households) -> Ints:
    n = len(layout.household)
    year = 365.25
    start = date(1940, 1, 1).toordinal() - _EPOCH_ORDINAL
    end = date(2006, 12, 31).toordinal() - _EPOCH_ORDINAL
    adult = rng.integers(start, end, size=n)
    parents = (layout.kind == FAMILY) | (layout.kind == SINGLE_PARENT)
    # Parents are born 1950-1998 so that their children can be born before the reference date.
    parent_start = date(1950, 1, 1).toordinal() - _EPOCH_ORDINAL
    parent_end = date(1998, 12, 31).toordinal() - _EPOCH_ORDINAL
    adult = np.where(parents, rng.integers(parent_start, parent_end, size=n), adult)
    partner_gap = (rng.normal(0, 4, size=n) * year).astype(np.int64)
    second = layout.is_adult & ~layout.is_first_adult
    adult = np.where(second, adult[layout.first_adult] + partner_gap, adult)
    mother = np.where(layout.second_adult >= 0, layout.second_adult, layout.first_adult)
    first_child = adult[mother] + (rng.uniform(18, 32, size=n) * year).astype(np.int64)
    gaps = np.where(layout.twin_of_previous, 0, (rng.uniform(1, 5, size=n) * year).astype(np.int64))
    gaps = np.where(layout.child_rank <= 0, 0, gaps)
    child = first_child[layout.first_adult] + _cumulative_by_group(layout.household, gaps)
    chosen = np.where(layout.is_adult, adult, child)
    latest = REFERENCE_DAY - 1 - 200 * np.maximum(layout.child_rank, 0)
    # A child the household's timeline would place after the reference date is born on a
    # random day of the years before it: clamping piled thousands of people onto a handful
    # of dates, making birth-date blocks no real population has.
    spread = rng.integers(0, 4 * 365, size=n)
    days: Ints = np.where(chosen > latest, latest - spread, chosen).astype(np.int64)
    twin = np.flatnonzero(layout.twin_of_previous)
    days[twin] = days[twin - 1]
    return days


def _cumulative_by_group(groups: Ints, values: Ints) -> Ints:
    total = np.cumsum(values)
    starts = np.concatenate([[True], groups[1:] != groups[:-1]])
    offset = np.maximum.accumulate(np.where(starts, total - values, 0))
    return np.asarray(total - offset, dtype=np.int64)


def _birth_states(rng: np.random.Generator, layout: Households, home: Ints) -> Objects:
    n = len(home)
    codes = np.array(geo.STATE_CODES, dtype=object)
    elsewhere = geo.sample_states(rng, n)
    draw = rng.random(n)
    state = np.where(draw < BORN_OUTSIDE_HOME_STATE_RATE, codes[elsewhere], codes[home])
    state = np.where(layout.is_adult & (draw > 1 - BORN_ABROAD_RATE), "NE", state)
    # Twins are born in the same place.
    twin = np.flatnonzero(layout.twin_of_previous)
    state[twin] = state[twin - 1]
    return state.astype(object)


def _phones(rng: np.random.Generator, layout: Households) -> Objects:
    n = len(layout.household)
    household_line = geo.phones(rng, n)[layout.first_adult]
    own = geo.phones(rng, n)
    has_own = layout.is_adult & (rng.random(n) < OWN_PHONE_RATE)
    return np.where(has_own, own, household_line).astype(object)


def _nss(rng: np.random.Generator, layout: Households, birth: Ints) -> Objects:
    """Insured adults get an NSS; their spouse (if not insured) and children share it."""
    from stdnum import luhn

    n = len(birth)
    insured = layout.is_adult & (rng.random(n) < INSURED_RATE)
    own = np.full(n, "", dtype=object)
    birth_year = (birth / 365.25 + 1970).astype(np.int64)
    registered = np.minimum(birth_year + rng.integers(16, 30, size=n), 2025)
    subdelegation = rng.integers(1, 100, size=n)
    sequence = rng.integers(0, 10_000, size=n)
    for i in np.flatnonzero(insured):
        body = (
            f"{subdelegation[i]:02d}{registered[i] % 100:02d}{birth_year[i] % 100:02d}"
            f"{sequence[i]:04d}"
        )
        own[i] = body + luhn.calc_check_digit(body)
    first, second = layout.first_adult, layout.second_adult
    holder = np.where(insured[first], first, np.where((second >= 0) & insured[second], second, -1))
    beneficiary = (own == "") & (holder >= 0)
    own[beneficiary] = own[holder[beneficiary]]
    return own
