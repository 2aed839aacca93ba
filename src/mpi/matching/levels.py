"""The catalogue of level kinds: which kinds each field family understands.

A comparison is an ordered list of levels (Null first, Else last); the first level whose
test holds for a pair is the pair's level. This module only names the kinds; comparisons.py
evaluates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

NULL = "null"
ELSE = "else"

# Field families: each canonical record field is compared with one family of tests.
FIELD_FAMILY: Mapping[str, str] = MappingProxyType(
    {
        "curp": "curp",
        "given_names": "given_names",
        "first_surname": "surname",
        "second_surname": "surname",
        "birth_date": "date",
        "sex": "text",
        "birth_state": "text",
        "postal_code": "text",
        "phone": "text",
        "nss": "text",
    }
)

FAMILY_KINDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "curp": frozenset(
            {"exact", "same_root", "one_edit", "transposition", "both_valid_different"}
        ),
        "given_names": frozenset(
            {"exact", "containment", "nickname", "jaro_winkler", "phonetic", "surname_swapped"}
        ),
        "surname": frozenset({"exact", "swapped", "jaro_winkler", "phonetic", "one_missing"}),
        "date": frozenset({"exact", "day_month_swapped", "one_digit", "year_off_by_one"}),
        "text": frozenset({"exact", "levenshtein", "jaro_winkler"}),
    }
)

# Kinds parameterised by a threshold, and the range the threshold must lie in.
THRESHOLD_RANGE: Mapping[str, tuple[float, float]] = MappingProxyType(
    {"jaro_winkler": (0.0, 1.0), "levenshtein": (1.0, 10.0)}
)

# Term-frequency adjustment makes sense only where agreement on a value can be common or rare.
TF_FAMILIES = frozenset({"given_names", "surname"})


def kinds_for(field: str) -> frozenset[str]:
    """Every level kind valid for comparisons on `field` (Null and Else included)."""
    return FAMILY_KINDS[FIELD_FAMILY[field]] | {NULL, ELSE}
