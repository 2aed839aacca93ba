from __future__ import annotations

import pytest

from mpi.identity.codes import SEX_CODES, STATE_CODES, normalize_sex, normalize_state


def test_state_codes_are_the_32_states_and_born_abroad() -> None:
    assert len(STATE_CODES) == 33
    assert STATE_CODES["NE"] == "Nacido en el extranjero"
    assert all(len(code) == 2 and code.isupper() for code in STATE_CODES)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("JC", "JC"),
        ("jc", "JC"),
        (" Jalisco ", "JC"),
        ("QUERÉTARO", "QT"),
        ("queretaro", "QT"),
        ("Nuevo León", "NL"),
        ("San Luis Potosí", "SP"),
        ("Ciudad de México", "DF"),
        ("CDMX", "DF"),
        ("D.F.", "DF"),
        ("Distrito Federal", "DF"),
        ("Estado de México", "MC"),
        ("Edo. de México", "MC"),
        ("México", "MC"),
        ("Michoacán de Ocampo", "MN"),
        ("Coahuila de Zaragoza", "CL"),
        ("Veracruz de Ignacio de la Llave", "VZ"),
        ("Extranjero", "NE"),
        ("NE", "NE"),
        ("01", "AS"),
        ("5", "CL"),
        ("07", "CS"),
        ("09", "DF"),
        ("15", "MC"),
        ("32", "ZS"),
        ("33", None),
        ("ZZ", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_state_accepts_codes_names_and_inegi_keys(
    raw: str | None, code: str | None
) -> None:
    assert normalize_state(raw) == code


def test_every_state_name_normalises_to_its_own_code() -> None:
    assert {normalize_state(name) for name in STATE_CODES.values()} == set(STATE_CODES)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("H", "H"),
        ("h", "H"),
        ("Hombre", "H"),
        ("MASCULINO", "H"),
        ("varón", "H"),
        ("1", "H"),
        ("M", "M"),  # M is mujer on Mexican records, never "male"
        ("Mujer", "M"),
        ("femenino", "M"),
        ("F", "M"),
        ("2", "M"),
        ("X", "X"),
        ("No binario", "X"),
        ("3", "X"),
        ("?", None),
        ("0", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_sex_maps_common_forms_to_curp_codes(raw: str | None, code: str | None) -> None:
    assert normalize_sex(raw) == code
    assert code is None or code in SEX_CODES
