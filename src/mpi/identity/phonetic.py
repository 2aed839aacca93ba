"""A phonetic key for Mexican Spanish names, for blocking and a "sounds alike" comparison level.

The key spells each word as it sounds in Mexican Spanish (DOMAIN-MX §5), so spelling variants
share a key while names that sound different keep different keys:

- B = V = W (VAZQUEZ / BASQUEZ, OSWALDO / OSVALDO).
- Seseo: S = Z = C before E/I (CEBALLOS / ZEBALLOS / SEVAYOS); TZ and TS stay an affricate.
- K = QU = C before A/O/U or a consonant (QUIROZ / KIROZ, CARLA / KARLA).
- G before E/I = J (GERARDO / JERARDO); GUE / GUI keep a hard G; Ü is folded away.
- LL = Y before a vowel (YAÑEZ / LLAÑEZ); Y elsewhere is the vowel I (YSABEL / ISABEL).
- H is silent (HERNANDEZ / ERNANDEZ); CH, SH stay sounds of their own; PH = F.
- Ñ = N, because records drop the tilde (NUÑEZ / NUNEZ, at the cost of PEÑA / PENA).
- X: at the start before A/E/I it is the old spelling of J (XIMENA, XAVIER, XIMENEZ), as in
  MEX- (MEXIA / MEJIA); at the start before O/U or a consonant it is S (XOCHITL / SOCHITL);
  before a consonant S (IXTAPA); elsewhere KS (MAXIMO, ROXANA, FELIX).
- Doubled sounds collapse (RR, NN, SS, AA); every vowel is kept, since dropping vowels merges
  different surnames (GOMEZ / GAMEZ, MARIN / MORAN).

H is never mapped to F nor J to S: HERNANDEZ / FERNANDEZ and JUAREZ / SUAREZ are different
surnames. HU- (HUERTA) is not merged with GÜ- or W-: W already means V here.
"""

from __future__ import annotations

import functools

from mpi.identity.names import normalize_name

__all__ = ["phonetic_key", "phonetic_tokens"]

_VOWELS = frozenset("AEIOU")
_FRONT = frozenset("EIY")
_SAME_SOUND = {"V": "B", "W": "B", "Z": "S", "Ñ": "N"}


def phonetic_key(text: str | None) -> str:
    """The Spanish phonetic key of a name; one key per word, joined by a space.

    Particles are keyed like any word ("De la Cruz" gives "DE LA KRUS"); key
    `names.surname_key(...)` instead for a particle-free surname key ("KRUS").

    Args:
        text: Any text, raw or normalised; None allowed.

    Returns:
        The key ("VAZQUEZ" and "Basquez" both give "BASKES"); "" for a missing or placeholder
        name. Never raises.
    """
    return " ".join(phonetic_tokens(text))


def phonetic_tokens(text: str | None) -> tuple[str, ...]:
    """The phonetic key of each word of a name, in order.

    Args:
        text: Any text, raw or normalised; None allowed.

    Returns:
        One key per word; empty for a missing or placeholder name.
    """
    normalized = normalize_name(text, keep_enye=True)
    if normalized is None:
        return ()
    return tuple(key for key in map(_word_key, normalized.split(" ")) if key)


@functools.lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str:
    sounds: list[str] = []
    i = 0
    while i < len(word):
        sound, width = _sound_at(word, i)
        if sound and (not sounds or sounds[-1] != sound):
            sounds.append(sound)
        i += width
    return "".join(sounds)


def _sound_at(word: str, i: int) -> tuple[str, int]:
    """The sound spelled at word[i] and how many letters spell it."""
    c = word[i]
    following = word[i + 1 : i + 3]
    if c in _VOWELS:
        return c, 1
    if c in _SAME_SOUND:
        return _SAME_SOUND[c], 1
    if c in _DIGRAPH_RULES:
        return _DIGRAPH_RULES[c](word, i, following)
    if c == "H":
        return "", 1
    return c, 1


def _c(word: str, i: int, following: str) -> tuple[str, int]:
    if following[:1] == "H":
        return "CH", 2
    return ("S", 1) if following[:1] in _FRONT else ("K", 1)


def _q(word: str, i: int, following: str) -> tuple[str, int]:
    # QUE / QUI: the U is silent; QUA (old Nahuatl spelling, QUAUHTEMOC) keeps it.
    return ("K", 2) if following[:1] == "U" and following[1:2] in _FRONT else ("K", 1)


def _g(word: str, i: int, following: str) -> tuple[str, int]:
    if following[:1] in _FRONT:
        return "J", 1
    if following[:1] == "U" and following[1:2] in _FRONT:
        return "G", 2
    return "G", 1


def _l(word: str, i: int, following: str) -> tuple[str, int]:
    return ("Y", 2) if following[:1] == "L" else ("L", 1)


def _y(word: str, i: int, following: str) -> tuple[str, int]:
    return ("Y", 1) if following[:1] in _VOWELS else ("I", 1)


def _s(word: str, i: int, following: str) -> tuple[str, int]:
    return ("SH", 2) if following[:1] == "H" else ("S", 1)


def _t(word: str, i: int, following: str) -> tuple[str, int]:
    return ("TZ", 2) if following[:1] in ("Z", "S") else ("T", 1)


def _p(word: str, i: int, following: str) -> tuple[str, int]:
    return ("F", 2) if following[:1] == "H" else ("P", 1)


def _x(word: str, i: int, following: str) -> tuple[str, int]:
    nxt = following[:1]
    if i == 0:
        if nxt in ("A", "E", "I"):
            return "J", 1
        return "S", 1
    if i == 2 and word.startswith("MEX"):
        return "J", 1
    if nxt and nxt not in _VOWELS:
        return "S", 1
    return "KS", 1


_DIGRAPH_RULES = {
    "C": _c,
    "Q": _q,
    "G": _g,
    "L": _l,
    "Y": _y,
    "S": _s,
    "T": _t,
    "P": _p,
    "X": _x,
}
