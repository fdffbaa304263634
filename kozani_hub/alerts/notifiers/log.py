"""The log notifier: one log line per notification, for sites without mail or an app."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from .contract import Message, Notifier

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}


class LogConfig(BaseModel):
    """`{type: log}`, optionally with the logger name and level."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["log"] = "log"
    logger: str = "kozani_hub.alerts.notifications"
    level: Literal["debug", "info", "warning", "error", "critical"] = "warning"


class LogNotifier:
    """Writes each notification as one log line; never fails."""

    def __init__(self, name: str, config: LogConfig) -> None:
        self.name = name
        self._logger = logging.getLogger(config.logger)
        self._level = _LEVELS[config.level]

    async def send(self, message: Message) -> None:
        """Log one line naming the alert, the person, the title and the acknowledgement link."""
        link = f" ack: {message.ack_url}" if message.ack_url else ""
        self._logger.log(
            self._level,
            "[%s] %s → %s <%s>: %s%s (key %s)",
            message.severity,
            message.alert_id,
            message.recipient,
            message.address,
            message.title,
            link,
            message.key,
        )

    async def close(self) -> None:
        """Nothing to release."""


def create(name: str, config: BaseModel, hub: Hub) -> Notifier:
    """The log notifier for a validated LogConfig."""
    if not isinstance(config, LogConfig):
        raise TypeError(f"notifier {name!r}: expected a log configuration")
    return LogNotifier(name, config)
