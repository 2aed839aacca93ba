"""Bearer API-key authentication as an ASGI middleware: no key or a bad key is HTTP 401.

The principal of an accepted key is put in `scope["state"]["principal"]` for the GraphQL
context. Accepted keys are remembered for a few seconds per process, so a busy client costs
one key lookup per `ttl` rather than one per request; a revoked key therefore stops working
within `ttl` seconds in every worker.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from mpi.api.http_errors import send_error
from mpi.services.api_keys import Principal

PRINCIPAL = "principal"
DEFAULT_TTL_SECONDS = 10.0
_MAX_CACHED = 4096


class KeyCache:
    """Wraps `authenticate(token)` with a small time-bounded cache of accepted tokens."""

    def __init__(
        self,
        authenticate: Callable[[str], Principal | None],
        ttl: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._authenticate = authenticate
        self._ttl = ttl
        self._clock = clock
        # Keyed by the token's hash, so raw tokens are not kept around in memory.
        self._cache: OrderedDict[bytes, tuple[Principal, float]] = OrderedDict()

    def __call__(self, token: str) -> Principal | None:
        digest = hashlib.sha256(token.encode("utf-8")).digest()
        now = self._clock()
        hit = self._cache.get(digest)
        if hit is not None and hit[1] > now:
            return hit[0]
        principal = self._authenticate(token)
        if principal is None:
            self._cache.pop(digest, None)
            return None
        self._cache[digest] = (principal, now + self._ttl)
        self._cache.move_to_end(digest)
        while len(self._cache) > _MAX_CACHED:
            self._cache.popitem(last=False)
        return principal


class BearerAuth:
    """Let a request through only with a valid `Authorization: Bearer <token>` header.

    A browser asking for the GraphiQL page (GET, Accept text/html) needs no key: the page
    holds no data, and its requests carry the key the user types into its headers pane.
    """

    def __init__(self, app: ASGIApp, authenticate: Callable[[str], Principal | None]) -> None:
        self._app = app
        self._authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})  # no subscriptions served
            return
        if _wants_ide(scope):
            await self._app(scope, receive, send)
            return
        token = _bearer_token(scope)
        principal = self._authenticate(token) if token else None
        if principal is None:
            await _unauthorized(send, "missing API key" if token is None else "invalid API key")
            return
        scope.setdefault("state", {})[PRINCIPAL] = principal
        await self._app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _wants_ide(scope: Scope) -> bool:
    accept = _header(scope, b"accept") or ""
    return scope["method"] == "GET" and "text/html" in accept


def _bearer_token(scope: Scope) -> str | None:
    value = _header(scope, b"authorization")
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else ""


async def _unauthorized(send: Send, message: str) -> None:
    await send_error(
        send, 401, "UNAUTHENTICATED", message, (b"www-authenticate", b'Bearer realm="mpi"')
    )
