"""Evidence that two given names in one cluster are one person's names (not twins').

A person named MARIA GUADALUPE appears as MARIA in one record and GUADALUPE in another;
twins MARIA and VERONICA look no different pair by pair. Clustering looks for a third
record, or a CURP, that shows both names belong to one person.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mpi.matching._given import GivenTokens
from mpi.matching.features import Features

_VOWELS = frozenset("AEIOU")


def held_by(
    g: GivenTokens, tokens: NDArray[np.int32], names: NDArray[np.int32]
) -> NDArray[np.bool_]:
    """Per row of `names` (token ids), whether every token of `tokens` is in it, as itself or
    as a nickname of one of its words (PEPE in JOSE LUIS, CHUY in JESUS ANGEL)."""
    wanted = tokens[tokens >= 0]
    if not len(wanted):
        return np.zeros(len(names), dtype=np.bool_)
    exact = names[:, :, None] == wanted[None, None, :]  # (m, K, k)
    eq_names = np.where(names[:, :, None] >= 0, g.equivalents[names], -1)  # (m, K, q)
    eq_wanted = g.equivalents[wanted]  # (k, q)
    same = eq_names[:, :, None, :, None] == eq_wanted[None, None, :, None, :]  # (m, K, k, q, q)
    same &= eq_wanted[None, None, :, None, :] >= 0
    found: NDArray[np.bool_] = (exact | same.any(axis=(3, 4))).any(axis=1).all(axis=1)
    return found


def curp_letters_fit(f: Features, short: int, other: int) -> bool:
    """Whether record `short`, named only MARIA or JOSE (or initials), carries a valid CURP
    whose given-name letters (positions 4 and 16) are those of `other`'s name: its CURP was
    made from a longer name (MARIA ROSA), of which `other` (ROSA) is the rest."""
    g = f.given
    if not f.curp.valid[short] or not g.uninformative[g.significant[short]].all():
        return False
    words = g.significant[other]
    words = words[words >= 0]
    if not len(words) or g.uninformative[words[0]]:
        return False
    word = str(g.words[words[0]])
    chars = f.curp.chars[short]
    return chr(chars[3]) + chr(chars[15]) == curp_name_letters(word)


def curp_name_letters(word: str) -> str:
    """The CURP's given-name letters (positions 4 and 16) made from the name's `word`."""
    return word[0] + _first_inner_consonant(word) if word else ""


def _first_inner_consonant(word: str) -> str:
    for char in word[1:]:
        if char.isalpha() and char not in _VOWELS:
            return "X" if char == "Ñ" else char
    return "X"
