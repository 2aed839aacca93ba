from __future__ import annotations

from datetime import date

import pytest

from mpi.domain.errors import ValidationError
from mpi.identity.curp import derive_root

BORN = date(1985, 3, 7)


def _root(given: str, first: str, second: str | None, sex: str = "H", state: str = "DF") -> str:
    return derive_root(given, first, second, BORN, sex, state)


@pytest.mark.parametrize(
    ("given", "first", "second", "letters", "consonants"),
    [
        ("JOSÉ", "NÚÑEZ", "ARGÜELLO", "NUAJ", "XRS"),  # accents and diaeresis dropped, Ñ -> X
        ("MARIA", "VILLA", "TRUJILLO", "VITM", "LRR"),  # a single MARIA keeps its M
        ("MARÍA DEL CARMEN", "LOREDO", "CABALLERO", "LOCC", "RBR"),  # MARIA and DEL skipped
        ("JOSE MARIA", "TEZOCO", "APALE", "TEAM", "ZPR"),  # only the first common name goes
        ("J. JESUS", "SOTO", "RUIZ", "SORJ", "TZS"),
        ("M CRISTINA", "QUIAHUA", "CALIHUA", "QUCC", "HLR"),
        ("ROSA", "DE LA O", "ALVARADO", "OXAR", "XLS"),  # particles go, a 1-letter surname
        ("EDNA", "PEREZ", "H.", "PEHE", "RXD"),  # '.' where a consonant is picked -> X
        ("LUIS", "PEREZ", "", "PEXL", "RXS"),  # blank second surname counts as missing
        ("LUIS", "PEREZ", "  ", "PEXL", "RXS"),
        ("ANA", "DIAZ-COUDER", "RUIZ", "DIRA", "ZZN"),  # a hyphen inside a word is kept
        ("JUAN", "VAN DER BERG", None, "BEXJ", "RXN"),
        ("ANDRES", "DE", "LUNA", "DELA", "XNN"),  # a surname that is only a particle stays
        ("ÑOÑO", "ÑUÑEZ", "ÑANDO", "XUXX", "XNX"),  # Ñ -> X, but ÑANDO still gives N
        ("ADAN", "MEDINA", "CHAVEZ", "MECA", "DHD"),  # MECA is fine; only Anexo 2 words change
        ("ARMANDO", "PUTZ", "TORRES", "PXTA", "TRR"),  # PUTA -> PXTA
    ],
)
def test_derive_root_applies_the_renapo_letter_rules(
    given: str, first: str, second: str | None, letters: str, consonants: str
) -> None:
    root = _root(given, first, second)
    assert (root[:4], root[13:16]) == (letters, consonants)


def test_derive_root_encodes_date_sex_and_state_in_the_middle() -> None:
    assert derive_root("LUIS", "PEREZ", None, date(2004, 12, 1), "X", "NE")[4:13] == "041201XNE"


def test_derive_root_accepts_the_forms_the_code_normalisers_accept() -> None:
    assert _root("ANA", "LOPEZ", "DIAZ", sex="Femenino", state="Querétaro")[10:13] == "MQT"


@pytest.mark.parametrize(
    ("given", "first", "sex", "state", "born", "fields"),
    [
        ("", "PEREZ", "H", "DF", BORN, {"given_names"}),
        ("LUIS", "  ", "H", "DF", BORN, {"first_surname"}),
        ("...", "PEREZ", "H", "DF", BORN, {"given_names"}),
        ("LUIS", "PEREZ", "Q", "DF", BORN, {"sex"}),
        ("LUIS", "PEREZ", "H", "XX", BORN, {"birth_state"}),
        ("LUIS", "PEREZ", "H", "DF", date(1899, 12, 31), {"birth_date"}),
        ("", "", "", "", BORN, {"given_names", "first_surname", "sex", "birth_state"}),
    ],
)
def test_derive_root_names_every_unusable_field(
    given: str, first: str, sex: str, state: str, born: date, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as error:
        derive_root(given, first, "LOPEZ", born, sex, state)
    assert {problem.field for problem in error.value.problems} == fields
