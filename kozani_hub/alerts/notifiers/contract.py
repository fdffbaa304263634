"""What every notifier receives, raises and offers: the message, the error and the protocol."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Message:
    """One notification to one person on one channel, as written to the outbox."""

    key: str
    """Idempotency key: the same for every retry of one notification."""
    alert_id: str
    recipient: str
    """The person's id."""
    channel: str
    """The notifier's name as configured."""
    address: str
    """The person's address on that notifier (email, phone, url...)."""
    title: str
    body: str
    severity: str
    category: str
    ack_url: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    """Facts: entity, state, times, escalation step, template errors."""


class DeliveryError(Exception):
    """A notification that did not go out; `retryable` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class Notifier(Protocol):
    """Sends messages on one configured channel."""

    name: str

    async def send(self, message: Message) -> None:
        """Deliver `message` or raise DeliveryError."""
        ...

    async def close(self) -> None:
        """Release connections; the notifier is not used afterwards."""
        ...
