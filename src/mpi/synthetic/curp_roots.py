"""CURP roots for a whole population, from per-name parts instead of one derivation per person.

A root is name letters (positions 1-4) + YYMMDD + sex + state + name consonants (14-16), and
each name part depends on one name field only. So `derive_root` runs once per distinct
surname and given name, on probe names chosen so that the probe's own letters never form an
Anexo 2 word, and the parts are assembled per person. The one rule that couples fields — an
inconvenient word in positions 1-4 gets an X in position 2 — is settled by deriving one real
person per distinct letter prefix and reusing the answer for everyone sharing that prefix.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from mpi.identity.curp import derive_root
from mpi.synthetic.persons import Persons, birth_date

_PROBE_DAY = date(2000, 1, 1)
# Probe names: the probe prefixes ??LJ, LO?J and LOL? are not Anexo 2 words.
_PROBE_GIVEN = "JUAN"
_PROBE_SURNAME = "LOPEZ"


def derive_roots(persons: Persons) -> list[str]:
    """The 16-character CURP root of every person, equal to `derive_root` on each one."""
    first = {
        s: _probe(_PROBE_GIVEN, s, _PROBE_SURNAME) for s in set(persons.first_surname.tolist())
    }
    second = {
        s: _probe(_PROBE_GIVEN, _PROBE_SURNAME, s) for s in set(persons.second_surname.tolist())
    }
    given = {g: _probe(g, _PROBE_SURNAME, _PROBE_SURNAME) for g in set(persons.given.tolist())}
    days = np.datetime_as_string(persons.birth_day.astype("datetime64[D]")).tolist()
    roots: list[str] = []
    for s1, s2, g, day, sex, state in zip(
        persons.first_surname.tolist(),
        persons.second_surname.tolist(),
        persons.given.tolist(),
        days,
        persons.sex.tolist(),
        persons.birth_state.tolist(),
        strict=True,
    ):
        a, b, c = first[s1], second[s2], given[g]
        roots.append(
            f"{a[0]}{a[1]}{b[2]}{c[3]}{day[2:4]}{day[5:7]}{day[8:10]}{sex}{state}"
            f"{a[13]}{b[14]}{c[15]}"
        )
    return _settle_inconvenient_words(persons, roots)


def _probe(given: str, first_surname: str, second_surname: str) -> str:
    return derive_root(given, first_surname, second_surname or None, _PROBE_DAY, "H", "DF")


def _settle_inconvenient_words(persons: Persons, roots: list[str]) -> list[str]:
    example: dict[str, int] = {}
    for i, root in enumerate(roots):
        example.setdefault(root[:4], i)
    replaced: dict[str, str] = {}
    for prefix, i in example.items():
        real = _derive_one(persons, i)
        if real[:4] != prefix:
            replaced[prefix] = real[:4]
    if not replaced:
        return roots
    return [replaced[r[:4]] + r[4:] if r[:4] in replaced else r for r in roots]


def _derive_one(persons: Persons, i: int) -> str:
    return derive_root(
        persons.given[i],
        persons.first_surname[i],
        persons.second_surname[i] or None,
        birth_date(persons.birth_day[i]),
        persons.sex[i],
        persons.birth_state[i],
    )
