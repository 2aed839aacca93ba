"""Generate a synthetic Mexican patient population with ground truth and hard negatives.

`generate(persons, seed=...)` builds households of true people (names from Faker's es_MX
lists with Zipf-like weights, valid CURPs by the RENAPO rules, shared NSS for beneficiaries),
adds deliberate look-alikes (twins, juniors, siblings, spouses sharing an NSS, homonyms), then
writes 1-4 records per person across institutions with the capture errors of `ErrorRates`.
The same seed always gives the same population. Every value is synthetic.

Error kinds and their per-record probabilities are listed in `mpi.synthetic.rates`; the
household mix and twin/junior rates in `households`, person-level rates (moves, changed
CURPs, NSS affiliation, born abroad) in `persons` and `curps`, homonym rates in
`hard_negatives`, and per-institution CURP/NSS capture in `institutions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from mpi.domain.records import RECORD_FIELDS, Record
from mpi.synthetic.capture import Captured, capture
from mpi.synthetic.curps import assign_curps
from mpi.synthetic.hard_negatives import HOMONYM_RATE, Pair, add_homonyms, household_pairs
from mpi.synthetic.households import HOUSEHOLD_SHARES, build_households
from mpi.synthetic.persons import Persons, build_persons
from mpi.synthetic.rates import DEFAULT_RATES, ErrorRates

Objects = np.ndarray[tuple[int], np.dtype[np.object_]]
# Homonyms are made from people living alone, so no family ties are invented for them.
_LIVING_ALONE = np.array([1.0, 0.0, 0.0, 0.0])


@dataclass(frozen=True, slots=True)
class Population:
    """A generated population: shuffled records, their true persons, and hard negatives.

    Attributes:
        persons: the true people (row i is person `person_ids[i]`), CURPs in `curps`.
        curps: each person's current, valid CURP.
        earlier_curps: a person's earlier CURP when it changed, else ''.
        columns: record columns in RECORD_FIELDS order, canonical text, '' = missing.
        record_person: for each record, the row of its person in `persons`.
        hard_negatives: (person_a, person_b, kind) rows, person ids as in `person_ids`.
        errors: error kind -> mask over records of the records that got it.
        eligible: error kind -> mask of the records that could have got it.
    """

    persons: Persons
    curps: Objects
    earlier_curps: Objects
    columns: dict[str, Objects]
    record_person: np.ndarray[tuple[int], np.dtype[np.int64]]
    hard_negatives: list[tuple[str, str, str]]
    errors: dict[str, np.ndarray[tuple[int], np.dtype[np.bool_]]]
    eligible: dict[str, np.ndarray[tuple[int], np.dtype[np.bool_]]]

    @property
    def person_ids(self) -> list[str]:
        """Person ids, one per row of `persons`."""
        return [person_id(i) for i in range(len(self.persons))]

    def __len__(self) -> int:
        return len(self.record_person)

    def record_keys(self) -> list[str]:
        """`institution:record_id` of every record, in file order."""
        return [
            f"{inst}:{rid}"
            for inst, rid in zip(
                self.columns["institution"], self.columns["record_id"], strict=True
            )
        ]

    def truth(self) -> dict[str, str]:
        """Record key -> true person id."""
        return dict(
            zip(self.record_keys(), map(person_id, self.record_person.tolist()), strict=True)
        )

    def rows(self) -> Iterator[tuple[str, ...]]:
        """Record rows as file text, in RECORD_FIELDS order."""
        return zip(*(self.columns[f] for f in RECORD_FIELDS), strict=True)

    def records(self) -> Iterator[Record]:
        """The records as domain Records (empty text becomes None)."""
        for row in self.rows():
            values: dict[str, object] = {
                f: (v or None) for f, v in zip(RECORD_FIELDS, row, strict=True)
            }
            born = values["birth_date"]
            values["birth_date"] = date.fromisoformat(born) if isinstance(born, str) else None
            yield Record(**values)  # type: ignore[arg-type]


def person_id(index: int) -> str:
    """The id of the person in row `index`."""
    return f"P{index:08d}"


def generate(persons: int, *, seed: int = 0, rates: ErrorRates = DEFAULT_RATES) -> Population:
    """Generate `persons` synthetic people and their 1-4 records each.

    Args:
        persons: number of true persons (records are about 2.15 times as many).
        seed: the population is a pure function of (persons, seed, rates).
        rates: per-record error probabilities.
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    rng = np.random.default_rng(seed)
    homonyms = round(persons * HOMONYM_RATE) if persons >= 50 else 0
    people, pairs = _household_people(rng, persons - homonyms, HOUSEHOLD_SHARES)
    if homonyms:
        strangers, _ = _household_people(rng, homonyms, _LIVING_ALONE)
        people, more = add_homonyms(rng, people, strangers, homonyms)
        pairs += more
    curps, earlier = assign_curps(rng, people)
    captured = capture(rng, people, curps, earlier, rates)
    _shuffle_and_number(rng, captured)
    return Population(
        persons=people,
        curps=curps,
        earlier_curps=earlier,
        columns=captured.columns,
        record_person=captured.person,
        hard_negatives=[(person_id(a), person_id(b), kind) for a, b, kind in pairs],
        errors=captured.errors,
        eligible=captured.eligible,
    )


def _household_people(
    rng: np.random.Generator, count: int, shares: np.ndarray
) -> tuple[Persons, list[Pair]]:
    layout = build_households(rng, count, shares)
    people, junior = build_persons(rng, layout)
    pairs = [p for p in household_pairs(layout, people, junior) if p[1] < count]
    return people.take(np.arange(count)), pairs


def _shuffle_and_number(rng: np.random.Generator, captured: Captured) -> None:
    order = rng.permutation(len(captured.person))
    captured.person = captured.person[order]
    for name in list(captured.columns):
        captured.columns[name] = captured.columns[name][order]
    for table in (captured.errors, captured.eligible):
        for kind in table:
            table[kind] = table[kind][order]
    captured.columns["record_id"] = _record_ids(rng, captured.columns["institution"])


def _record_ids(rng: np.random.Generator, institution: Objects) -> Objects:
    """Per-institution record numbers in file order, in each institution's own style."""
    ids = np.empty(len(institution), dtype=object)
    for code in sorted(set(institution.tolist())):
        where = np.flatnonzero(institution == code)
        start = int(rng.integers(10_000, 900_000))
        numbers = np.arange(start, start + len(where))
        ids[where] = [_record_id(code, int(k)) for k in numbers]
    return ids


def _record_id(code: str, number: int) -> str:
    if code == "IMSS":
        return f"{number:010d}"
    if code == "ISSSTE":
        return f"ISS-{number:08d}"
    if code.startswith("PRIV"):
        return f"EXP.{number}"
    return f"{number:08d}"
