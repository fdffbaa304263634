"""Bearer-token authentication, compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable
from typing import cast

from aiohttp import web
from aiohttp.typedefs import Middleware

from .errors import json_error

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PUBLIC = web.AppKey("public_routes", frozenset[str])


def _token_of(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def auth_middleware(tokens: Iterable[str]) -> Middleware:
    """Refuse every request without a known bearer token, except routes marked public."""
    known = [t.encode() for t in tokens]

    def allowed(token: str) -> bool:
        candidate = token.encode()
        # Compare against every token, always, so timing says nothing about which matched.
        matches = [hmac.compare_digest(candidate, k) for k in known]
        return any(matches)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route.resource
        name = route.canonical if route is not None else ""
        if name in request.app[PUBLIC]:
            return await handler(request)
        token = _token_of(request)
        if token is None:
            return json_error(401, "missing bearer token: send 'Authorization: Bearer <token>'")
        if not allowed(token):
            return json_error(401, "invalid bearer token")
        return await handler(request)

    return cast(Middleware, middleware)
