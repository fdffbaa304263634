"""Notifiers that only remember: a scenario's notifications are recorded, never sent."""

from __future__ import annotations

from .notifiers import Message


class RecordingNotifier:
    """Takes every message, sends nothing."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Message] = []

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    async def close(self) -> None:
        """Nothing to release."""
