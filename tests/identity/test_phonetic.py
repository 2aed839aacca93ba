"""The phonetic key against tests/data/phonetic-pairs.csv (columns a,b,same,kind).

same=true rows are spellings of one name that the key should merge: kind surname / given, or
enye for a dropped tilde (PEÑA / PENA are distinct surnames, but records lose the tilde so often
that the key must merge them; normalize_name(keep_enye=True) keeps them apart for exact
comparison). same=false rows are different names that sound close and must stay apart.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jellyfish
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mpi.identity._text import fold
from mpi.identity.names import is_placeholder_name
from mpi.identity.phonetic import phonetic_key, phonetic_tokens

PAIRS_CSV = Path(__file__).resolve().parents[1] / "data" / "phonetic-pairs.csv"


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool
    kind: str


def load_pairs() -> list[Pair]:
    with PAIRS_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            Pair(row["a"], row["b"], row["same"] == "true", row["kind"])
            for row in csv.DictReader(handle)
        ]


PAIRS = load_pairs()
VARIANTS = [pair for pair in PAIRS if pair.same]
DIFFERENT = [pair for pair in PAIRS if not pair.same]


def matched(key: Callable[[str], str], pairs: list[Pair]) -> int:
    return sum(key(pair.a) == key(pair.b) for pair in pairs)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Vázquez", "BASKES"),
        ("Hernández", "ERNANDES"),
        ("Fernández", "FERNANDES"),
        ("Ceballos", "SEBAYOS"),
        ("Quiroz", "KIROS"),
        ("Guillermo", "GIYERMO"),
        ("Gerardo", "JERARDO"),
        ("Argüello", "ARGEYO"),
        ("Xóchitl", "SOCHITL"),
        ("Ximena", "JIMENA"),
        ("Mexía", "MEJIA"),
        ("Roxana", "ROKSANA"),
        ("Ixtapa", "ISTAPA"),
        ("Quetzalcóatl", "KETZALKOATL"),
        ("Cuauhtémoc", "KUAUTEMOK"),
        ("Estephania", "ESTEFANIA"),
        ("Mayra", "MAIRA"),
        ("Yolanda", "YOLANDA"),
        ("Núñez", "NUNES"),
        ("Ascención", "ASENSION"),
        ("Marroquín", "MAROKIN"),
        ("María de la Luz", "MARIA DE LA LUS"),
    ],
)
def test_phonetic_key_spells_names_as_they_sound(name: str, key: str) -> None:
    assert phonetic_key(name) == key


@pytest.mark.parametrize("empty", [None, "", "  ", "XX", "S/N", "Recién nacido", "¡¿?!"])
def test_missing_and_placeholder_names_have_an_empty_key(empty: str | None) -> None:
    assert phonetic_key(empty) == ""
    assert phonetic_tokens(empty) == ()


def test_phonetic_tokens_keys_each_word() -> None:
    assert phonetic_tokens("José Luis  Vázquez") == ("JOSE", "LUIS", "BASKES")


def test_the_pair_table_is_large_enough_to_mean_something() -> None:
    assert len(VARIANTS) >= 40
    assert len(DIFFERENT) >= 15
    assert {pair.kind for pair in VARIANTS} >= {"surname", "given", "enye"}


@pytest.mark.parametrize("pair", DIFFERENT, ids=lambda pair: f"{pair.a}-{pair.b}")
def test_different_names_keep_different_keys(pair: Pair) -> None:
    assert phonetic_key(pair.a) != phonetic_key(pair.b)


def test_the_key_merges_at_least_ninety_percent_of_spelling_variants() -> None:
    missed = [(p.a, p.b) for p in VARIANTS if phonetic_key(p.a) != phonetic_key(p.b)]
    assert len(missed) <= 0.1 * len(VARIANTS), missed


@pytest.mark.parametrize("english", [jellyfish.soundex, jellyfish.metaphone, jellyfish.nysiis])
def test_the_key_merges_more_variants_than_the_english_codes(
    english: Callable[[str], str],
) -> None:
    def folded(name: str) -> str:
        return str(english(fold(name, keep_enye=False)))

    assert matched(phonetic_key, VARIANTS) > matched(folded, VARIANTS)


@settings(max_examples=300)
@given(text=st.text())
def test_phonetic_key_never_raises_and_is_stable_under_renormalisation(text: str) -> None:
    key = phonetic_key(text)
    assert key == phonetic_key(text.upper())
    assert set(key) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ ")


SPANISH_WORDS = st.text(alphabet="ABCDEFGHIJLMNOPQRSTUVXYZÑ", min_size=1, max_size=12)


@settings(max_examples=300)
@given(word=SPANISH_WORDS)
def test_b_and_v_are_one_sound(word: str) -> None:
    with_b, with_v = word.replace("V", "B"), word.replace("B", "V")
    assume(not is_placeholder_name(with_b) and not is_placeholder_name(with_v))
    assert phonetic_key(with_b) == phonetic_key(with_v)


@settings(max_examples=300)
@given(word=SPANISH_WORDS)
def test_z_is_keyed_like_s(word: str) -> None:
    with_s = re.sub("Z(?!H)", "S", word)
    assume(not is_placeholder_name(word) and not is_placeholder_name(with_s))  # ZN / SN
    assert phonetic_key(with_s) == phonetic_key(word)


@settings(max_examples=300)
@given(vowel=st.sampled_from("AEIOU"), word=SPANISH_WORDS)
def test_an_initial_h_is_silent(vowel: str, word: str) -> None:
    assert phonetic_key("H" + vowel + word) == phonetic_key(vowel + word)


@settings(max_examples=300)
@given(
    word=SPANISH_WORDS,
    position=st.integers(min_value=0, max_value=12),
    letter=st.sampled_from("AEIOR"),  # a doubled U after Q or G is not silent any more
)
def test_doubled_vowels_and_rr_collapse_to_one_sound(word: str, position: int, letter: str) -> None:
    single = word[:position] + letter + word[position:]
    doubled = word[:position] + letter * 2 + word[position:]
    assume(not is_placeholder_name(single) and not is_placeholder_name(doubled))  # NA / NAA
    assert phonetic_key(doubled) == phonetic_key(single)


def test_phonetic_key_handles_very_long_input() -> None:
    assert phonetic_key("Vázquez " * 20_000) == " ".join(["BASKES"] * 20_000)
