"""The GraphQL schema: queries, mutations, limits and the audit of reads, put together."""

from __future__ import annotations

import strawberry

from mpi.api.audit import AuditReads
from mpi.api.limits import Limits, schema_extensions
from mpi.api.queries import Query
from mpi.api.register import Mutation


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    """The schema with every limit of `limits` enforced (the SDL does not depend on them)."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[*schema_extensions(limits or Limits()), AuditReads],
    )


def sdl() -> str:
    """The printed schema, as committed in schema/mpi.graphql."""
    return build_schema().as_str() + "\n"
