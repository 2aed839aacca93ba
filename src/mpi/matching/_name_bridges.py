"""Evidence that two given names in one cluster are one person's names (not twins').

A person named MARIA GUADALUPE appears as MARIA in one record and GUADALUPE in another;
twins MARIA and VERONICA look no different pair by pair. Clustering looks for a third
record, or a CURP, that shows both names belong to one person.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from mpi.matching._given import GivenTokens
from mpi.matching._level_tests import Index, as_mask
from mpi.matching.features import Features

_VOWELS = frozenset("AEIOU")
# The shortest given name (ANA, LUZ, EVA): shorter tokens are initials or typo fragments.
MIN_NAME = 3


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


Letters = tuple[NDArray[np.int64], NDArray[np.int64]]


def name_key_letters(f: Features) -> Letters:
    """What `short_name_key` reads of every record (compute once for many calls)."""
    return _short_key_letters(f), _long_name_letters(f)


def short_name_key(
    f: Features, left: Index, right: Index, letters: Letters | None = None
) -> NDArray[np.bool_]:
    """Pairs where one record is named only MARIA (or JOSE) and carries a valid CURP made
    from that name alone, and the other's name adds a given name (MARIA ELENA) that would
    have made other letters: RENAPO skips MARIA and JOSE in a compound name, so the key
    holder is named plain MARIA and the other is someone else (a twin, not a short form)."""
    short_l, long_l = letters if letters is not None else name_key_letters(f)
    return as_mask(_holds_short_key(f, short_l, long_l, left, right)) | _holds_short_key(
        f, short_l, long_l, right, left
    )


def _holds_short_key(
    f: Features,
    short_letters: NDArray[np.int64],
    long_letters: NDArray[np.int64],
    short: Index,
    other: Index,
) -> NDArray[np.bool_]:
    mine, theirs = short_letters[short], long_letters[other]
    out = (mine >= 0) & (theirs >= 0) & (mine != theirs)
    idx = np.flatnonzero(out)
    if len(idx):
        # The longer name holds the short one's word (MARIA in MARIA ELENA).
        word = f.given.significant[short[idx], 0]
        out[idx] = (f.given.tokens[other[idx]] == word[:, None]).any(axis=1)
    return as_mask(out)


def _short_key_letters(f: Features) -> NDArray[np.int64]:
    # Per record: the CURP's letters when the record is named only MARIA or JOSE and its
    # valid CURP's letters are that name's own; else -1.
    g = f.given
    rows, name = _one_per_name(f)
    sig = g.significant[rows]
    first = sig[:, 0]
    only_weak = (g.uninformative[sig] | (sig < 0)).all(axis=1) & (first >= 0) & ~g.short[first]
    own = np.where(only_weak, _word_letters(g)[first], -1)[name]
    chars = f.curp.chars
    held = chars[:, 3].astype(np.int64) * 256 + chars[:, 15]
    return np.where(f.curp.valid & (own >= 0) & (held == own), held, -1)


def _long_name_letters(f: Features) -> NDArray[np.int64]:
    # Per record: the CURP letters its given name makes, when it is a compound name whose
    # first significant word is a full name other than MARIA or JOSE (the compound's rest);
    # else -1. (A typo such as J0SE splits one name into JOSE and SE, no name of 3 letters.)
    g = f.given
    rows, name = _one_per_name(f)
    first = g.significant[rows, 0]
    compound = (g.tokens[rows] >= 0).sum(axis=1) >= 2
    full = np.array([len(str(w)) >= MIN_NAME for w in g.words], dtype=np.bool_)
    usable = compound & (first >= 0) & ~g.uninformative[first] & full[first]
    return np.where(usable, _word_letters(g)[first], -1)[name]


def _one_per_name(f: Features) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    # A record of each given name (any: a name's token rows are all alike), and each
    # record's name's position among them (0: no name). The letters are a name's, so they
    # are worked out once per name instead of once per record.
    name = f.text["given_names"].ids.astype(np.intp) + 1
    rows = np.zeros(int(name.max(initial=0)) + 1, dtype=np.intp)
    rows[name] = np.arange(len(name), dtype=np.intp)
    return rows, name


def _word_letters(g: GivenTokens) -> NDArray[np.int64]:
    # curp_name_letters of each vocabulary word as one number ([-1] = -1).
    codes = [_code(curp_name_letters(str(w))) for w in g.words[:-1]]
    return np.array([*codes, -1], dtype=np.int64)


def _code(letters: str) -> int:
    return ord(letters[0]) * 256 + ord(letters[1]) if len(letters) == 2 else -1
