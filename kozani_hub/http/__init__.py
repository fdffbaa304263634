"""The hub's HTTP server: REST API now, the WebSocket API and web pages grow from it."""

from .server import HttpServer, WebhookHandler

__all__ = ["HttpServer", "WebhookHandler"]
