"""The HTTP server component: an aiohttp application on the hub's loop."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, cast

from aiohttp import web
from aiohttp.typedefs import Middleware

from . import api
from .auth import PUBLIC, auth_middleware
from .errors import error_middleware

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)


class WebhookHandler(Protocol):
    """Takes a webhook call: the JSON body (None when the body is not JSON), the headers, the
    method, the query and the form data. Returns whether a listener took the call."""

    async def __call__(
        self,
        webhook_id: str,
        payload: Any,
        headers: Mapping[str, str],
        *,
        method: str = "POST",
        query: Mapping[str, str] | None = None,
        data: Mapping[str, Any] | None = None,
        remote: str | None = None,
    ) -> bool: ...


class HttpServer:
    """Serves the REST API on host:port; every route but health and webhooks needs a token."""

    name = "http"

    def __init__(
        self,
        hub: Hub,
        *,
        host: str = "127.0.0.1",
        port: int = 8123,
        tokens: Iterable[str],
        max_body_bytes: int = 1024 * 1024,
    ) -> None:
        self.hub = hub
        self.host = host
        self.port = port
        self._tokens = tuple(tokens)
        if not self._tokens:
            raise ValueError("the HTTP server needs at least one bearer token")
        self._max_body = max_body_bytes
        self._webhooks: list[WebhookHandler] = []
        self._runner: web.AppRunner | None = None
        self.app = self._build()

    def add_webhook_handler(self, handler: WebhookHandler) -> None:
        self._webhooks.append(handler)

    def add_route(
        self,
        method: str,
        path: str,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
        *,
        public: bool = False,
    ) -> None:
        """Add a route before the server starts; `public` routes need no bearer token
        (they must carry their own proof, as an acknowledgement link's one-time token does)."""
        if self._runner is not None:
            raise RuntimeError("routes must be added before the HTTP server starts")
        self.app.router.add_route(method, path, handler)
        if public:
            self.app[PUBLIC] = self.app[PUBLIC] | {path}

    def _build(self) -> web.Application:
        app = web.Application(
            client_max_size=self._max_body,
            middlewares=[cast(Middleware, error_middleware), auth_middleware(self._tokens)],
        )
        app[api.HUB] = self.hub
        app[api.WEBHOOKS] = self._webhooks
        app[PUBLIC] = frozenset({"/api/health", "/api/webhook/{webhook_id}"})
        app.router.add_get("/api/health", api.health)
        app.router.add_get("/api/states", api.states)
        app.router.add_get("/api/states/{entity_id}", api.state)
        app.router.add_get("/api/services", api.services)
        app.router.add_post("/api/services/{domain}/{service}", api.call_service)
        app.router.add_route("*", "/api/webhook/{webhook_id}", api.webhook)
        return app

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except OSError as err:
            await self._runner.cleanup()
            self._runner = None
            raise OSError(
                f"the HTTP server cannot listen on {self.host}:{self.port}: {err.strerror}"
            ) from err
        if self.port == 0:
            server = getattr(site, "_server", None)
            sockets = getattr(server, "sockets", None) or []
            if sockets:
                self.port = int(sockets[0].getsockname()[1])
        _LOGGER.info("HTTP API listening on %s", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
