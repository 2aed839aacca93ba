"""Catalogue codes used on Mexican identity records: birth states (RENAPO Anexo 4) and sex."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from mpi.identity._text import fold

STATE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "AS": "Aguascalientes",
        "BC": "Baja California",
        "BS": "Baja California Sur",
        "CC": "Campeche",
        "CL": "Coahuila",
        "CM": "Colima",
        "CS": "Chiapas",
        "CH": "Chihuahua",
        "DF": "Ciudad de México",
        "DG": "Durango",
        "GT": "Guanajuato",
        "GR": "Guerrero",
        "HG": "Hidalgo",
        "JC": "Jalisco",
        "MC": "Estado de México",
        "MN": "Michoacán",
        "MS": "Morelos",
        "NT": "Nayarit",
        "NL": "Nuevo León",
        "OC": "Oaxaca",
        "PL": "Puebla",
        "QT": "Querétaro",
        "QR": "Quintana Roo",
        "SP": "San Luis Potosí",
        "SL": "Sinaloa",
        "SR": "Sonora",
        "TC": "Tabasco",
        "TS": "Tamaulipas",
        "TL": "Tlaxcala",
        "VZ": "Veracruz",
        "YN": "Yucatán",
        "ZS": "Zacatecas",
        "NE": "Nacido en el extranjero",
    }
)

SEX_CODES = frozenset({"H", "M", "X"})

# INEGI's numeric state keys (01 Aguascalientes … 32 Zacatecas, alphabetical by official
# name, which is why Coahuila de Zaragoza precedes Colima, Chiapas and Chihuahua).
_INEGI_ORDER = (
    "AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN"
    " ZS"
)

# Official long names and everyday spellings seen in records, folded (no accents, uppercase).
_STATE_ALIASES: Mapping[str, str] = {
    "COAHUILA DE ZARAGOZA": "CL",
    "MICHOACAN DE OCAMPO": "MN",
    "VERACRUZ DE IGNACIO DE LA LLAVE": "VZ",
    "CIUDAD DE MEXICO": "DF",
    "CDMX": "DF",
    "DISTRITO FEDERAL": "DF",
    "D F": "DF",
    "MEXICO": "MC",  # INEGI's name for the state; the city is "Ciudad de México"
    "ESTADO DE MEXICO": "MC",
    "EDO DE MEXICO": "MC",
    "EDOMEX": "MC",
    "EXTRANJERO": "NE",
    "NACIDO EN EL EXTRANJERO": "NE",
}

_SEX_ALIASES: Mapping[str, str] = {
    "H": "H",
    "HOMBRE": "H",
    "MASCULINO": "H",
    "MASC": "H",
    "VARON": "H",
    "MALE": "H",
    "M": "M",  # in Mexican records M is Mujer, never "male"
    "MUJER": "M",
    "FEMENINO": "M",
    "FEM": "M",
    "F": "M",
    "FEMALE": "M",
    "X": "X",
    "NO BINARIO": "X",
    "NO BINARIA": "X",
    "NB": "X",
    # DGIS/GIIS numeric sexoCURP keys (1 hombre, 2 mujer, 3 no binario), known from public
    # transcriptions of the GIIS formats; DOMAIN-MX.md marks the 3 as unverified.
    "1": "H",
    "2": "M",
    "3": "X",
}

_PUNCTUATION = re.compile(r"[.\-_,/]+")
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    folded = fold(text, keep_enye=False)
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def _build_state_lookup() -> dict[str, str]:
    lookup = {code: code for code in STATE_CODES}
    lookup.update({_key(name): code for code, name in STATE_CODES.items()})
    lookup.update(_STATE_ALIASES)
    for number, code in enumerate(_INEGI_ORDER.split(), start=1):
        lookup[f"{number:02d}"] = code
        lookup[str(number)] = code
    return lookup


_STATE_LOOKUP = _build_state_lookup()


def normalize_state(text: str | None) -> str | None:
    """Return the two-letter CURP state code for a code, a state name or an INEGI number.

    Matching ignores case, accents, dots and extra spaces ("Querétaro", "QUERETARO", "qt",
    "22" and "Edo. de México" all work). Unknown or empty input gives None.

    Args:
        text: a state code, official or everyday state name, or INEGI key 01-32.
    """
    if not text:
        return None
    return _STATE_LOOKUP.get(_key(text))


def normalize_sex(text: str | None) -> str | None:
    """Return the CURP sex code H, M or X, or None when the value is unknown.

    Accepts the codes themselves, Spanish words (HOMBRE, MUJER, MASCULINO, FEMENINO,
    NO BINARIO), F for femenino, English MALE/FEMALE, and the DGIS numeric keys 1/2/3.
    M always means mujer, as on Mexican records.

    Args:
        text: the raw sex value of a record.
    """
    if not text:
        return None
    return _SEX_ALIASES.get(_key(text))
