"""A steward's decision that two records belong to different persons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class NotSame:
    """An undirected constraint; stores keep `a_key < b_key`."""

    a_key: str
    b_key: str
    by: str
    at: datetime
    reason: str

    def other(self, key: str) -> str:
        """The record on the other side of the constraint from `key`."""
        return self.b_key if key == self.a_key else self.a_key
