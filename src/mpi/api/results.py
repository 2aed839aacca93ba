"""Expected failures as schema types (STYLE rule 11): every operation returns a union."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from mpi.domain.errors import Problem


@strawberry.type(description="One broken rule: the input field at fault, the rule, and why.")
class FieldProblem:
    field: str
    rule: str
    message: str


@strawberry.type(description="The input broke one or more rules; nothing was done.")
class ValidationFailed:
    problems: list[FieldProblem]

    @classmethod
    def of(cls, problems: Sequence[Problem], prefix: str = "") -> ValidationFailed:
        return cls(
            problems=[
                FieldProblem(field=prefix + camel(p.field), rule=p.rule, message=p.message)
                for p in problems
            ]
        )


@strawberry.type(description="Nothing with this identifier exists.")
class NotFound:
    kind: str
    key: str
    message: str


@strawberry.type(description="The caller's API key does not allow this operation or target.")
class Forbidden:
    operation: str
    message: str


@strawberry.type(description="The request contradicts what is stored.")
class Conflict:
    message: str


def camel(name: str) -> str:
    """Domain field names (snake_case) as the client wrote them (camelCase)."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def forbidden(operation: str, why: str = "") -> Forbidden:
    return Forbidden(operation=operation, message=why or f"this API key may not use {operation}")
