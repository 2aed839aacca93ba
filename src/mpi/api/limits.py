"""Limits that hold against hostile clients, and the schema extensions that enforce them.

Depth, aliases and introspection depth are validation rules; tokens are counted by the
parser. Both run once per distinct query text: `CheckedDocuments` keeps the parsed document
and its validation errors by query text, so a client repeating a query (the usual case)
pays for neither again, and a query over a limit is refused every time it is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.schema import validate_document

DOCUMENTS_KEPT = 256  # distinct query texts remembered per schema
UNEXPECTED = "Unexpected error."  # what a client sees of a bug (strawberry's wording)


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


class DocumentCache:
    """Parsed documents and their validation errors, by query text, for one schema's limits.

    Keyed by the text, never by the parsed document: hashing a document walks its whole
    tree. Failed parses (syntax errors, too many tokens) raise and are not kept.
    """

    def __init__(self, limits: Limits, maxsize: int = DOCUMENTS_KEPT) -> None:
        self._max_tokens = limits.max_tokens
        self._rules = validation_rules(limits)
        self.document = lru_cache(maxsize=maxsize)(self._parse)
        self.errors = lru_cache(maxsize=maxsize)(self._validate)

    def _parse(self, query: str) -> DocumentNode:
        return parse(query, max_tokens=self._max_tokens)

    def _validate(
        self, schema: GraphQLSchema, query: str, rules: tuple[type[ASTValidationRule], ...]
    ) -> list[GraphQLError]:
        return validate_document(schema, self.document(query), (*rules, *self._rules))


class CheckedDocuments(SchemaExtension):
    """Parse and validate through a DocumentCache: the limits above, once per query text."""

    def __init__(self, documents: DocumentCache) -> None:
        self._documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:  # strawberry refuses a missing query before this
            context.graphql_document = self._documents.document(context.query)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:
            # Strawberry's own rules for this request, then the limits' rules.
            rules = context.validation_rules
            context.pre_execution_errors = self._documents.errors(
                context.schema._schema, context.query, rules
            )
        yield


def schema_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    documents = DocumentCache(limits)
    return [lambda: CheckedDocuments(documents), MaskUnexpectedErrors]


class MaskUnexpectedErrors(SchemaExtension):
    """strawberry's MaskErrors for mpi's results (no streams or subscriptions are served),
    without its per-request protocol check, which cost more than the rest of it."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_masked(e) if _is_unexpected(e) else e for e in result.errors]


def _is_unexpected(error: GraphQLError) -> bool:
    # Parse and validation errors (limits included) are the client's to read; an exception
    # raised while resolving is a bug, and its message may carry internals.
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


def _masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        UNEXPECTED,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
    )
