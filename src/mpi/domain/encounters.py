"""Encounters: the unified clinical history attached to records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Encounter:
    """A consultation, lab result, prescription or referral recorded by a source."""

    id: str
    record_key: str
    kind: str
    occurred_on: date
    facility: str | None = None
    summary: str | None = None
