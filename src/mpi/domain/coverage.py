"""Derechohabiencia: a source's statement that a record's holder is covered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Coverage:
    """Coverage by `institution` of kind `kind` ("derechohabiente", "beneficiario" …).

    Identified by (record_key, institution, kind, valid_from); re-adding the same
    coverage updates `valid_to`. `valid_to` None means open-ended.
    """

    record_key: str
    institution: str
    kind: str
    valid_from: date
    valid_to: date | None = None
