"""`notify.send`: a message to people that is not an alarm (a building's daily energy summary),
delivered through the same durable outbox as alerts: saved before it is sent, retried until a
notifier takes it, sent again after a crash with the same idempotency key."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from kozani_hub.core.services import ServiceCall, ServiceError

from .entry import OutboxEntry
from .escalation import recipients
from .fields import Category, Severity
from .notifiers import Message
from .refs import target_problem

if TYPE_CHECKING:
    from .engine import AlertEngine

NOTIFY_ID = "notify"
"""The alert id carried by notifications that belong to no alert."""


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class NotifyData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: Annotated[list[str], BeforeValidator(_one_or_many)] = Field(min_length=1)
    title: str = Field(min_length=1)
    message: str = ""
    severity: Severity = Severity.LOW
    category: Category = Category.MAINTENANCE
    data: dict[str, Any] = Field(default_factory=dict)


def notify_handler(engine: AlertEngine) -> Callable[[ServiceCall], None]:
    """The handler of `notify.send`: one outbox entry per person and contact the targets name."""

    def handler(call: ServiceCall) -> None:
        data = NotifyData.model_validate(dict(call.data))
        config = engine.config
        problems = [p for p in (target_problem(config, t) for t in data.target) if p]
        if problems:
            raise ServiceError("notify.send: " + "; ".join(problems))
        now = engine.hub.clock.now()
        people = recipients(config, data.target, now, engine.hub.tz)
        entries: list[OutboxEntry] = []
        for recipient in people:
            if recipient.is_channel:
                contacts = [(recipient.person.partition(".")[2], "")]
            else:
                person = config.people.get(recipient.person)
                contacts = [(c.notifier, c.address) for c in (person.contacts if person else ())]
            for n, (channel, address) in enumerate(contacts):
                key = f"{NOTIFY_ID}/{call.context.id}/{recipient.person}/{channel}" + (
                    f"#{n}" if n else ""
                )
                message = Message(
                    key=key,
                    alert_id=NOTIFY_ID,
                    recipient=recipient.person,
                    channel=channel,
                    address=address,
                    title=data.title,
                    body=data.message,
                    severity=str(data.severity),
                    category=str(data.category),
                    ack_url=None,
                    data=data.data,
                )
                entries.append(
                    OutboxEntry(message, now, now, via=(recipient.via,), reason="notify.send")
                )
        if not entries:
            raise ServiceError(f"notify.send: nobody to tell for {', '.join(data.target)} now")
        engine.outbox.add(entries)

    return handler
