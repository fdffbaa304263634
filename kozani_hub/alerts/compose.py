"""What a notification says: the definition's title and message templates rendered with the
alert's facts. A template that fails never stops a notification: it goes out with the raw facts
and the error noted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from kozani_hub.templates import TemplateError

from .config import AlertsConfig
from .definition import Definition
from .entry import OutboxEntry
from .escalation import Recipient
from .lifecycle import state_of
from .notifiers import Message
from .record import AlertRecord

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


class AckLinks(Protocol):
    """One-time acknowledgement links (kozani_hub.alerts.ack.AckTokens)."""

    def issue(self, alert_id: str, person: str, *, title: str | None = None,
              person_name: str | None = None) -> str: ...

    def url(self, token: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Content:
    title: str
    body: str
    link: str | None
    errors: tuple[str, ...] = ()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class Composer:
    """Renders alerts' texts and turns recipients into outbox entries."""

    def __init__(self, hub: Hub, config: AlertsConfig, ack: AckLinks | None = None) -> None:
        self._hub = hub
        self._config = config
        self.ack = ack

    def variables(self, definition: Definition, record: AlertRecord, value: Any) -> dict[str, Any]:
        """What the templates can use: the alert, its entity and value, and its variables."""
        since = record.since.astimezone(self._hub.tz) if record.since else None
        overrides = record.overrides.get("variables")
        return {
            **definition.variables,
            **(overrides if isinstance(overrides, Mapping) else {}),
            "alert": {
                "id": definition.id, "name": definition.display_name,
                "severity": str(definition.severity), "category": str(definition.category),
                "state": str(state_of(record)), "entity_id": definition.entity_id,
                "since": since.isoformat() if since else None,
            },
            "entity_id": definition.source_entity,
            "value": value,
            "since": since,
            "since_local": since.strftime("%a %d %b %H:%M") if since else "-",
        }

    def _render(self, source: str, variables: Mapping[str, Any]) -> str:
        return str(self._hub.templates.compile(source).render(variables, parse_result=False))

    def content(self, definition: Definition, record: AlertRecord, value: Any) -> Content:
        """Title, body and link; the raw facts instead of what failed to render."""
        variables = self.variables(definition, record, value)
        errors: list[str] = []
        overrides = record.overrides
        texts: dict[str, str | None] = {}
        for part in ("link", "title", "message"):
            given = overrides.get(part)
            source = given if isinstance(given, str) else getattr(definition, part)
            if source is None:
                texts[part] = None
                continue
            try:
                texts[part] = self._render(source, variables).strip()
            except TemplateError as err:
                texts[part] = None
                errors.append(f"the {part} template failed: {err.message}")
            variables[part] = texts[part]
        title = texts["title"] or f"[{definition.severity}] {definition.display_name}"
        body = texts["message"]
        if body is None or errors:
            body = (body + "\n\n" if body else "") + self.facts(definition, record, value, errors)
        return Content(title, body, texts["link"], tuple(errors))

    def facts(self, definition: Definition, record: AlertRecord, value: Any,
              errors: Sequence[str]) -> str:
        """The raw facts, for when a template did not render."""
        since = record.since.astimezone(self._hub.tz).isoformat(timespec="seconds") \
            if record.since else "-"
        parts = [f"{definition.display_name} ({definition.entity_id}) is {state_of(record)} "
                 f"since {since}; severity {definition.severity}, category "
                 f"{definition.category}."]
        if definition.source_entity:
            parts.append(f"{definition.source_entity} is {value}.")
        if errors:
            parts.append("Note: " + "; ".join(errors) + " (these are the raw facts).")
        return " ".join(parts)

    def entries(
        self, definition: Definition, record: AlertRecord, value: Any, *,
        recipients: Sequence[Recipient], reason: str, why: str, now: datetime,
    ) -> tuple[list[OutboxEntry], list[str]]:
        """One entry per recipient and contact; also the recipients nobody can reach."""
        content = self.content(definition, record, value)
        esc = record.escalation
        started = esc.started if esc is not None else (record.since or now)
        number = esc.number if esc is not None else 0
        stem = f"{definition.id}/{int(started.timestamp() * 1000)}.{number}/{reason}"
        out: list[OutboxEntry] = []
        unreachable: list[str] = []
        for recipient in recipients:
            made = self._for(definition, record, content, recipient, stem=stem, why=why,
                             now=now)
            if not made:
                unreachable.append(recipient.person)
            out.extend(made)
        return out, unreachable

    def _for(self, definition: Definition, record: AlertRecord, content: Content,
             recipient: Recipient, *, stem: str, why: str, now: datetime) -> list[OutboxEntry]:
        if recipient.is_channel:
            contacts = [(recipient.person.partition(".")[2], "")]
        else:
            person = self._config.people.get(recipient.person)
            contacts = [(c.notifier, c.address) for c in (person.contacts if person else ())]
        link = None
        if self.ack is not None and not recipient.is_channel and contacts:
            person = self._config.people.get(recipient.person)
            token = self.ack.issue(definition.id, recipient.person, title=content.title,
                                   person_name=person.name if person else None)
            link = self.ack.url(token)
        data = {
            "entity_id": definition.source_entity, "alert_entity": definition.entity_id,
            "state": str(state_of(record)), "since": _plain(record.since), "reason": why,
            "link": content.link, "template_errors": list(content.errors),
            "escalation_step": stem.rsplit("/", 1)[-1],
        }
        out = []
        seen: dict[str, int] = {}
        for channel, address in contacts:
            n = seen[channel] = seen.get(channel, -1) + 1
            key = f"{stem}/{recipient.person}/{channel}" + (f"#{n}" if n else "")
            message = Message(
                key=key, alert_id=definition.id, recipient=recipient.person, channel=channel,
                address=address, title=content.title, body=content.body,
                severity=str(definition.severity), category=str(definition.category),
                ack_url=link, data=data,
            )
            out.append(OutboxEntry(message, now, now, via=(recipient.via,), reason=why,
                                   group=definition.group))
        return out
