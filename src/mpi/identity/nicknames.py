"""Mexican hypocorisms (Lupe, Pepe, Chuy ...) and the full given names they stand for.

The table ships as package data (`mpi/data/nicknames.csv`, columns nickname,name,source) and is
read once, on first use. Names in it are normalised: uppercase, no accents, Ñ folded (TOÑO is
stored as TONO); a full name may have two words (CHEMA -> JOSE MARIA).
"""

from __future__ import annotations

import csv
import functools
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from mpi.identity._text import fold

__all__ = [
    "NicknameRow",
    "are_nickname_equivalent",
    "name_equivalents",
    "nickname_names",
    "nickname_rows",
    "nicknames_for",
]


@dataclass(frozen=True, slots=True)
class NicknameRow:
    """One attested pair: `nickname` is used for `name`, as reported by `source`."""

    nickname: str
    name: str
    source: str


@functools.cache
def nickname_rows() -> tuple[NicknameRow, ...]:
    """Every row of the shipped nickname table, in file order."""
    text = resources.files("mpi").joinpath("data", "nicknames.csv").read_text(encoding="utf-8")
    return tuple(NicknameRow(**row) for row in csv.DictReader(io.StringIO(text)))


@functools.cache
def _names_by_nickname() -> dict[str, frozenset[str]]:
    return _group((row.nickname, row.name) for row in nickname_rows())


@functools.cache
def _nicknames_by_name() -> dict[str, frozenset[str]]:
    return _group((row.name, row.nickname) for row in nickname_rows())


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    grouped: defaultdict[str, set[str]] = defaultdict(set)
    for key, value in pairs:
        grouped[key].add(value)
    return {key: frozenset(values) for key, values in grouped.items()}


def _key(token: str) -> str:
    # Same alphabet as the table: the folded letters of the token, single-spaced.
    letters = "".join(c if "A" <= c <= "Z" else " " for c in fold(token, keep_enye=False))
    return " ".join(letters.split())


def nickname_names(token: str) -> frozenset[str]:
    """The full given names a nickname may stand for.

    Args:
        token: A nickname in any case, with or without accents ("Toño", "lupe").

    Returns:
        Normalised full names (LUPE -> {GUADALUPE}, BETO -> {ALBERTO, HUMBERTO, ROBERTO});
        empty when the token is not a known nickname.
    """
    return _names_by_nickname().get(_key(token), frozenset())


def nicknames_for(name: str) -> frozenset[str]:
    """The nicknames used for a full given name (GUADALUPE -> {LUPE, LUPITA}).

    Args:
        name: A full given name in any case, with or without accents.

    Returns:
        Normalised nicknames; empty when none is known.
    """
    return _nicknames_by_name().get(_key(name), frozenset())


def name_equivalents(token: str) -> frozenset[str]:
    """The token itself plus the full names it may stand for, as a set to intersect.

    Two given names are nickname-equivalent exactly when their sets intersect: PACO and
    PANCHO share FRANCISCO, LUPE and GUADALUPE share GUADALUPE. A full name's own nicknames
    are deliberately left out (see `nicknames_for`): otherwise ALBERTO and ROBERTO would meet
    at BETO, and FERNANDO and FERNANDA at FER.

    Args:
        token: A given name or nickname in any case, with or without accents.

    Returns:
        The normalised token and its full names; empty for a token without letters.
    """
    key = _key(token)
    if not key:
        return frozenset()
    return frozenset({key}) | _names_by_nickname().get(key, frozenset())


def are_nickname_equivalent(a: str, b: str) -> bool:
    """Whether two given names are equal or one is a nickname of, or shares a name with, the other.

    Args:
        a: A given name or nickname.
        b: Another given name or nickname.

    Returns:
        True for CHUY / JESUS, PACO / PANCHO, LUPE / GUADALUPE; False for ALBERTO / ROBERTO.
    """
    return not name_equivalents(a).isdisjoint(name_equivalents(b))
