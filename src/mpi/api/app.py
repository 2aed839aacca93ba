"""The ASGI application: GraphQL (with GraphiQL) behind API-key auth and a body-size limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from mpi.api.audit import AuditBatcher
from mpi.api.auth import DEFAULT_TTL_SECONDS, PRINCIPAL, BearerAuth, KeyCache
from mpi.api.body_limit import BodySizeLimit
from mpi.api.context import ApiServices, Context, make_loaders
from mpi.api.limits import Limits
from mpi.api.schema import build_schema


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view with mpi's typed context; queries only by POST."""

    def __init__(self, services: ApiServices, limits: Limits) -> None:
        # No queries over GET: personal data would end up in URLs, proxies and access logs.
        super().__init__(build_schema(limits), graphql_ide="graphiql", allow_queries_via_get=False)
        self._services = services
        self._limits = limits
        reads = services.reads
        self._audit = AuditBatcher(reads.record_reads_of_many, reads.record_reads_now)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if PRINCIPAL not in scope.get("state", {}):
            # BearerAuth lets only the GraphiQL page through without a key: serve just that.
            response = await self.render_graphql_ide(Request(scope, receive))
            await response(scope, receive, send)
            return
        with self._audit.serving():
            await super().__call__(scope, receive, send)

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        return Context(
            request=request,
            response=response,
            principal=request.scope["state"][PRINCIPAL],
            services=self._services,
            limits=self._limits,
            loaders=make_loaders(self._services),
            audit=self._audit,
        )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(
    services: ApiServices,
    limits: Limits | None = None,
    key_ttl_seconds: float = DEFAULT_TTL_SECONDS,
) -> Starlette:
    """The API as an ASGI app; closing it (lifespan shutdown) closes the services' store.

    Args:
        services: the use cases (and the store they hold) the API calls.
        limits: query, page, batch and body limits; defaults to `Limits()`.
        key_ttl_seconds: how long an accepted API key is trusted without a fresh lookup.
    """
    limits = limits or Limits()
    graphql = GraphQLEndpoint(services, limits)
    authenticate = KeyCache(services.keys.authenticate, key_ttl_seconds)
    guarded = BearerAuth(BodySizeLimit(graphql, limits.max_body_bytes), authenticate)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            services.close()

    routes = [Route("/graphql", guarded), Route("/healthz", healthz, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)
