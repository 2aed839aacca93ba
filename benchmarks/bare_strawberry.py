"""The ceiling for the API benchmark: a bare strawberry app answering a trivial query.

Run under uvicorn as an app factory, e.g.
`uvicorn bare_strawberry:cached_app --factory --app-dir benchmarks --workers 2`.
`plain_app` has no extensions; `cached_app` turns on strawberry's ParserCache and
ValidationCache, as mpi's schema does.
"""

from __future__ import annotations

import strawberry
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

QUERY = "{ hello }"


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"


def plain_app() -> GraphQL[None, None]:
    return GraphQL(strawberry.Schema(query=Query), graphql_ide=None)


def cached_app() -> GraphQL[None, None]:
    schema = strawberry.Schema(
        query=Query, extensions=[lambda: ParserCache(maxsize=256), lambda: ValidationCache(256)]
    )
    return GraphQL(schema, graphql_ide=None)
