"""One error tree for the whole package: every error mpi raises on purpose is an MpiError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MpiError(Exception):
    """Root of every error mpi raises deliberately."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is, which rule it broke, and in words."""

    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message} [{self.rule}]"


class ValidationError(MpiError):
    """Input broke one or more rules; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("a ValidationError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, rule: str, message: str) -> ValidationError:
        return cls([Problem(field, rule, message)])


class RulesError(ValidationError):
    """A matching rules file is wrong; each problem names its TOML key in `field`."""


class NotFoundError(MpiError):
    """A person, record or task that was asked for does not exist."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class ConflictError(MpiError):
    """The operation contradicts what is stored (a constraint, a concurrent change)."""


class StoreError(MpiError):
    """The store cannot be opened or reached, or its contents are not mpi's."""
