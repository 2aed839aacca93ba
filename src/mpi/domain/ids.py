"""Opaque, roughly time-sortable identifiers for persons, tasks, merges, credentials and audit."""

from __future__ import annotations

import secrets
import time

# Crockford base32: no I, L, O, U, so ids survive being read aloud or typed at a front desk.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TIME_CHARS = 10
_RANDOM_CHARS = 16


def _base32(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """A new identifier: `prefix` + 26 characters (48-bit milliseconds + 80 random bits).

    Ids sort by creation time to the millisecond (ULID layout), which keeps pagination
    cursors and B-tree inserts cheap. They carry no personal data.

    Args:
        prefix: one or more letters naming the kind, e.g. "P" for a person.
    """
    millis = time.time_ns() // 1_000_000
    return prefix + _base32(millis, _TIME_CHARS) + _base32(secrets.randbits(80), _RANDOM_CHARS)
