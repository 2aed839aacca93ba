"""IMSS Número de Seguridad Social (NSS): 11 digits ending in a Luhn check digit.

An NSS is shared by an insured worker and their beneficiaries, so it is household or
account evidence, never a person key on its own (DOMAIN-MX.md §4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import luhn

from mpi.domain.errors import ValidationError
from mpi.identity._reason import EMPTY, OK, Reason

__all__ = ["NssCheck", "Reason", "registration_parts", "validate_nss"]

# Printed NSS often carry spaces or hyphens between the groups (12-34-56-7890-1).
_SEPARATORS = re.compile(r"[\s\-]+")
_DIGITS = re.compile(r"[0-9]{11}")


@dataclass(frozen=True, slots=True)
class NssCheck:
    """The verdict on one NSS value.

    Attributes:
        valid: 11 digits, Luhn check passes, not a placeholder.
        reason: the first failed check, or "ok".
        nss: the value without separators when it is 11 ASCII digits, else None.
    """

    valid: bool
    reason: Reason
    nss: str | None = None


def validate_nss(text: str) -> NssCheck:
    """Check an NSS: 11 digits with a valid Luhn digit. Never raises.

    Spaces and hyphens between digits are removed first. A value made of one repeated
    digit (00000000000 passes Luhn) is reported as reason "placeholder".

    Args:
        text: the raw NSS value.
    """
    if not isinstance(text, str) or not text.strip():
        return NssCheck(False, EMPTY)
    key = _SEPARATORS.sub("", text)
    if len(key) != 11:
        return NssCheck(False, Reason("length", f"has {len(key)} characters, needs 11"))
    if not _DIGITS.fullmatch(key):
        return NssCheck(False, Reason("structure", "must be digits 0-9 only"))
    if len(set(key)) == 1:
        return NssCheck(False, Reason("placeholder", "one repeated digit, not a real NSS"), key)
    if not luhn.is_valid(key):
        expected = luhn.calc_check_digit(key[:10])
        reason = Reason("check_digit", f"Luhn digit is {key[10]}, expected {expected}")
        return NssCheck(False, reason, key)
    return NssCheck(True, OK, key)


def registration_parts(nss: str) -> dict[str, str]:
    """Split an NSS into its fields (two-digit years are as printed, century unknown).

    Returns keys subdelegacion (2 digits), registration_year (2), birth_year (2),
    sequence (4) and check_digit (1).

    Raises:
        ValidationError: the value is not 11 digits after removing separators.
    """
    key = _SEPARATORS.sub("", nss)
    if not _DIGITS.fullmatch(key):
        raise ValidationError.single("nss", "structure", "must be 11 digits")
    return {
        "subdelegacion": key[0:2],
        "registration_year": key[2:4],
        "birth_year": key[4:6],
        "sequence": key[6:10],
        "check_digit": key[10],
    }
