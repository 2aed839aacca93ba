"""Weighted name tables for the synthetic population, built once from Faker's es_MX word lists.

Faker's lists are unweighted, so a Zipf-like weight is laid over them; the head of each table
is fixed to names known to dominate Mexican registers (INEGI's ten most frequent surnames with
their relative counts, the usual MARIA/JOSE compounds), so that collisions such as
"JUAN HERNÁNDEZ HERNÁNDEZ" are as common as they are in real data. Every name is a base form:
uppercase, with its accents and Ñ; records decide later whether to keep them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from faker.providers.person import es_MX

from mpi.identity._text import fold

# INEGI birth registrations 2017-2020 (DOMAIN-MX.md §4): the ten most frequent surnames.
INEGI_TOP_SURNAMES: tuple[tuple[str, int], ...] = (
    ("HERNÁNDEZ", 671_972),
    ("GARCÍA", 458_788),
    ("MARTÍNEZ", 447_073),
    ("LÓPEZ", 412_247),
    ("GONZÁLEZ", 352_650),
    ("PÉREZ", 332_048),
    ("RODRÍGUEZ", 293_473),
    ("SÁNCHEZ", 288_543),
    ("RAMÍREZ", 258_411),
    ("CRUZ", 204_640),
)
# Share of one surname position taken by the top ten (about 3.7 M of ~8.4 M births, halved
# because the INEGI counts cover both surname positions).
TOP_SURNAME_SHARE = 0.22
TOP_GIVEN_SHARE = 0.30

_MALE_HEAD = (
    "JOSÉ LUIS", "JUAN", "JOSÉ", "MIGUEL ÁNGEL", "FRANCISCO", "JESÚS", "ANTONIO",
    "ALEJANDRO", "JUAN CARLOS", "PEDRO", "JOSÉ ANTONIO", "MANUEL", "RICARDO", "JORGE",
)  # fmt: skip
_FEMALE_HEAD = (
    "MARÍA GUADALUPE", "MARÍA", "GUADALUPE", "MARÍA ELENA", "ROSA MARÍA", "VERÓNICA",
    "MARÍA DEL CARMEN", "LETICIA", "JUANA", "MARÍA DE LOS ÁNGELES", "PATRICIA", "ALEJANDRA",
)  # fmt: skip
# Extra compounds: a common first name + a second one, the forms records shorten or abbreviate.
_MALE_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "JOSÉ": ("ALFREDO", "MANUEL", "ÁNGEL", "RAMÓN", "DE JESÚS", "GUADALUPE", "ARMANDO",
             "FRANCISCO", "ALBERTO", "MIGUEL", "DAVID", "ROBERTO"),
    "JUAN": ("ANTONIO", "MANUEL", "JOSÉ", "PABLO", "FRANCISCO", "DE DIOS", "RAMÓN", "ALBERTO"),
    "LUIS": ("ALBERTO", "ANTONIO", "ENRIQUE", "FERNANDO", "ÁNGEL", "FELIPE"),
    "JESÚS": ("ALBERTO", "MANUEL", "ANTONIO", "ÁNGEL"),
}  # fmt: skip
_FEMALE_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "MARÍA": ("ISABEL", "DE LOURDES", "DE JESÚS", "FERNANDA", "ALEJANDRA", "DOLORES",
              "DE LA LUZ", "ESTHER", "DEL ROSARIO", "SOLEDAD", "MAGDALENA", "VICTORIA",
              "CONCEPCIÓN", "GABRIELA", "DEL SOCORRO", "ANTONIETA"),
    "ANA": ("LAURA", "GABRIELA", "KAREN", "PATRICIA", "ISABEL", "ROSA"),
    "ROSA": ("ELENA", "ISELA", "LINDA", "DEL CARMEN", "ISABEL"),
    "LAURA": ("ELENA", "PATRICIA", "ALICIA"),
}  # fmt: skip
# Faker's lists carry a few slips (a double space, stray accents, a truncated "Jos").
_FAKER_FIXES = {
    "ALTA  GRACIA": "ALTAGRACIA",
    "JOSÉ MANUÉL": "JOSÉ MANUEL",
    "RAFAÉL": "RAFAEL",
    "DE LA CRÚZ": "DE LA CRUZ",
    "BÉTANCOURT": "BETANCOURT",
    "JOS": "",
}


@dataclass(frozen=True, slots=True)
class NameTable:
    """Names with sampling probabilities, plus precomputed folded forms for records."""

    names: tuple[str, ...]
    probabilities: np.ndarray[tuple[int], np.dtype[np.float64]]

    def sample(
        self, rng: np.random.Generator, size: int
    ) -> np.ndarray[tuple[int], np.dtype[np.intp]]:
        """Indices into `names`, drawn with the table's weights."""
        return rng.choice(len(self.names), size=size, p=self.probabilities)


@dataclass(frozen=True, slots=True)
class NamePool:
    """The three tables a population is drawn from."""

    male: NameTable
    female: NameTable
    surnames: NameTable


@cache
def name_pool() -> NamePool:
    """The shared, immutable name pool (built on first use)."""
    provider = es_MX.Provider
    male = _given_table(_clean(provider.first_names_male), _MALE_HEAD, _MALE_COMPOUNDS)
    female = _given_table(_clean(provider.first_names_female), _FEMALE_HEAD, _FEMALE_COMPOUNDS)
    return NamePool(male=male, female=female, surnames=_surname_table(provider.last_names))


def _clean(names: tuple[str, ...] | list[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        upper = name.upper()
        upper = _FAKER_FIXES.get(upper, " ".join(upper.split()))
        if upper and upper not in cleaned:
            cleaned.append(upper)
    return cleaned


def _given_table(
    base: list[str], head: tuple[str, ...], compound_seconds: dict[str, tuple[str, ...]]
) -> NameTable:
    compounds = [
        f"{first} {second}" for first, seconds in compound_seconds.items() for second in seconds
    ]
    tail = _dedupe([n for n in base + compounds if n not in head])
    # A fixed interleaving keeps compounds spread through the tail rather than bunched at its end.
    tail.sort(key=lambda n: (hash_order(n), n))
    head_weights = np.linspace(1.0, 0.4, num=len(head))
    return _table(list(head), head_weights, tail, TOP_GIVEN_SHARE)


def _surname_table(raw: tuple[str, ...] | list[str]) -> NameTable:
    head = [name for name, _ in INEGI_TOP_SURNAMES]
    head_folded = {fold(n, keep_enye=False) for n in head}
    tail = [n for n in _clean(raw) if fold(n, keep_enye=False) not in head_folded]
    tail.sort(key=lambda n: (hash_order(n), n))
    head_weights = np.array([count for _, count in INEGI_TOP_SURNAMES], dtype=np.float64)
    return _table(head, head_weights, tail, TOP_SURNAME_SHARE)


def _table(
    head: list[str], head_weights: np.ndarray, tail: list[str], head_share: float
) -> NameTable:
    tail_ranks = np.arange(len(head) + 1, len(head) + len(tail) + 1, dtype=np.float64)
    tail_weights = 1.0 / tail_ranks  # Zipf with exponent 1 below the head
    probabilities = np.concatenate(
        [
            head_share * head_weights / head_weights.sum(),
            (1.0 - head_share) * tail_weights / tail_weights.sum(),
        ]
    )
    return NameTable(names=tuple(head + tail), probabilities=probabilities)


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def hash_order(name: str) -> int:
    """A stable pseudo-random rank for a name (Python's hash() is salted per process)."""
    value = 0
    for char in fold(name, keep_enye=False):
        value = (value * 131 + ord(char)) % 1_000_003
    return value
