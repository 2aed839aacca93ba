"""Limits that hold against hostile clients, and the schema extensions that enforce them.

Depth, aliases and introspection depth are validation rules; tokens are counted by the
parser. The validator classes are built once per `Limits` so that strawberry's
ValidationCache (keyed by the rules passed in) hits across requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from graphql import ASTValidationRule, GraphQLError
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator


@dataclass(frozen=True, slots=True)
class Limits:
    """Every bound the API enforces; the defaults suit the demo and the benchmark."""

    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_page_size: int = 100
    max_candidates: int = 50
    max_batch: int = 500
    max_body_bytes: int = 1 << 20  # 1 MiB: a full batch of records fits with room to spare


@cache
def validation_rules(limits: Limits) -> tuple[type[ASTValidationRule], ...]:
    return (
        depth_validator(limits.max_depth, None),
        alias_validator(limits.max_aliases),
        # Introspection is left on for GraphiQL; this rule (graphql-js's recommended one)
        # refuses the nested `fields { type { fields … } }` queries that explode its output.
        MaxIntrospectionDepthRule,
    )


def schema_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    rules = list(validation_rules(limits))
    return [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: MaskErrors(should_mask_error=_is_unexpected),
    ]


def _is_unexpected(error: GraphQLError) -> bool:
    # Parse and validation errors (limits included) are the client's to read; an exception
    # raised while resolving is a bug, and its message may carry internals.
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)
