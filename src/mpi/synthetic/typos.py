"""Single-character capture errors: the typos a clerk or an OCR pass makes in one field."""

from __future__ import annotations

import numpy as np

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Characters read or typed for one another (OCR, and the O/0 I/1 confusion of DOMAIN-MX §4).
LOOKALIKES = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B",
              "Z": "2", "2": "Z", "G": "6", "6": "G"}  # fmt: skip
NAME_TYPO_KINDS = ("substitution", "deletion", "insertion", "transposition", "lookalike")
_NAME_TYPO_WEIGHTS = np.array([0.35, 0.25, 0.1, 0.2, 0.1])


def name_typo(rng: np.random.Generator, text: str) -> str:
    """One substitution, deletion, insertion, transposition or O/0-I/1 swap in a name."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 2:
        return text
    kind = NAME_TYPO_KINDS[int(rng.choice(len(NAME_TYPO_KINDS), p=_NAME_TYPO_WEIGHTS))]
    at = letters[int(rng.integers(len(letters)))]
    if kind == "lookalike":
        lookalike = [i for i in letters if text[i] in "OI"]
        if lookalike:
            at = lookalike[int(rng.integers(len(lookalike)))]
            return text[:at] + LOOKALIKES[text[at]] + text[at + 1 :]
        kind = "substitution"
    if kind == "deletion":
        changed = text[:at] + text[at + 1 :]
    elif kind == "insertion":
        changed = text[:at] + _pick(rng, _LETTERS) + text[at:]
    elif kind == "transposition" and at + 1 < len(text) and text[at + 1].isalpha():
        changed = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    else:
        changed = text[:at] + _pick(rng, _LETTERS, avoid=text[at]) + text[at + 1 :]
    return " ".join(changed.split()) or text


def curp_typo(rng: np.random.Generator, curp: str) -> str:
    """One look-alike swap, substitution or adjacent transposition in an 18-character key."""
    for _ in range(8):
        at = int(rng.integers(len(curp)))
        draw = rng.random()
        if draw < 0.4 and curp[at] in LOOKALIKES:
            changed = curp[:at] + LOOKALIKES[curp[at]] + curp[at + 1 :]
        elif draw < 0.7 and at + 1 < len(curp):
            changed = curp[:at] + curp[at + 1] + curp[at] + curp[at + 2 :]
        else:
            changed = curp[:at] + _pick(rng, _ALNUM, avoid=curp[at]) + curp[at + 1 :]
        if changed != curp:
            return changed
    return curp[:-1] + _pick(rng, "0123456789", avoid=curp[-1])


def digit_typo(rng: np.random.Generator, digits: str) -> str:
    """Replace one digit with another."""
    at = int(rng.integers(len(digits)))
    return digits[:at] + _pick(rng, "0123456789", avoid=digits[at]) + digits[at + 1 :]


def _pick(rng: np.random.Generator, alphabet: str, avoid: str = "") -> str:
    while True:
        char = alphabet[int(rng.integers(len(alphabet)))]
        if char != avoid:
            return char
