"""Mexican personal names: normalisation, placeholders, compound given names, surname keys.

Everything here is pure and never raises on a string. Forms returned are uppercase A-Z
(plus Ñ when asked), single-spaced, without accents or punctuation.
"""

from __future__ import annotations

import re

from mpi.identity._name_tables import (
    COMPOUND_DE_SURNAMES,
    GIVEN_ABBREVIATIONS,
    INHERITED_DE_SURNAMES,
    NEWBORN_PREFIXES,
    PARTICLES,
    PLACEHOLDERS,
    WEAK_GIVEN,
    WIDOW_MARKERS,
)
from mpi.identity._text import fold
from mpi.identity.nicknames import (
    are_nickname_equivalent,
    name_equivalents,
    nickname_names,
    nicknames_for,
)

__all__ = [
    "are_nickname_equivalent",
    "given_name_tokens",
    "is_placeholder_name",
    "name_equivalents",
    "nickname_names",
    "nicknames_for",
    "normalize_name",
    "parse_full_name",
    "significant_given_tokens",
    "split_married_surname",
    "surname_key",
]

# Letters with no Unicode decomposition that still appear in foreign names, and the ordinal
# indicators of the old abbreviation Mª (María); mapped before accents are stripped.
_UNDECOMPOSABLE = str.maketrans(
    {"ª": "A", "º": "O", "Ø": "O", "ø": "O", "Ł": "L", "ł": "L", "Đ": "D", "đ": "D"}
    | {"Æ": "AE", "æ": "AE", "Œ": "OE", "œ": "OE", "Þ": "TH", "þ": "TH", "ẞ": "SS"}
)
# Apostrophes (and the stray acute accent legacy systems type as one) join a word: O'BRIEN,
# D'ANGELO, or an acute accent typed after its vowel; every other non-letter separates words.
_JOINERS = re.compile("['`\u2018\u2019\u00b4\u02b9\u02bc]")
_NON_LETTERS = re.compile("[^A-ZÑ]+")
_ONLY_X = re.compile("X+( X+)*")
# A name already in the normal form (A-Z words, single spaces): cleaning gives it back as is.
_CLEAN = re.compile("[A-Z]+(?: [A-Z]+)*")
_NEWBORN_FIRST = frozenset(prefix[0] for prefix in NEWBORN_PREFIXES)


def normalize_name(text: str | None, *, keep_enye: bool = False) -> str | None:
    """Normalise a given name or surname for comparison.

    Uppercases, strips accents, removes punctuation and collapses spaces. Letters outside
    A-Z (and Ñ) are dropped, since Mexican civil registration writes names in that alphabet.

    Args:
        text: The raw name, or None.
        keep_enye: Keep Ñ as its own letter (NUÑEZ); by default it is folded to N (NUNEZ),
            because records drop the tilde inconsistently.

    Returns:
        The normalised name, or None when nothing is left or the value is a placeholder
        (see `is_placeholder_name`). Idempotent.
    """
    if text is None:
        return None
    # Every call after the first on a name (prepare derives several forms of each) and
    # most raw names take the first branch, at a fraction of the cost of the second.
    if _CLEAN.fullmatch(text) is not None:
        cleaned = text
    else:
        cleaned = _letters_and_spaces(text, keep_enye=keep_enye)
    if not cleaned or _is_placeholder_form(cleaned):
        return None
    return cleaned


def is_placeholder_name(text: str | None) -> bool:
    """Tell whether a name field holds a filler instead of a name.

    Fillers: empty or punctuation only; X, XX, XXX...; SIN NOMBRE, S/N, SN, NO APLICA, NA, N/A,
    DESCONOCIDO, NINGUNO, NN, NULL and similar; and newborn labels (RN, RECIEN NACIDO/A,
    HIJO/HIJA DE ...), whose remaining words are the mother's name, not the child's.

    Args:
        text: The raw or normalised name, or None.

    Returns:
        True when the value carries no name (None counts as a placeholder).
    """
    return text is None or normalize_name(text) is None


def _letters_and_spaces(text: str, *, keep_enye: bool) -> str:
    folded = fold(text.translate(_UNDECOMPOSABLE), keep_enye=keep_enye)
    return _NON_LETTERS.sub(" ", _JOINERS.sub("", folded)).strip()


def _is_placeholder_form(cleaned: str) -> bool:
    key = cleaned.replace("Ñ", "N")
    if key in PLACEHOLDERS or _ONLY_X.fullmatch(key):
        return True
    tokens = tuple(key.split(" "))
    if tokens[0] not in _NEWBORN_FIRST:  # nearly every name: no prefix can match
        return False
    return any(tokens[: len(prefix)] == prefix for prefix in NEWBORN_PREFIXES)


def given_name_tokens(text: str | None) -> tuple[str, ...]:
    """Split a given name into comparable tokens.

    Particles (DE, DEL, LA, LOS, LAS, Y) are removed and abbreviations expanded: MA. and Mª
    to MARIA, J. to JOSE (in Mexico J. JESUS is José de Jesús), FCO. to FRANCISCO, GPE. to
    GUADALUPE. "Ma. de los Ángeles" gives ("MARIA", "ANGELES").

    Args:
        text: The raw given name(s), or None.

    Returns:
        The tokens in order (Ñ folded); empty for a missing or placeholder name.
    """
    normalized = normalize_name(text)
    if normalized is None:
        return ()
    expanded = (GIVEN_ABBREVIATIONS.get(token, token) for token in normalized.split(" "))
    return tuple(token for token in expanded if token not in PARTICLES)


def significant_given_tokens(text: str | None) -> tuple[str, ...]:
    """Given-name tokens without the weak MARIA / JOSE when another token is present.

    "MARIA GUADALUPE" gives ("GUADALUPE",); "JOSE MARIA" keeps both, having nothing else.

    Args:
        text: The raw given name(s), or None.

    Returns:
        The tokens that identify the person best, in order.
    """
    tokens = given_name_tokens(text)
    strong = tuple(token for token in tokens if token not in WEAK_GIVEN)
    return strong or tokens


def surname_key(text: str | None) -> str | None:
    """A comparison key for one surname: particles removed, remaining words glued together.

    DE LA O gives O, DEL RIO gives RIO, and RIVA PALACIO / RIVAPALACIO and MC GREGOR / MCGREGOR
    agree because the words are glued (MC is kept: GREGOR alone is another surname). A married
    form "LOPEZ DE GARCIA" is not split here; see `split_married_surname`. The raw form stays
    available through `normalize_name`.

    Args:
        text: The raw surname, or None.

    Returns:
        The key (Ñ folded to N), or None for a missing or placeholder surname.
    """
    normalized = normalize_name(text)
    if normalized is None:
        return None
    tokens = normalized.split(" ")
    kept = [token for token in tokens if token not in PARTICLES]
    return "".join(kept or tokens)


def split_married_surname(text: str | None) -> tuple[str | None, str | None]:
    """Separate a married woman's surname from her husband's.

    "LOPEZ DE GARCIA" gives ("LOPEZ", "GARCIA"); "VDA. DE GARCIA", "VIUDA DE GARCIA" and a
    bare "DE GARCIA" (the husband's surname written instead of her own, usually in the second
    surname's field) give (None, "GARCIA"); a plain surname gives (surname, None). Inherited
    compound surnames such as PONCE DE LEON, MONTES DE OCA, DE LEON or DE JESUS, and the
    "X DE LA Y" and "DE LA Y" forms, are left whole. The split is a heuristic: use it to
    generate an alternative, not to replace the recorded surname.

    Args:
        text: The raw surname field, or None.

    Returns:
        (own surname or None, husband's surname or None), normalised with Ñ folded.
    """
    normalized = normalize_name(text)
    if normalized is None:
        return None, None
    tokens = normalized.split(" ")
    widow = _split_widow(tokens)
    if widow is not None:
        return widow
    for i in range(1, len(tokens) - 1):
        if _is_married_de(tokens, i):
            return " ".join(tokens[:i]), " ".join(tokens[i + 1 :])
    if _only_husbands(tokens):
        return None, " ".join(tokens[1:])
    return normalized, None


def _only_husbands(tokens: list[str]) -> bool:
    # "DE GARCIA" (or "DE DE LA ROSA", married to a DE LA ROSA): no surname of her own is
    # shown. "DE LA CRUZ" and "DE LOS SANTOS" are one surname.
    if tokens[0] != "DE" or len(tokens) < 2 or " ".join(tokens) in INHERITED_DE_SURNAMES:
        return False
    husband = tokens[1:]
    if len(husband) == 1:
        return husband[0] not in PARTICLES
    return husband[0] in {"DE", "DEL"}


def _split_widow(tokens: list[str]) -> tuple[str | None, str | None] | None:
    marker = next((i for i, token in enumerate(tokens) if token in WIDOW_MARKERS), None)
    if marker is None:
        return None
    rest = tokens[marker + 1 :]
    if rest[:1] == ["DE"]:
        rest = rest[1:]
    own = " ".join(tokens[:marker]) or None
    return own, " ".join(rest) or None


def _is_married_de(tokens: list[str], i: int) -> bool:
    if tokens[i] != "DE" or tokens[i - 1] in PARTICLES or tokens[i + 1] in PARTICLES:
        return False
    return " ".join(tokens[i - 1 : i + 2]) not in COMPOUND_DE_SURNAMES


def parse_full_name(text: str) -> tuple[str | None, str | None, str | None]:
    """Best-effort split of a free-text "GIVEN NAMES SURNAME1 SURNAME2".

    The last word is the second surname and the word before it the first surname, each with
    any particles directly in front (DE LA CRUZ); what precedes is the given name. Two words
    give (given, surname, None); one word gives (word, None, None). Names in another order
    ("SURNAME, GIVEN") are not recognised.

    Args:
        text: A full name as typed.

    Returns:
        (given names, first surname, second surname), normalised with Ñ folded; None
        where absent.
    """
    normalized = normalize_name(text)
    if normalized is None:
        return None, None, None
    groups = _surname_groups(normalized.split(" "))
    if len(groups) == 1:
        return groups[0], None, None
    if len(groups) == 2:
        return groups[0], groups[1], None
    return " ".join(groups[:-2]), groups[-2], groups[-1]


def _surname_groups(tokens: list[str]) -> list[str]:
    # Each group is one non-particle word with the particles written before it.
    groups: list[list[str]] = []
    pending: list[str] = []
    for token in tokens:
        pending.append(token)
        if token not in PARTICLES:
            groups.append(pending)
            pending = []
    if pending and groups:
        groups[-1].extend(pending)  # trailing particles belong to the last word
    elif pending:
        groups.append(pending)
    return [" ".join(group) for group in groups]
