"""One notification waiting in the outbox, as it is saved before anything is sent."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .notifiers import Message


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A message to send, and where its delivery stands.

    `hold_until`: grouped with others of its `group` key until then. `held`: held back by the
    recipient's rate limit (sent later in a summary). `batch`: the key of the combined message
    it was sent in (so every retry, and a resend after a restart, combines the same entries).
    """

    message: Message
    created: datetime
    next_try: datetime
    attempts: int = 0
    via: tuple[str, ...] = ()
    reason: str = ""
    group: str | None = None
    hold_until: datetime | None = None
    held: bool = False
    batch: str | None = None

    @property
    def key(self) -> str:
        return self.message.key

    def ready_at(self) -> datetime:
        if self.hold_until is not None and self.hold_until > self.next_try:
            return self.hold_until
        return self.next_try

    def replace(self, **changes: Any) -> OutboxEntry:
        return dataclasses.replace(self, **changes)


def to_payload(entry: OutboxEntry) -> dict[str, Any]:
    message = dataclasses.asdict(entry.message)
    message["data"] = dict(entry.message.data)
    out: dict[str, Any] = {"message": message}
    for item in dataclasses.fields(entry):
        if item.name != "message":
            value = getattr(entry, item.name)
            out[item.name] = list(value) if isinstance(value, tuple) else value
    return out


def from_payload(payload: Mapping[str, Any]) -> OutboxEntry:
    raw = dict(payload["message"])
    names = {f.name for f in dataclasses.fields(Message)}
    message = Message(**{k: v for k, v in raw.items() if k in names})
    fields = {f.name for f in dataclasses.fields(OutboxEntry)} - {"message"}
    values = {k: v for k, v in payload.items() if k in fields}
    if "via" in values:
        values["via"] = tuple(values["via"])
    return OutboxEntry(message=message, **values)
