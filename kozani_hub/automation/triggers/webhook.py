"""`trigger: webhook` — an HTTP POST to `/api/webhook/{webhook_id}` on the hub's HTTP server."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark

from ..problems import Invalid
from .base import Attachment, Fire, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env

Method = Literal["GET", "HEAD", "POST", "PUT"]


class WebhookTriggerConfig(TriggerConfig):
    label = "webhook trigger"
    trigger: Literal["webhook"]
    webhook_id: str = Field(description="the id in the URL /api/webhook/{webhook_id}")
    allowed_methods: list[Method] | None = Field(
        None, description="HTTP methods accepted (default POST and PUT)"
    )
    local_only: bool = Field(True, description="accept requests from the local network only")


class WebhookHandler:
    """What the engine calls for a request to one webhook id."""

    __slots__ = ("allowed_methods", "local_only", "receive")

    def __init__(
        self, receive: Callable[[dict[str, Any]], None], methods: tuple[str, ...],
        local_only: bool,
    ) -> None:
        self.receive = receive
        self.allowed_methods = methods
        self.local_only = local_only

    def __call__(self, request: dict[str, Any]) -> None:
        self.receive(request)


class WebhookTrigger(Trigger):
    platform = "webhook"
    Config = WebhookTriggerConfig
    __slots__ = ("allowed_methods", "local_only", "webhook_id")

    def __init__(
        self, base: TriggerBase, webhook_id: str, methods: tuple[str, ...], local_only: bool
    ) -> None:
        super().__init__(base)
        self.webhook_id = webhook_id
        self.allowed_methods = methods
        self.local_only = local_only

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: WebhookTriggerConfig = config
        if not cfg.webhook_id.strip() or "/" in cfg.webhook_id:
            raise Invalid(mark, "'webhook_id' must be non-empty text without '/'")
        methods = tuple(cfg.allowed_methods or ("POST", "PUT"))
        return cls(base, compiler.text(cfg.webhook_id.strip()), methods, cfg.local_only)

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        webhook_id = self.webhook_id
        if webhook_id in env.webhooks:
            raise RuntimeError(f"webhook id {webhook_id!r} is already used by another rule")

        def received(request: dict[str, Any]) -> None:
            fire(
                self.data(
                    webhook_id=webhook_id,
                    json=request.get("json"),
                    data=request.get("data"),
                    query=request.get("query") or {},
                    headers=request.get("headers") or {},
                    description=f"webhook {webhook_id}",
                ),
                None,
            )

        handler = WebhookHandler(received, self.allowed_methods, self.local_only)
        env.webhooks[webhook_id] = handler

        def remove() -> None:
            if env.webhooks.get(webhook_id) is handler:
                del env.webhooks[webhook_id]

        return Attachment([remove])
