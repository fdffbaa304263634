"""JSON error responses with a message a person can act on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn aiohttp's plain-text errors into JSON ones, including 413 for a large body."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge as err:
        return json_error(413, f"request body too large: {err.text}")
    except web.HTTPException as err:
        if err.status >= 400 and err.content_type != "application/json":
            return json_error(err.status, err.reason)
        raise
