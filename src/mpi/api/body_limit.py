"""Refuse request bodies over a size limit (HTTP 413) before anything parses them."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mpi.api.http_errors import send_error


class BodySizeLimit:
    """Read the whole body (at most `max_bytes`) and replay it to the wrapped app.

    A declared Content-Length over the limit is refused without reading; a chunked body is
    counted as it arrives and refused as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self._max_bytes:
            await _too_large(send, self._max_bytes)
            return
        body = await self._read(receive)
        if body is None:
            await _too_large(send, self._max_bytes)
            return
        await self._app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)  # client went away; let the app see an empty body
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # after the body: wait for a disconnect as usual
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _content_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            text = bytes(value).decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _too_large(send: Send, limit: int) -> None:
    message = f"request body larger than {limit} bytes"
    await send_error(send, 413, "TOO_LARGE", message, (b"connection", b"close"))
