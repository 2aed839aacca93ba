"""Word lists behind name normalisation; every entry is in normalised form (A-Z, no accents)."""

from __future__ import annotations

# Values that stand for "no name" in Mexican registries. Each group is attested either in
# DOMAIN-MX §4 (X / XX / "." for a missing second surname, RN / RECIEN NACIDO for newborns) or
# as a routine data-entry filler ("sin nombre", "no aplica", S/N) or an export artefact (NULL).
# "." and "-" need no entry: punctuation is removed first, leaving an empty string.
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        # fillers for a field the clerk could not or would not fill
        "SIN NOMBRE",
        "SIN APELLIDO",
        "SIN SEGUNDO APELLIDO",
        "SIN DATO",
        "SIN DATOS",
        "SD",
        "SN",
        "S N",  # S/N after punctuation is removed
        "NO APLICA",
        "NA",
        "N A",  # N/A
        "NO ESPECIFICADO",
        "NO PROPORCIONADO",
        "NO TIENE",
        "DESCONOCIDO",
        "DESCONOCIDA",
        "NINGUNO",
        "NINGUNA",
        # "NN" (nomen nescio) is the forensic / emergency label for an unidentified person
        "NN",
        "N N",
        # artefacts of spreadsheet and database exports, never Mexican given names or surnames
        "NULL",
        "NONE",
    }
)

# A name that starts with one of these describes a newborn not yet registered ("RN", "RN 2",
# "RECIEN NACIDO MASCULINO", "HIJO DE MARIA LOPEZ"); the rest is the mother's name, not the child's.
NEWBORN_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("RN",),
    ("R", "N"),  # R.N.
    ("RECIEN", "NACIDO"),
    ("RECIEN", "NACIDA"),
    ("RECIEN", "NACIDOS"),
    ("HIJO", "DE"),
    ("HIJA", "DE"),
)

# Particles joining the parts of compound given names and surnames (MARIA DE LOS ANGELES,
# DE LA O, DEL RIO); they carry no identity and are written or dropped inconsistently.
PARTICLES: frozenset[str] = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "Y"})

# Abbreviations of given names. J. is José in Mexican usage (J. JESUS, J. GUADALUPE, J. LUIS);
# MA. and Mª are María; FCO. and GPE. are the usual clerical short forms.
GIVEN_ABBREVIATIONS: dict[str, str] = {
    "MA": "MARIA",
    "J": "JOSE",
    "FCO": "FRANCISCO",
    "GPE": "GUADALUPE",
}

# First tokens of compound given names that carry little identity (DOMAIN-MX §4).
WEAK_GIVEN: frozenset[str] = frozenset({"MARIA", "JOSE"})

# Surnames that contain DE but are one inherited surname, not "<maiden> DE <husband>".
COMPOUND_DE_SURNAMES: frozenset[str] = frozenset(
    {
        "DIAZ DE LEON",
        "FERNANDEZ DE LARA",
        "GARCIA DE ALBA",
        "GOMEZ DE PARADA",
        "LOPEZ DE LARA",
        "MONTES DE OCA",
        "PEREZ DE LEON",
        "PEREZ DE TEJADA",
        "PONCE DE LEON",
        "RUIZ DE CHAVEZ",
        "RUIZ DE VELASCO",
        "SANCHEZ DE TAGLE",
        "VAZQUEZ DE MERCADO",
    }
)

# Inherited surnames that begin with DE followed by one word; any other "DE <surname>" alone
# in a surname field is a married woman's "of <husband>" written instead of her own surname.
INHERITED_DE_SURNAMES: frozenset[str] = frozenset(
    {
        "DE ALBA",
        "DE ANDA",
        "DE DIOS",
        "DE HARO",
        "DE JESUS",
        "DE LEON",
        "DE LIRA",
        "DE LOERA",
        "DE LUNA",
        "DE SANTIAGO",
    }
)

# "VDA. DE GARCIA" / "VIUDA DE GARCIA": widow of GARCIA.
WIDOW_MARKERS: frozenset[str] = frozenset({"VDA", "VIUDA", "VIUDO"})
