from __future__ import annotations

import re

import pytest

from mpi.identity.names import (
    are_nickname_equivalent,
    name_equivalents,
    nickname_names,
    nicknames_for,
    normalize_name,
)
from mpi.identity.nicknames import nickname_rows

# Hypocorisms the DOMAIN-MX table lists, plus the common ones the issue requires.
REQUIRED = (
    "LUPE",
    "PEPE",
    "CHEMA",
    "CHUCHO",
    "CHUY",
    "PACO",
    "PANCHO",
    "MEMO",
    "LALO",
    "TONO",
    "NACHO",
    "BETO",
    "QUIQUE",
    "CHAVA",
    "PONCHO",
    "CHENTE",
    "CHELA",
    "CONCHITA",
    "CONCHA",
    "CHAYO",
    "CHARO",
    "MECHE",
    "CHIO",
    "PATY",
    "PATI",
    "LUCHA",
    "LICHA",
    "MARU",
    "LOLA",
    "CHELO",
    "RAFA",
    "FER",
    "ALEX",
    "NANDO",
    "GOYO",
    "CHUCHITO",
    "KIKE",
    "TERE",
    "LORE",
    "VERO",
    "GABY",
    "MARI",
    "ROSY",
    "LULU",
    "PILI",
)


def test_the_table_has_at_least_forty_rows_with_a_source_each() -> None:
    rows = nickname_rows()
    assert len(rows) >= 40
    assert all(row.source.strip() for row in rows)


@pytest.mark.parametrize("nickname", REQUIRED)
def test_every_required_nickname_is_in_the_table(nickname: str) -> None:
    assert nickname_names(nickname)


def test_table_names_are_stored_normalized() -> None:
    for row in nickname_rows():
        for value in (row.nickname, row.name):
            assert re.fullmatch("[A-Z]+( [A-Z]+)?", value), value
            assert normalize_name(value) == value


def test_table_has_no_duplicate_pairs_and_no_self_pairs() -> None:
    pairs = [(row.nickname, row.name) for row in nickname_rows()]
    assert len(pairs) == len(set(pairs))
    assert all(nickname != name for nickname, name in pairs)


@pytest.mark.parametrize(
    ("nickname", "names"),
    [
        ("Lupe", {"GUADALUPE"}),
        ("chuy", {"JESUS"}),
        ("Toño", {"ANTONIO"}),
        ("Chío", {"ROCIO"}),
        ("Chema", {"JOSE MARIA"}),
        ("Beto", {"ALBERTO", "ROBERTO", "HUMBERTO"}),
        ("Lulú", {"LOURDES", "LUZ"}),
        ("Guadalupe", set()),
        ("", set()),
        ("¿?", set()),
    ],
)
def test_nickname_names_maps_a_hypocorism_to_its_full_names(nickname: str, names: set[str]) -> None:
    assert nickname_names(nickname) == names


def test_nicknames_for_maps_a_full_name_back_to_its_hypocorisms() -> None:
    assert nicknames_for("Jesús") == {"CHUCHO", "CHUY", "CHUCHITO"}
    assert nicknames_for("José María") == {"CHEMA"}
    assert nicknames_for("Chuy") == frozenset()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lupe", "Guadalupe"),
        ("Chuy", "Jesús"),
        ("Chucho", "Chuy"),
        ("Paco", "Pancho"),
        ("Pepe", "José"),
        ("Toño", "ANTONIO"),
        ("Beto", "Roberto"),
        ("Chema", "José María"),
        ("María", "maria"),
    ],
)
def test_nickname_equivalence_holds_in_both_directions(a: str, b: str) -> None:
    assert are_nickname_equivalent(a, b)
    assert are_nickname_equivalent(b, a)
    assert name_equivalents(a) & name_equivalents(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Alberto", "Roberto"),  # both are BETO, yet different people's names
        ("Fernando", "Fernanda"),  # both are FER
        ("Lourdes", "Luz"),  # both are LULU
        ("Lupe", "Pepe"),
        ("Jesús", "José"),
        ("", ""),
    ],
)
def test_names_sharing_only_a_nickname_are_not_equivalent(a: str, b: str) -> None:
    assert not are_nickname_equivalent(a, b)


def test_name_equivalents_holds_the_token_and_its_full_names() -> None:
    assert name_equivalents("Paco") == {"PACO", "FRANCISCO"}
    assert name_equivalents("Francisco") == {"FRANCISCO"}
