"""Character-level folding shared by the CURP rules and name normalisation."""

from __future__ import annotations

import unicodedata

_ENYE_MARK = "\uf8ff"  # private-use stand-in so Ñ survives accent stripping


def fold(text: str, *, keep_enye: bool) -> str:
    """Uppercase and strip diacritics; Ñ is kept as Ñ or folded to N.

    Both variants exist because records drop the tilde inconsistently (NÚÑEZ / NUNEZ),
    while the CURP rules treat Ñ as a letter of its own.
    """
    upper = text.upper()
    if upper.isascii():
        # No Ñ, no combining mark, nothing either normal form would change (most names).
        return upper
    if keep_enye:
        upper = upper.replace("Ñ", _ENYE_MARK).replace("N\u0303", _ENYE_MARK)
    decomposed = unicodedata.normalize("NFD", upper)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    if keep_enye:
        stripped = stripped.replace(_ENYE_MARK, "Ñ")
    return unicodedata.normalize("NFC", stripped)
