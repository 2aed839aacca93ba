"""The verdict detail shared by every identity check (CURP, NSS, dates)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a check passed or failed.

    Attributes:
        code: short machine-readable code, e.g. "ok", "placeholder", "check_digit".
        message: one sentence for people reading a review screen or a log.
    """

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


OK = Reason("ok", "passes every check")
EMPTY = Reason("empty", "no value given")
