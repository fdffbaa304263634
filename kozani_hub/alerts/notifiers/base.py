"""The notifier interface the alert engine codes against, and the registry of notifier types.

`NOTIFIER_TYPES` maps a `type:` name of the `alerts.notifiers` section to the pydantic model that
validates that notifier's configuration and the factory that builds it from (name, config, hub).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel

from . import email, log, webhook
from .contract import DeliveryError, Message, Notifier

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

NotifierFactory = Callable[[str, BaseModel, "Hub"], Notifier]

NOTIFIER_TYPES: dict[str, tuple[type[BaseModel], NotifierFactory]] = {
    "email": (email.EmailConfig, email.create),
    "log": (log.LogConfig, log.create),
    "webhook": (webhook.WebhookConfig, webhook.create),
}

__all__ = ["NOTIFIER_TYPES", "DeliveryError", "Message", "Notifier", "NotifierFactory"]
