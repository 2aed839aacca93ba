"""GraphQL-shaped error responses sent by the ASGI middlewares, before GraphQL runs."""

from __future__ import annotations

import json

from starlette.types import Send


async def send_error(
    send: Send, status: int, code: str, message: str, header: tuple[bytes, bytes]
) -> None:
    """One `{"errors": [...]}` JSON response with `extensions.code`, plus one extra header."""
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                header,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
