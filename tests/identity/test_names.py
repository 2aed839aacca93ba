from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpi.identity.names import (
    given_name_tokens,
    is_placeholder_name,
    normalize_name,
    parse_full_name,
    significant_given_tokens,
    split_married_surname,
    surname_key,
)


@pytest.mark.parametrize(
    ("raw", "keep_enye", "expected"),
    [
        ("garcía", False, "GARCIA"),
        ("  José   Luis ", False, "JOSE LUIS"),
        ("Núñez", False, "NUNEZ"),
        ("Núñez", True, "NUÑEZ"),
        ("NUN\u0303EZ", True, "NUÑEZ"),  # combining tilde from a legacy system
        ("Argüello", True, "ARGUELLO"),
        ("GARCIA-LOPEZ", False, "GARCIA LOPEZ"),
        ("Ma. de los Ángeles", False, "MA DE LOS ANGELES"),
        ("J.Jesús", False, "J JESUS"),
        ("O'Brien", False, "OBRIEN"),
        ("D\u2019Angelo", False, "DANGELO"),
        ("MARI\u00b4A", False, "MARIA"),  # acute typed after the vowel
        ('"Pérez", (Soto)', False, "PEREZ SOTO"),
        ("Mª Luisa", False, "MA LUISA"),
        ("Søren Łukasz", False, "SOREN LUKASZ"),
        ("Pérez 2", False, "PEREZ"),
        ("Hernández\tHernández\n", False, "HERNANDEZ HERNANDEZ"),
    ],
)
def test_normalize_name_uppercases_strips_accents_and_punctuation(
    raw: str, keep_enye: bool, expected: str
) -> None:
    assert normalize_name(raw, keep_enye=keep_enye) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        ".",
        "-",
        "X",
        "xx",
        "XXX",
        "X X",
        "Sin nombre",
        "SN",
        "S/N",
        "s.n.",
        "No aplica",
        "NA",
        "N/A",
        "Desconocido",
        "desconocida",
        "Ninguno",
        "NN",
        "N.N.",
        "NULL",
        "RN",
        "R.N.",
        "RN 2",
        "Recién nacido",
        "RECIEN NACIDA",
        "Recién nacido masculino",
        "Hijo de María López",
    ],
)
def test_placeholders_normalize_to_none(raw: str | None) -> None:
    assert is_placeholder_name(raw)
    assert normalize_name(raw) is None
    assert normalize_name(raw, keep_enye=True) is None


@pytest.mark.parametrize(
    "raw", ["XIMENA", "NAVA", "NANCY", "SANTOS", "RENATA", "NINA", "DE LA O", "MAX", "XOCHITL"]
)
def test_real_names_resembling_placeholders_are_kept(raw: str) -> None:
    assert not is_placeholder_name(raw)
    assert normalize_name(raw) == raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ma. de los Ángeles", ("MARIA", "ANGELES")),
        ("J. Jesús", ("JOSE", "JESUS")),
        ("María Guadalupe", ("MARIA", "GUADALUPE")),
        ("MA GPE", ("MARIA", "GUADALUPE")),
        ("Fco. Javier", ("FRANCISCO", "JAVIER")),
        ("Mª del Carmen", ("MARIA", "CARMEN")),
        ("José de Jesús", ("JOSE", "JESUS")),
        ("María de la Luz", ("MARIA", "LUZ")),
        ("Juan Pablo", ("JUAN", "PABLO")),
        ("XX", ()),
        (None, ()),
    ],
)
def test_given_name_tokens_drop_particles_and_expand_abbreviations(
    raw: str | None, expected: tuple[str, ...]
) -> None:
    assert given_name_tokens(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MARIA GUADALUPE", ("GUADALUPE",)),
        ("Ma. de los Ángeles", ("ANGELES",)),
        ("J. Jesús", ("JESUS",)),
        ("José María", ("JOSE", "MARIA")),
        ("María", ("MARIA",)),
        ("Luis Ángel", ("LUIS", "ANGEL")),
    ],
)
def test_significant_given_tokens_drop_maria_and_jose_only_beside_another_name(
    raw: str, expected: tuple[str, ...]
) -> None:
    assert significant_given_tokens(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("de la O", "O"),
        ("Del Río", "RIO"),
        ("De la Cruz", "CRUZ"),
        ("Mc Gregor", "MCGREGOR"),
        ("McGregor", "MCGREGOR"),
        ("Riva Palacio", "RIVAPALACIO"),
        ("Núñez", "NUNEZ"),
        ("De los", "DELOS"),
        ("XX", None),
        (".", None),
        (None, None),
    ],
)
def test_surname_key_strips_particles_and_glues_words(
    raw: str | None, expected: str | None
) -> None:
    assert surname_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("López de García", ("LOPEZ", "GARCIA")),
        ("Vda. de García", (None, "GARCIA")),
        ("VIUDA DE GARCIA", (None, "GARCIA")),
        ("López Vda. de García", ("LOPEZ", "GARCIA")),
        ("De la Cruz de Pérez", ("DE LA CRUZ", "PEREZ")),
        ("García", ("GARCIA", None)),
        ("De la Cruz", ("DE LA CRUZ", None)),
        ("Ponce de León", ("PONCE DE LEON", None)),
        ("Montes de Oca", ("MONTES DE OCA", None)),
        ("Díaz de León", ("DIAZ DE LEON", None)),
        ("López de la Cruz", ("LOPEZ DE LA CRUZ", None)),
        ("de García", (None, "GARCIA")),
        ("DE DE ANDA", (None, "DE ANDA")),
        ("De de la Rosa", (None, "DE LA ROSA")),
        ("de Anda", ("DE ANDA", None)),
        ("de León", ("DE LEON", None)),
        ("de la Cruz", ("DE LA CRUZ", None)),
        ("de los Santos", ("DE LOS SANTOS", None)),
        ("DE", ("DE", None)),
        ("S/N", (None, None)),
        (None, (None, None)),
    ],
)
def test_split_married_surname_separates_the_husbands_surname(
    raw: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert split_married_surname(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Juan Pérez López", ("JUAN", "PEREZ", "LOPEZ")),
        ("María Guadalupe Hernández Hernández", ("MARIA GUADALUPE", "HERNANDEZ", "HERNANDEZ")),
        ("Juan de la Cruz Pérez", ("JUAN", "DE LA CRUZ", "PEREZ")),
        ("Ma. de los Ángeles Ruiz del Río", ("MA DE LOS ANGELES", "RUIZ", "DEL RIO")),
        ("Juan Pérez", ("JUAN", "PEREZ", None)),
        ("Juan", ("JUAN", None, None)),
        ("", (None, None, None)),
        ("N/A", (None, None, None)),
    ],
)
def test_parse_full_name_takes_the_last_two_words_as_surnames(
    raw: str, expected: tuple[str | None, str | None, str | None]
) -> None:
    assert parse_full_name(raw) == expected


@settings(max_examples=500)
@given(text=st.text(), keep_enye=st.booleans())
def test_normalize_name_is_idempotent(text: str, keep_enye: bool) -> None:
    once = normalize_name(text, keep_enye=keep_enye)
    assert normalize_name(once, keep_enye=keep_enye) == once


@settings(max_examples=300)
@given(text=st.text(st.characters(codec="utf-8"), max_size=50))
def test_normalized_names_use_only_uppercase_letters_and_single_spaces(text: str) -> None:
    normalized = normalize_name(text, keep_enye=True)
    if normalized is not None:
        assert set(normalized) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZÑ ")
        assert "  " not in normalized
        assert normalized == normalized.strip()


@settings(max_examples=300)
@given(text=st.text())
def test_name_functions_never_raise(text: str) -> None:
    normalize_name(text)
    is_placeholder_name(text)
    given_name_tokens(text)
    significant_given_tokens(text)
    surname_key(text)
    split_married_surname(text)
    parse_full_name(text)


@pytest.mark.parametrize(
    ("text", "expected", "given_tokens"),
    [
        ("Á" * 200_000, "A" * 200_000, 1),
        ("de " * 50_000, " ".join(["DE"] * 50_000), 0),
        ("\u0303" * 10_000, None, 0),
        ("\x00\ud7ff\uffff" * 1_000, None, 0),
        ("Peña-" * 20_000, " ".join(["PENA"] * 20_000), 20_000),
    ],
)
def test_very_long_and_odd_strings_normalize_in_full(
    text: str, expected: str | None, given_tokens: int
) -> None:
    assert normalize_name(text) == expected
    assert len(given_name_tokens(text)) == given_tokens
