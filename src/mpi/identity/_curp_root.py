"""Derivation of the 16-character CURP root from name, birth date, sex and state (RENAPO)."""

from __future__ import annotations

from datetime import date

from mpi.domain.errors import Problem, ValidationError
from mpi.identity._renapo import (
    INCONVENIENT_WORDS,
    LETTERS,
    PARTICLES,
    SKIPPED_FIRST_NAMES,
    VOWELS,
)
from mpi.identity._text import fold
from mpi.identity.codes import normalize_sex, normalize_state

_FIRST_CURP_YEAR = 1900  # position 17 only tells the 1900s from the 2000s
_LAST_CURP_YEAR = 2099


def derive_root(
    given_names: str,
    first_surname: str,
    second_surname: str | None,
    birth_date: date,
    sex: str,
    birth_state: str,
) -> str:
    """Build the 16-character CURP root ("segmento raíz") by the RENAPO rules.

    Names are folded (uppercase, accents and diaeresis dropped, Ñ kept as a letter of its
    own); particles (DE, DEL, LA, MC, VAN, Y …) are dropped; a compound surname uses its first
    word; a first given name MARIA/MA./MA/M/JOSE/J./J is skipped when more names follow;
    Ñ becomes X; a special character (/ - . ' or a digit) met where a letter is picked gives X;
    an Anexo 2 inconvenient word gets X in position 2. `sex` and `birth_state` accept
    anything `normalize_sex` / `normalize_state` understand.

    Args:
        given_names: all given names, e.g. "MARÍA DEL CARMEN".
        first_surname: the first (traditionally paternal) surname.
        second_surname: the second surname, or None / blank when there is none.
        birth_date: date of birth, 1900-2099.
        sex: H, M or X (or a form normalize_sex accepts).
        birth_state: CURP state code or state name; NE for born abroad.

    Raises:
        ValidationError: naming each unusable field (no letters in a required name,
            unknown sex or state, birth date outside 1900-2099).
    """
    problems: list[Problem] = []
    given = _name_words(given_names, "given_names", problems)
    surname1 = _name_words(first_surname, "first_surname", problems)
    surname2 = _name_words(second_surname or "", "second_surname", None)
    sex_code = _code(normalize_sex(sex), "sex", sex, problems)
    state_code = _code(normalize_state(birth_state), "birth_state", birth_state, problems)
    _check_date(birth_date, problems)
    if problems:
        raise ValidationError(problems)
    given_word = _skip_common_first_name(given)[0]
    surname1_word, surname2_word = surname1[0], surname2[0] if surname2 else ""
    letters = (
        _initial(surname1_word)
        + _internal(surname1_word, vowel=True)
        + (_initial(surname2_word) if surname2_word else "X")
        + _initial(given_word)
    )
    if letters in INCONVENIENT_WORDS:
        letters = letters[0] + "X" + letters[2:]
    consonants = (
        _internal(surname1_word, vowel=False)
        + _internal(surname2_word, vowel=False)
        + _internal(given_word, vowel=False)
    )
    return f"{letters}{birth_date:%y%m%d}{sex_code}{state_code}{consonants}"


def _name_words(text: object, field: str, problems: list[Problem] | None) -> list[str]:
    """Folded words with particles dropped; all-particle names keep their words."""
    words = fold(text, keep_enye=True).split() if isinstance(text, str) else []
    if problems is not None and not any(char in LETTERS for word in words for char in word):
        problems.append(Problem(field, "required", "must contain at least one letter"))
        return []
    kept = [word for word in words if word not in PARTICLES]
    return kept or words


def _skip_common_first_name(words: list[str]) -> list[str]:
    if len(words) > 1 and words[0] in SKIPPED_FIRST_NAMES:
        return words[1:]
    return words


def _code(code: str | None, field: str, raw: object, problems: list[Problem]) -> str:
    if code is None:
        problems.append(Problem(field, "code", f"unknown code {raw!r}"))
        return ""
    return code


def _check_date(birth_date: object, problems: list[Problem]) -> None:
    if not isinstance(birth_date, date):
        problems.append(Problem("birth_date", "type", "must be a date"))
    elif not _FIRST_CURP_YEAR <= birth_date.year <= _LAST_CURP_YEAR:
        problems.append(Problem("birth_date", "range", "a CURP encodes years 1900-2099 only"))


def _initial(word: str) -> str:
    first = word[0]
    return first if first in LETTERS and first != "Ñ" else "X"


def _internal(word: str, *, vowel: bool) -> str:
    """First internal vowel (or consonant) after the initial; X if none or if a special
    character comes first, which is how RENAPO turns D/AMICO into DX…"""
    for char in word[1:]:
        if char not in LETTERS:
            return "X"
        if (char in VOWELS) == vowel:
            return "X" if char == "Ñ" else char
    return "X"
